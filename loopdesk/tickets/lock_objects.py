"""Row locks for read-modify-write of tickets (a no-op lock on SQLite, which
serialises writers with BEGIN IMMEDIATE)."""

from .models import Ticket


def ticket_lock(*, ticket_id: int) -> Ticket:
    return Ticket.objects.select_for_update().select_related("status").get(pk=ticket_id)
