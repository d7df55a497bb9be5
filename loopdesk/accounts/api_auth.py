"""REST API authentication: `Authorization: Bearer <key>`, per-route scopes, rate limit.

Only the header is read; a key in the query string or a form field is never looked at
(URLs end up in logs and browser history). Every call re-checks the key, so a revoked
key or a deactivated user is refused at once.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from loopdesk.core import ratelimit
from loopdesk.core.api_errors import RateLimited, ScopeMissing
from loopdesk.tickets.events import Actor

from .models import ApiKey, ApiScope, User
from .selectors import api_key_authenticate

LAST_USED_PRECISION = timedelta(minutes=1)
RATELIMIT_ATTR = "_loopdesk_ratelimit"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's user and the key itself (request.auth)."""

    user: User
    api_key: ApiKey

    @property
    def scopes(self) -> frozenset[str]:
        return frozenset(self.api_key.scopes or [])

    @property
    def actor(self) -> Actor:
        return Actor.api(self.user, self.api_key.name)

    @property
    def owner_key(self) -> str:
        """The owner of idempotency records: the user, whichever of their keys is used."""
        return f"user:{self.user.pk}"


def _touch_last_used(api_key: ApiKey) -> None:
    """At most one cheap UPDATE per key per minute, however busy the key is."""
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_PRECISION:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


class ApiKeyAuth(HttpBearer):
    """Bearer-key authentication that also demands one scope (or none) per route."""

    def __init__(self, scope: str | None = None) -> None:
        if scope is not None and scope not in ApiScope.values:
            raise ValueError(f"unknown API scope {scope!r}")
        self.scope = scope
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        api_key = api_key_authenticate(secret=token.strip())
        if api_key is None:
            return None  # ninja answers 401
        state = ratelimit.hit(
            bucket=f"apikey:{api_key.prefix}",
            limit=settings.LOOPDESK_API_RATE_LIMIT,
            window=settings.LOOPDESK_API_RATE_WINDOW,
        )
        setattr(request, RATELIMIT_ATTR, state)
        if not state.allowed:
            raise RateLimited(retry_after=state.reset_in)
        _touch_last_used(api_key)
        if self.scope is not None and self.scope not in (api_key.scopes or []):
            raise ScopeMissing(self.scope)
        return Principal(user=api_key.user, api_key=api_key)


def principal(request: HttpRequest) -> Principal:
    """The authenticated caller of an API route (set by ApiKeyAuth)."""
    return request.auth  # type: ignore[attr-defined]


TICKETS_READ = ApiKeyAuth(ApiScope.TICKETS_READ)
TICKETS_WRITE = ApiKeyAuth(ApiScope.TICKETS_WRITE)
CONTACTS_READ = ApiKeyAuth(ApiScope.CONTACTS_READ)
CONTACTS_WRITE = ApiKeyAuth(ApiScope.CONTACTS_WRITE)
ANY_KEY = ApiKeyAuth()


def require_scope(caller: Principal, scope: str) -> None:
    """For routes that need a second scope besides the one their auth demands."""
    if scope not in caller.scopes:
        raise ScopeMissing(scope)
