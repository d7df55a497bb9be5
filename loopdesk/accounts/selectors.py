"""Reads for users, teams and API keys."""

import hmac

from django.db.models import QuerySet

from .models import ApiKey, Role, Team, User
from .services import KEY_PREFIX, hash_secret


def api_key_authenticate(*, secret: str) -> ApiKey | None:
    """The usable key for this secret, or None. Constant-time compare of the hash."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    prefix = secret[len(KEY_PREFIX) :].split("_", 1)[0]
    try:
        api_key = ApiKey.objects.select_related("user").get(prefix=prefix)
    except ApiKey.DoesNotExist:
        return None
    if not hmac.compare_digest(api_key.key_hash, hash_secret(secret)):
        return None
    return api_key if api_key.is_usable else None


def user_team_ids(user: User) -> list[int]:
    """Team ids of a user, cached on the instance for the request."""
    cached = getattr(user, "_loopdesk_team_ids", None)
    if cached is None:
        cached = list(user.teams.values_list("pk", flat=True))
        user._loopdesk_team_ids = cached
    return cached


def agents_active() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True).exclude(role=Role.TECHNICIAN).order_by("display_name")
    )


def teams_visible_to(user: User) -> QuerySet[Team]:
    return Team.objects.all().order_by("name")


def default_team_for(user: User) -> Team | None:
    """The team a ticket created by `user` lands in when none is chosen: an agent's first
    team, so they can still see what they created (agents do not see the team-less triage
    queue); None for supervisors and admins, who do."""
    if user.role not in (Role.AGENT, Role.TECHNICIAN):
        return None
    team_ids = getattr(user, "_loopdesk_team_ids", None)
    if team_ids is not None:  # already read in this request
        return Team.objects.filter(pk=team_ids[0]).first() if team_ids else None
    return user.teams.order_by("name", "pk").first()
