"""Bearer keys: header only, checked on every call, revocation and deactivation at once."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from loopdesk.accounts.models import ApiKey
from loopdesk.accounts.services import api_key_create, api_key_revoke, user_deactivate

from .conftest import ApiClient, assert_problem


def test_key_in_query_string_is_never_accepted(client, agent, ticket):
    secret = api_key_create(user=agent, name="k").secret
    for param in ("api_key", "key", "token", "access_token", "Authorization"):
        assert_problem(client.get("/api/v1/tickets", {param: secret}), 401)
        assert_problem(client.get("/api/v1/tickets", {param: f"Bearer {secret}"}), 401)


def test_other_schemes_and_garbage_are_401(client, agent):
    secret = api_key_create(user=agent, name="k").secret
    for header in (
        f"Token {secret}",
        f"Basic {secret}",
        secret,
        "Bearer ",
        "Bearer ld_x_y",
        f"Bearer {secret}x",
        "Bearer " + "a" * 5000,
        f"Bearer {secret[:-1]}",
    ):
        assert_problem(client.get("/api/v1/users/me", headers={"Authorization": header}), 401)


def test_revoked_key_is_401_on_the_next_call(api_as, agent, ticket):
    api = api_as(agent)
    assert api.get(f"/tickets/{ticket.number}").status_code == 200
    api_key_revoke(api_key=ApiKey.objects.get(user=agent))
    assert_problem(api.get(f"/tickets/{ticket.number}"), 401)
    assert_problem(api.patch(f"/tickets/{ticket.number}", {"priority": 1}), 401)
    ticket.refresh_from_db()
    assert ticket.priority == 3


def test_deactivated_user_is_401_at_once(api_as, agent, ticket):
    api = api_as(agent)
    assert api.get("/users/me").status_code == 200
    user_deactivate(user=agent)
    assert_problem(api.get("/users/me"), 401)
    assert_problem(
        api.post(f"/tickets/{ticket.number}/messages", {"kind": "note", "body_text": "x"}), 401
    )
    assert ticket.messages.count() == 1


def test_inactive_user_with_unrevoked_key_is_401(api_as, agent):
    """Even if a key escaped revocation, the user's is_active is checked on every call."""
    api = api_as(agent)
    type(agent).objects.filter(pk=agent.pk).update(is_active=False)
    assert_problem(api.get("/users/me"), 401)


def test_expired_key_is_401(api_as, agent):
    api = api_as(agent)
    ApiKey.objects.filter(user=agent).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(api.get("/users/me"), 401)


def test_last_used_at_is_written_at_most_once_a_minute(api_as, agent, django_assert_num_queries):
    api = api_as(agent)
    key = ApiKey.objects.get(user=agent)
    assert key.last_used_at is None
    api.get("/users/me")
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    # Within the minute: key lookup + teams only, no UPDATE.
    with django_assert_num_queries(2):
        api.get("/users/me")
    key.refresh_from_db()
    assert key.last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get("/users/me")
    key.refresh_from_db()
    assert key.last_used_at > first - timedelta(minutes=1)


def test_users_me_shows_user_teams_and_scopes(api_as, agent, team_a):
    body = api_as(agent, scopes=["tickets:read"]).get("/users/me").json()
    assert body["email"] == agent.email
    assert body["teams"] == [{"id": team_a.pk, "name": "Team A", "description": ""}]
    assert body["api_key"]["scopes"] == ["tickets:read"]
    assert "secret" not in str(body) and "hash" not in str(body)


def test_teams_list(api_as, agent, team_a, team_b):
    body = api_as(agent).get("/teams").json()
    assert [t["name"] for t in body] == ["Team A", "Team B"]


def test_session_login_does_not_authenticate_the_api(agent):
    """The API takes keys only; a browser session (cookie) is not enough."""
    client = Client()
    client.force_login(agent)
    assert_problem(ApiClient(client).get("/users/me"), 401)
