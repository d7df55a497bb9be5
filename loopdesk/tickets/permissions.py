"""Object-level predicates. Visibility itself is Ticket.objects.visible_to(user)."""

from loopdesk.accounts.models import Role

from .models import Ticket


def can_work_tickets(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in Role.values)


def can_edit(user, ticket: Ticket) -> bool:
    """Who may reply, change fields or status of a ticket they can see."""
    return can_work_tickets(user)


def can_reassign(user, ticket: Ticket) -> bool:
    """Technicians work what they are given; everyone else may (re)assign."""
    return can_work_tickets(user) and user.role != Role.TECHNICIAN


def can_create_for_contact(user) -> bool:
    return can_work_tickets(user) and user.role != Role.TECHNICIAN
