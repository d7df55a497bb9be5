"""Reads for the SLA parts of the agent workspace: a ticket's clocks (the SLA panel) and
a user's in-app notifications. Tickets are authorised by the caller (visible_to)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from loopdesk.accounts.models import Notification
from loopdesk.core.pagination import Page, SortKey, keyset_page

from .constants import ClockState
from .models import TicketClock

PANEL_CLOCKS = 20  # next-response cycles can be many: show the most recent


@dataclass
class ClockRow:
    clock: TicketClock
    metric_label: str
    state: str  # running | paused | fulfilled | cancelled | breached
    state_label: str
    css: str
    target_seconds: int
    due_at: datetime | None
    remaining_seconds: int | None  # running: wall time to due; paused: business time left
    overdue_seconds: int | None
    business_left_seconds: int | None = None  # running business-hours clock: counted time left


def ticket_clock_rows(*, ticket, now: datetime | None = None) -> list[ClockRow]:
    from django.utils.translation import gettext as _

    now = now or timezone.now()
    clocks = list(
        TicketClock.objects.filter(ticket=ticket)
        .select_related("policy")
        .order_by("-started_at", "-cycle")[:PANEL_CLOCKS]
    )
    clocks.sort(key=lambda c: (c.metric, c.cycle))
    # Time left in business time (the calendar's hours) for the running clocks, as the
    # ticket API computes it: a Friday-evening deadline is hours of work, not of wall time.
    business_left = {}
    if any(c.state == ClockState.RUNNING and c.business_hours for c in clocks):
        from .selectors import ticket_sla_clocks

        business_left = {
            (out["metric"], out["cycle"]): out["remaining_minutes"] * 60
            for out in ticket_sla_clocks(ticket=ticket, now=now)
        }
    rows = []
    for clock in clocks:
        target = clock.target_minutes * 60
        remaining = overdue = None
        if clock.state == ClockState.RUNNING and clock.due_at:
            left = int((clock.due_at - now).total_seconds())
            remaining, overdue = (left, None) if left >= 0 else (None, -left)
        elif clock.state == ClockState.PAUSED:
            remaining = max(0, target - clock.used_seconds)
        if clock.breached or overdue:
            state, label, css = "breached", _("Breached"), "sla-overdue"
        else:
            state, label = clock.state, ClockState(clock.state).label
            css = {
                ClockState.RUNNING: "sla-soon"
                if remaining is not None and remaining < 3600
                else "sla-ok",
                ClockState.PAUSED: "sla-paused",
                ClockState.FULFILLED: "sla-done",
            }.get(clock.state, "sla-paused")
        rows.append(
            ClockRow(
                clock=clock,
                metric_label=clock.get_metric_display(),
                state=state,
                state_label=label,
                css=css,
                target_seconds=target,
                due_at=clock.due_at if clock.state == ClockState.RUNNING else None,
                remaining_seconds=remaining,
                overdue_seconds=overdue,
                business_left_seconds=(
                    business_left.get((clock.metric, clock.cycle))
                    if clock.state == ClockState.RUNNING and clock.business_hours and remaining
                    else None
                ),
            )
        )
    return rows


def notifications_page(*, user, after: str | None, size: int = 30) -> Page:
    qs = Notification.objects.filter(user=user).select_related("ticket")
    return keyset_page(qs, keys=[SortKey("created_at", True)], size=size, after=after)


def notifications_unread_count(*, user, cap: int = 100) -> int:
    """Capped: the bell shows "99+" rather than counting a backlog on every page load."""
    return len(
        Notification.objects.filter(user=user, read_at__isnull=True).values_list("pk", flat=True)[
            :cap
        ]
    )
