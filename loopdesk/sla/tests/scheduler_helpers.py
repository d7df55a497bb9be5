"""Shared set-up for the scheduler tests: a policy with escalation and running clocks.

TicketClock is a projection of the ticket's events; writing rows directly is how these
tests put a clock at an exact due time without waiting for one.
"""

from datetime import datetime, timedelta

from loopdesk.sla.constants import ClockState, Metric
from loopdesk.sla.models import SlaPolicy, TicketClock

NOW = datetime.fromisoformat("2026-11-23T02:00:00+00:00")


def make_policy(*, escalation: dict | None = None, name: str = "Standard") -> SlaPolicy:
    # Inactive: the policy matcher must not pick it up for tickets the tests create, so
    # the only clocks are the ones the tests write.
    return SlaPolicy.objects.create(
        name=name, is_active=False, escalation=escalation or {}, warn_at_percent=75
    )


def make_clock(
    ticket,
    policy,
    *,
    due_in: timedelta,
    warn_in: timedelta | None = None,
    metric: str = Metric.FIRST_RESPONSE,
    cycle: int = 1,
    state: str = ClockState.RUNNING,
) -> TicketClock:
    return TicketClock.objects.create(
        ticket=ticket,
        metric=metric,
        cycle=cycle,
        policy=policy,
        target_minutes=60,
        business_hours=False,
        state=state,
        started_at=NOW - timedelta(hours=1),
        due_at=NOW + due_in,
        warn_at=NOW + (warn_in if warn_in is not None else due_in - timedelta(minutes=15)),
    )
