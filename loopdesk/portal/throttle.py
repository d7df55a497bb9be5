"""Rate limits of the public portal endpoints (core.ratelimit fixed windows)."""

import hashlib

from django.http import HttpRequest
from django.utils.translation import gettext as _

from loopdesk.core import ratelimit
from loopdesk.core.exceptions import LoopdeskError

from . import conf


class Throttled(LoopdeskError):
    status_code = 429

    def __init__(self, reset_in: int) -> None:
        minutes = max(1, (reset_in + 59) // 60)
        super().__init__(
            _("Too many requests. Please try again in %(minutes)s minutes.") % {"minutes": minutes}
        )
        self.reset_in = reset_in


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR; behind a proxy the proxy must set it (X-Forwarded-For from clients is
    never trusted, as in the staff login throttle)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def digest(value: str) -> str:
    """Buckets and logs never hold an address in clear."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def check(*buckets: tuple[str, int]) -> None:
    """Count one hit in every (bucket, limit); raise Throttled if any is over."""
    window = conf.get("LOOPDESK_PORTAL_RATE_WINDOW")
    over = [
        state
        for bucket, limit in buckets
        if not (state := ratelimit.hit(bucket=bucket, limit=limit, window=window)).allowed
    ]
    if over:
        raise Throttled(max(s.reset_in for s in over))
