"""Reads for users, teams and API keys."""

import hmac

from django.db.models import QuerySet

from loopdesk.core.prepared import PreparedQuery

from .models import ApiKey, Role, Team, User
from .services import KEY_PREFIX, hash_secret


def api_key_authenticate(*, secret: str) -> ApiKey | None:
    """The usable key for this secret, or None. Constant-time compare of the hash."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    prefix = secret[len(KEY_PREFIX) :].split("_", 1)[0]
    api_key = _api_key_with_user(prefix)
    if api_key is None:
        return None
    if not hmac.compare_digest(api_key.key_hash, hash_secret(secret)):
        return None
    return api_key if api_key.is_usable else None


def user_team_ids(user: User) -> list[int]:
    """Team ids of a user, cached on the instance for the request."""
    cached = getattr(user, "_loopdesk_team_ids", None)
    if cached is None:
        cached = [team_id for _user_id, team_id in _TEAM_IDS.tuples([user.pk])]
        user._loopdesk_team_ids = cached
    return cached


# Every API request and most pages read these; compiled once per process (core.prepared).
_API_KEY_WITH_USER = PreparedQuery(
    lambda prefixes: ApiKey.objects.select_related("user").filter(prefix__any=prefixes),
    kind="text",
)
_TEAM_BY_PK = PreparedQuery(lambda ids: Team.objects.filter(pk__any=ids))
_TEAMS_OF_USER = PreparedQuery(
    lambda ids: Team.objects.filter(members__id__any=ids).order_by("name", "pk")
)
_TEAM_IDS = PreparedQuery(
    lambda ids: (
        User.teams.through.objects.filter(user_id__any=ids)
        .order_by("team__name", "team_id")  # by name, as Team's ordering: default_team_for
        .values("user_id", "team_id")
    )
)


def _api_key_with_user(prefix: str) -> ApiKey | None:
    """The key with this prefix and its user, as select_related("user") would load them."""
    found = _API_KEY_WITH_USER.objects([prefix])
    return found[0] if found else None


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
    if team_ids is not None:  # already read in this request (by team name, then id)
        found = _TEAM_BY_PK.objects(team_ids[:1])
    else:
        found = _TEAMS_OF_USER.objects([user.pk])[:1]
    return found[0] if found else None
