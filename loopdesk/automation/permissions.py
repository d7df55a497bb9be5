"""Who may do what in automation."""

from loopdesk.accounts.models import Role


def can_manage_rules(user) -> bool:
    """Rules change every ticket: admins and supervisors only."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and (user.is_admin or user.role == Role.SUPERVISOR)
    )


def can_use_macros(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in Role.values)


def can_edit_shared(user, team_id: int | None) -> bool:
    """Team and shared macros/canned replies: admins; supervisors for their own teams."""
    if not can_manage_rules(user):
        return False
    if user.is_admin:
        return True
    return team_id is not None and user.teams.filter(pk=team_id).exists()
