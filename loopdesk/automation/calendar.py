"""Which business calendar a ticket's 'business hours' conditions use: the calendar of its
SLA policy, else the default (the setting LOOPDESK_AUTOMATION_CALENDAR names one, else the
first active SLA policy's calendar). With no calendar at all, business time is wall time."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from loopdesk.sla.calendars import (
    CalendarSpec,
    add_business_seconds,
    business_seconds_between,
    spec_for,
)
from loopdesk.sla.models import BusinessCalendar, TicketSla
from loopdesk.sla.services.clocks import compiled_policies

_cache: dict = {"key": None, "by_policy": {}, "default": None}


def _load() -> dict:
    compiled = compiled_policies()  # cached per SLA configuration version
    if _cache["key"] is not compiled:
        policies, rules, _categories = compiled
        by_policy = {
            policy.pk: rule.business_base.spec
            for policy, rule in zip(policies, rules, strict=True)
            if policy.calendar_id
        }
        default = None
        name = getattr(settings, "LOOPDESK_AUTOMATION_CALENDAR", "")
        if name:
            calendar = (
                BusinessCalendar.objects.prefetch_related("intervals", "exceptions")
                .filter(name=name)
                .first()
            )
            default = spec_for(calendar) if calendar else None
        if default is None:
            default = next(iter(by_policy.values()), None)
        _cache.update(key=compiled, by_policy=by_policy, default=default)
    return _cache


def spec_for_ticket(ticket) -> CalendarSpec | None:
    state = _load()
    try:
        policy_id = ticket.sla.policy_id  # select_related by the engine: no extra query
    except TicketSla.DoesNotExist:
        policy_id = None
    if policy_id in state["by_policy"]:
        return state["by_policy"][policy_id]
    return state["default"]


def seconds_between(spec: CalendarSpec | None, start: datetime, end: datetime) -> int:
    if end <= start:
        return 0
    if spec is None:
        return int((end - start).total_seconds())
    return business_seconds_between(spec, start, end)


def add_seconds(spec: CalendarSpec | None, start: datetime, seconds: int) -> datetime:
    if spec is None:
        return start + timedelta(seconds=seconds)
    return add_business_seconds(spec, start, seconds)


def within(spec: CalendarSpec | None, instant: datetime) -> bool:
    if spec is None:
        return True
    local = instant.astimezone(spec.tz).date()
    for day in (local - timedelta(days=1), local):
        for start, end in spec.utc_intervals(day):
            if start <= instant < end:
                return True
    return False
