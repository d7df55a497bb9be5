"""Per-key fixed window: 429 with Retry-After once the minute's budget is spent."""

from loopdesk.core import ratelimit

from .conftest import assert_problem


def test_headers_on_every_authenticated_response(api_as, agent, ticket, settings):
    settings.LOOPDESK_API_RATE_LIMIT = 50
    api = api_as(agent)
    ok = api.get("/tickets")
    assert ok["X-RateLimit-Limit"] == "50"
    assert ok["X-RateLimit-Remaining"] == "49"
    assert 1 <= int(ok["X-RateLimit-Reset"]) <= settings.LOOPDESK_API_RATE_WINDOW
    # Errors carry them too.
    missing = api.get("/tickets/1")
    assert missing.status_code == 404 and missing["X-RateLimit-Remaining"] == "48"
    invalid = api.post("/tickets", {"bogus": 1})
    assert invalid.status_code == 400 and invalid["X-RateLimit-Remaining"] == "47"


def test_429_after_the_limit_with_retry_after(api_as, agent, other_agent, ticket, settings):
    settings.LOOPDESK_API_RATE_LIMIT = 3
    api = api_as(agent)
    for remaining in ("2", "1", "0"):
        assert api.get("/users/me")["X-RateLimit-Remaining"] == remaining
    denied = api.patch(f"/tickets/{ticket.number}", {"priority": 1})
    body = assert_problem(denied, 429)
    assert body["type"].endswith("rate-limit")
    assert 1 <= int(denied["Retry-After"]) <= settings.LOOPDESK_API_RATE_WINDOW
    assert denied["X-RateLimit-Remaining"] == "0"
    ticket.refresh_from_db()
    assert ticket.priority == 3  # a throttled write did nothing
    # Another key (another tenant) is unaffected.
    assert api_as(other_agent).get("/users/me").status_code == 200


def test_each_key_has_its_own_window(api_as, agent, settings):
    settings.LOOPDESK_API_RATE_LIMIT = 1
    first, second = api_as(agent, name="one"), api_as(agent, name="two")
    assert first.get("/users/me").status_code == 200
    assert second.get("/users/me").status_code == 200
    assert first.get("/users/me").status_code == 429


def test_counter_is_atomic_and_windowed():
    states = [ratelimit.hit(bucket="unit-test", limit=2, window=86_400) for _ in range(3)]
    assert [s.count for s in states] == [1, 2, 3]
    assert [s.allowed for s in states] == [True, True, False]
    assert states[-1].remaining == 0


REDIS_CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/13",
    }
}


DAY = 86_400  # a window the test cannot straddle (except at midnight UTC)


def _hammer(bucket: str, hits: int, results) -> None:
    from loopdesk.core.ratelimit import hit

    results.put(max(hit(bucket=bucket, limit=10**6, window=DAY).count for _ in range(hits)))


def test_counter_is_exact_across_processes_on_redis():
    """Production runs several app processes against one Redis: no hit may be lost."""
    import multiprocessing
    import uuid

    import redis
    from django.core.cache import caches
    from django.test import override_settings

    redis.Redis.from_url(REDIS_CACHES["default"]["LOCATION"]).ping()  # Redis is required
    bucket = f"test-{uuid.uuid4().hex}"
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    with override_settings(CACHES=REDIS_CACHES):
        caches.close_all()  # children open their own Redis connections
        procs = [ctx.Process(target=_hammer, args=(bucket, 200, results)) for _ in range(4)]
        for proc in procs:
            proc.start()
        for proc in procs:
            proc.join(timeout=60)
        assert [proc.exitcode for proc in procs] == [0, 0, 0, 0]
        from loopdesk.core.ratelimit import hit

        assert hit(bucket=bucket, limit=10**6, window=DAY).count == 801  # no hit lost
        assert max(results.get() for _ in procs) <= 800
