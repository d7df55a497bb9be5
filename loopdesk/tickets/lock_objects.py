"""Row locks for read-modify-write of tickets (a no-op lock on SQLite, which
serialises writers with BEGIN IMMEDIATE)."""

from .models import Ticket


def ticket_lock(*, ticket_id: int) -> Ticket:
    # OF self: lock the ticket row only. A plain FOR UPDATE over the join would also lock the
    # status row, serialising every writer of tickets in that status on PostgreSQL.
    return Ticket.objects.select_for_update(of=("self",)).select_related("status").get(pk=ticket_id)
