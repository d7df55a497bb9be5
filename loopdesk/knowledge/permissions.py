"""Who may do what in the knowledge base.

Staff (any role) read internal articles; admins, supervisors and agents write drafts and
send them to review; admins and supervisors publish, unpublish, delete and manage
categories. Technicians read only.
"""

from loopdesk.accounts.models import Role

WRITER_ROLES = {Role.ADMIN, Role.SUPERVISOR, Role.AGENT}
EDITOR_ROLES = {Role.ADMIN, Role.SUPERVISOR}


def is_staff_reader(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and getattr(user, "role", ""))


def can_write(user) -> bool:
    return is_staff_reader(user) and user.role in WRITER_ROLES


def can_publish(user) -> bool:
    return is_staff_reader(user) and user.role in EDITOR_ROLES
