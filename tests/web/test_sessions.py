"""Sessions and the signed-in user are read through precompiled statements
(accounts.sessions, EmailBackend.get_user): the same rules as Django's own readers."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from loopdesk.accounts.backends import EmailBackend
from loopdesk.tickets.tests.factories import PASSWORD

INBOX = reverse("tickets:inbox")
LOGIN = reverse("accounts:login")


def _login(client, user):
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_session_engine_is_ours():
    assert settings.SESSION_ENGINE == "loopdesk.accounts.sessions"


def test_a_session_works_until_it_expires(client, agent):
    key = _login(client, agent)
    assert client.get(INBOX).status_code == 200
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_logout_ends_the_session_for_a_copied_cookie(client, agent):
    key = _login(client, agent)
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = key  # an old copy of the cookie
    assert client.get(INBOX).status_code == 302


def test_a_deactivated_user_is_signed_out(client, agent):
    _login(client, agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert client.get(INBOX).status_code == 302


def test_a_password_change_signs_out_other_sessions(client, agent):
    _login(client, agent)
    agent.set_password("another long password 2026")
    agent.save()
    assert client.get(INBOX).status_code == 302


@pytest.mark.parametrize(
    "cookie",
    [
        "",
        "short",
        "x" * 5000,
        "' OR '1'='1",
        '"; DROP TABLE django_session; --',
        ("会话" * 20).encode().decode("latin-1"),  # UTF-8 bytes, as a WSGI server passes them
        "%00%0d%0a",
    ],
)
def test_hostile_session_cookies_are_anonymous(client, agent, cookie):
    _login(client, agent)
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert Session.objects.exists()  # the table is still there


@pytest.mark.parametrize("user_id", [None, "", "abc", "1.5", "9" * 40, [], "1; --"])
def test_get_user_refuses_what_is_not_an_id(db, user_id):
    assert EmailBackend().get_user(user_id) is None


def test_get_user_returns_the_full_user(agent):
    user = EmailBackend().get_user(str(agent.pk))
    assert user == agent
    assert user.password == agent.password and user.role == agent.role
    assert EmailBackend().get_user(agent.pk + 10_000) is None
