"""Per-key fixed window: 429 with Retry-After once the minute's budget is spent."""

from loopdesk.core import ratelimit

from .conftest import assert_problem


def test_headers_on_every_authenticated_response(api_as, agent, ticket, settings):
    settings.LOOPDESK_API_RATE_LIMIT = 50
    api = api_as(agent)
    ok = api.get("/tickets")
    assert ok["X-RateLimit-Limit"] == "50"
    assert ok["X-RateLimit-Remaining"] == "49"
    assert 1 <= int(ok["X-RateLimit-Reset"]) <= 60
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
    assert 1 <= int(denied["Retry-After"]) <= 60
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
    states = [ratelimit.hit(bucket="unit-test", limit=2) for _ in range(3)]
    assert [s.count for s in states] == [1, 2, 3]
    assert [s.allowed for s in states] == [True, True, False]
    assert states[-1].remaining == 0
