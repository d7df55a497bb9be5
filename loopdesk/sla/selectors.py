"""Reads of SLA data: policies and a ticket's clocks as shown in the API."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from .calendars import ALWAYS_OPEN, NoWorkingTime, spec_for
from .clocks import WALL_CLOCK, SpecBase
from .constants import ClockState
from .models import SlaPolicy, TicketClock


def policies_qs() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.prefetch_related("targets")


def ticket_sla_clocks(*, ticket, now: datetime | None = None) -> list[dict]:
    """The latest cycle of each metric with used/remaining minutes as of `now`.

    One query, plus two (calendar hours and exceptions) when a business-hours clock is
    running, since its time left depends on the calendar."""
    now = now or timezone.now()
    latest: dict[str, TicketClock] = {}
    for clock in (
        TicketClock.objects.filter(ticket_id=ticket.pk)
        .exclude(state=ClockState.CANCELLED)
        .select_related("policy__calendar")
        .order_by("metric", "-cycle")
    ):
        latest.setdefault(clock.metric, clock)
    running_calendars = [
        c.policy.calendar
        for c in latest.values()
        if c.state == ClockState.RUNNING and c.business_hours and c.policy and c.policy.calendar
    ]
    if running_calendars:
        prefetch_related_objects(running_calendars, "intervals", "exceptions")
    order = {"first_response": 0, "next_response": 1, "resolution": 2}
    return [_clock_out(c, now) for c in sorted(latest.values(), key=lambda c: order[c.metric])]


def _base(clock: TicketClock):
    if not clock.business_hours:
        return WALL_CLOCK
    calendar = clock.policy.calendar if clock.policy else None
    return SpecBase(spec_for(calendar) if calendar else ALWAYS_OPEN)


def _clock_out(clock: TicketClock, now: datetime) -> dict:
    total = clock.target_minutes * 60
    used = clock.used_seconds
    state = clock.state
    if state == ClockState.RUNNING:
        # used_seconds counts up to the last stop; add the running stretch up to now.
        # due_at is where used reaches the target, so time left is the business time to it.
        try:
            base = _base(clock)
            if clock.due_at is not None and now < clock.due_at:
                remaining = base.between(now, clock.due_at)
            else:
                remaining = -base.between(clock.due_at, now) if clock.due_at else 0
        except NoWorkingTime:
            remaining = 0
        used = total - remaining
    else:
        remaining = total - used
    breached = clock.breached or (
        state == ClockState.RUNNING and clock.due_at is not None and now >= clock.due_at
    )
    return {
        "metric": clock.metric,
        "cycle": clock.cycle,
        "policy": clock.policy.name if clock.policy else None,
        "target_minutes": clock.target_minutes,
        "business_hours": clock.business_hours,
        "state": "breached" if breached else state,
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "fulfilled_at": clock.fulfilled_at,
        "breached": breached,
        "used_minutes": used // 60,
        "remaining_minutes": -((-remaining) // 60) if remaining < 0 else remaining // 60,
    }
