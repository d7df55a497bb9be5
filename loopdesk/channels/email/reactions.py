"""What the email channel does when tickets change (a ticket hooks subscriber): mail an
agent's public reply to the customer, and tell an agent a ticket was assigned to them."""

from loopdesk.tickets.hooks import TicketChange
from loopdesk.tickets.models import TicketEvent, TicketEventType

from . import outbound

WATCHED = (TicketEventType.REPLY_SENT, TicketEventType.ASSIGNED)


def on_ticket_change(change: TicketChange) -> None:
    if not any(t in WATCHED for t in change.types):
        return
    rows = TicketEvent.objects.filter(pk__in=change.event_ids, type__in=WATCHED).values(
        "type", "message_id", "actor_user_id", "changes"
    )
    for row in rows:
        if row["type"] == TicketEventType.REPLY_SENT and row["message_id"]:
            outbound.queue_reply(message_id=row["message_id"])
        elif row["type"] == TicketEventType.ASSIGNED:
            new = (row["changes"] or {}).get("assignee", [None, None])[1]
            user_id = new.get("id") if isinstance(new, dict) else None
            if user_id and user_id != row["actor_user_id"]:
                outbound.queue_assignment_notice(ticket_id=change.ticket_id, user_id=user_id)
