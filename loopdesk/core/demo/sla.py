"""Demo SLA setup: a China support calendar and two policies, so clocks show up at once."""

from datetime import date, time

from django.utils import timezone

from loopdesk.sla.models import BusinessCalendar, SlaPolicy
from loopdesk.sla.presets import china_year_supported
from loopdesk.sla.services.calendars import (
    WeeklyInterval,
    calendar_create,
    calendar_load_china_preset,
)
from loopdesk.sla.services.policies import TargetSpec, sla_policy_create

CALENDAR = "中国客服 China support"
# A split shift with a lunch break, Monday to Friday (make-up Saturdays come from the preset).
HOURS = [(time(9), time(12)), (time(13, 30), time(18))]

ESCALATION = {
    "warning": [{"action": "notify", "to": "assignee"}],
    "breach": [
        {"action": "notify", "to": "supervisors"},
        {"action": "add_tag", "tag": "sla-breach"},
    ],
}


def ensure_sla(today: date | None = None) -> BusinessCalendar:
    """Idempotent: the calendar, this and last year's China preset (when published) and
    the VIP and standard policies."""
    today = today or timezone.localdate()
    calendar = BusinessCalendar.objects.filter(name=CALENDAR).first()
    if calendar is None:
        calendar = calendar_create(
            name=CALENDAR,
            timezone="Asia/Shanghai",
            intervals=[
                WeeklyInterval(weekday=day, start=start, end=end)
                for day in range(5)
                for start, end in HOURS
            ],
            description="Demo: Mon–Fri 09:00–12:00 and 13:30–18:00, China holidays and 调休.",
        )
    for year in (today.year - 1, today.year, today.year + 1):
        if china_year_supported(year):
            calendar_load_china_preset(calendar=calendar, year=year)
    if not SlaPolicy.objects.exists():
        _policies(calendar)
    return calendar


def _policies(calendar: BusinessCalendar) -> None:
    sla_policy_create(
        name="VIP 客户 VIP customers",
        order=10,
        conditions={"tier": ["vip"]},
        calendar=calendar,
        escalation={**ESCALATION, "breach": [*ESCALATION["breach"], {"action": "raise_priority"}]},
        targets=[
            TargetSpec("first_response", 30, priority=1),
            TargetSpec("first_response", 60, priority=2),
            TargetSpec("first_response", 120),
            TargetSpec("next_response", 120),
            TargetSpec("resolution", 8 * 60, priority=1),
            TargetSpec("resolution", 16 * 60),
        ],
    )
    sla_policy_create(
        name="标准 Standard",
        order=100,
        calendar=calendar,
        escalation=ESCALATION,
        targets=[
            TargetSpec("first_response", 60, priority=1),
            TargetSpec("first_response", 4 * 60, priority=2),
            TargetSpec("first_response", 8 * 60),
            TargetSpec("next_response", 8 * 60),
            TargetSpec("resolution", 16 * 60, priority=1),
            TargetSpec("resolution", 5 * 9 * 60),
        ],
    )
