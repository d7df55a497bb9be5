"""Fixed-window rate limits in the Django cache (Redis in production, locmem locally).

`cache.add` creates the window's counter only if it is missing and `cache.incr` is
atomic in Redis, so two processes counting the same key never lose a hit.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpResponse

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    count: int
    reset_in: int  # seconds until the window ends

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)


def hit(*, bucket: str, limit: int, window: int = WINDOW_SECONDS) -> RateLimitState:
    """Count one request for `bucket` in the current window and return the state."""
    now = time.time()
    window_index = int(now // window)
    key = f"loopdesk:ratelimit:{bucket}:{window_index}"
    # A little longer than the window so a slow clock near the edge does not reset early.
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:
        # Evicted between add and incr (full locmem cache): start the window again.
        cache.add(key, 1, timeout=window + 5)
        count = 1
    reset_in = max(1, int((window_index + 1) * window - now + 0.999))
    return RateLimitState(limit=limit, count=count, reset_in=reset_in)


def apply_headers(response: HttpResponse, state: RateLimitState) -> None:
    response["X-RateLimit-Limit"] = str(state.limit)
    response["X-RateLimit-Remaining"] = str(state.remaining)
    response["X-RateLimit-Reset"] = str(state.reset_in)
