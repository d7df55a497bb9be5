"""Routing's after-commit reaction to ticket events (tickets.hooks, order 20).

- A ticket that is created, moves to another team, loses its assignee or is reopened,
  and is open, unassigned and in a team with an automatic strategy: route it now.
- A ticket that leaves an agent (solved, closed, reassigned): that agent has capacity
  back, so their teams' waiting tickets are routed (in a task, oldest first).
"""

from loopdesk.tickets.constants import DONE_CATEGORIES
from loopdesk.tickets.hooks import TicketChange
from loopdesk.tickets.models import Ticket, TicketEvent, TicketEventType

from . import selectors
from .constants import Strategy

ROUTE_ON = {
    TicketEventType.CREATED.value,
    TicketEventType.TEAM_CHANGED.value,
    TicketEventType.ASSIGNED.value,
    TicketEventType.REOPENED.value,
}
FREES_ON = {TicketEventType.ASSIGNED.value, TicketEventType.STATUS_CHANGED.value}


def on_ticket_change(change: TicketChange) -> None:
    types = set(change.types)
    if not types & (ROUTE_ON | FREES_ON) or not selectors.auto_team_ids():
        return  # nothing to route, or every team assigns by hand (nobody waits either)
    row = (
        Ticket.objects.filter(pk=change.ticket_id)
        .values("team_id", "assignee_id", "status_category")
        .first()
    )
    if row is None:
        return
    is_open = row["status_category"] not in DONE_CATEGORIES
    freed: set[int] = set()
    if types & FREES_ON:
        for event in TicketEvent.objects.filter(
            pk__in=change.event_ids, type__in=list(FREES_ON)
        ).only("type", "changes"):
            if event.type == TicketEventType.ASSIGNED:
                old = (event.changes.get("assignee") or [None])[0]
                if isinstance(old, dict) and old.get("id") and old["id"] != row["assignee_id"]:
                    freed.add(old["id"])
            elif not is_open and row["assignee_id"]:
                freed.add(row["assignee_id"])
    if (
        types & ROUTE_ON
        and is_open
        and row["team_id"] is not None
        and row["assignee_id"] is None
        and selectors.team_strategy(row["team_id"]).strategy != Strategy.MANUAL
    ):
        from .services import route_ticket

        route_ticket(ticket_id=change.ticket_id)
    if freed:
        from .tasks import route_waiting_for_agent_task

        for user_id in sorted(freed):
            route_waiting_for_agent_task.enqueue(user_id=user_id)
