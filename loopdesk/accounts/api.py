"""/teams and /users/me."""

from django.http import HttpRequest
from ninja import Router

from loopdesk.accounts.api_auth import ANY_KEY, principal

from .schemas import MeOut, TeamOut
from .selectors import teams_visible_to

router = Router(tags=["accounts"])


@router.get(
    "/teams",
    response=list[TeamOut],
    auth=ANY_KEY,
    operation_id="teams_list",
    summary="List teams",
    description="Any valid key. Ids for a ticket's `team_id`.",
)
def teams_list(request: HttpRequest):
    return list(teams_visible_to(principal(request).user))


@router.get(
    "/users/me",
    response=MeOut,
    auth=ANY_KEY,
    operation_id="users_me",
    summary="The key's user",
    description="Any valid key. The user, their teams and the key's scopes.",
)
def users_me(request: HttpRequest):
    caller = principal(request)
    user = caller.user
    return {
        "id": user.pk,
        "email": user.email,
        "name": str(user),
        "role": user.role,
        "language": user.language,
        "timezone": user.timezone,
        "teams": list(user.teams.order_by("name")),
        "api_key": {
            "name": caller.api_key.name,
            "prefix": caller.api_key.prefix,
            "scopes": sorted(caller.scopes),
        },
    }
