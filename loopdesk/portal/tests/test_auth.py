"""Magic links, optional passwords, rate limits, and the separation from staff logins."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from loopdesk.portal.models import MagicLink, PortalAccount
from loopdesk.portal.services.auth import magic_link_issue
from loopdesk.portal.session import SESSION_CONTACT

from .conftest import portal_client

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^\s]+/portal/login/([A-Za-z0-9_-]+)/")


def _request_link(client, email, **extra):
    return client.post("/portal/login/", {"email": email, "action": "link", **extra})


def test_known_address_gets_a_single_use_link_and_unknown_the_same_answer(
    customer, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        known = _request_link(client, "Ming@Acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = _request_link(client, "nobody@acme.example")

    assert known.status_code == unknown.status_code == 200
    assert b'id="link-sent"' in known.content and b'id="link-sent"' in unknown.content
    # No user enumeration: the two answers differ only in the CSRF token.
    strip = re.compile(rb'[A-Za-z0-9]{40,}|value="[^"]*@acme.example"', re.IGNORECASE)
    assert strip.sub(b"", known.content) == strip.sub(b"", unknown.content)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ming@acme.example"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    token = LINK.search(message.body).group(1)
    # Only the hash is stored.
    assert not MagicLink.objects.filter(token_hash=token).exists()
    assert MagicLink.objects.get().token_hash != token

    # GET only shows a button: a mail scanner opening the link does not use it up.
    assert client.get(f"/portal/login/{token}/").status_code == 200
    response = client.post(f"/portal/login/{token}/")
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.session[SESSION_CONTACT] == customer.pk
    assert client.get("/portal/").status_code == 200

    # Reused: refused with a clear message, and a second browser gets nothing.
    other = Client()
    reused = other.post(f"/portal/login/{token}/")
    assert reused.status_code == 410
    assert "already used" in reused.content.decode()
    assert SESSION_CONTACT not in other.session


def test_expired_and_forged_links_are_refused(customer):
    _contact, token = magic_link_issue(email="ming@acme.example")
    MagicLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = Client()
    assert client.get(f"/portal/login/{token}/").status_code == 410
    response = client.post(f"/portal/login/{token}/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.post("/portal/login/not-a-token/").status_code == 410
    assert SESSION_CONTACT not in client.session
    assert client.get("/portal/").status_code == 302


def test_link_requests_are_rate_limited_per_address_and_per_ip(
    customer, settings, django_capture_on_commit_callbacks
):
    settings.LOOPDESK_PORTAL_LOGIN_PER_ADDRESS = 2
    settings.LOOPDESK_PORTAL_LOGIN_PER_IP = 4
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        codes = [_request_link(client, "ming@acme.example").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert len(mail.outbox) == 2
    # Other addresses from the same IP: the per-IP limit (4 hits) ends them too.
    codes = [_request_link(client, f"x{i}@acme.example").status_code for i in range(2)]
    assert codes == [200, 429]
    # Another IP is not affected by the first one's per-IP count.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _request_link(other, "new@acme.example").status_code == 200


def test_optional_password(customer, customer_client):
    response = customer_client.post(
        "/portal/account/", {"password": "Tr0ub4dor&3x", "password_again": "Tr0ub4dor&3x"}
    )
    assert response.status_code == 200
    assert PortalAccount.objects.get(contact=customer).password.startswith("md5$")
    # The old session of this browser was renewed; it still works.
    assert customer_client.get("/portal/").status_code == 200

    client = Client()
    wrong = client.post(
        "/portal/login/",
        {"email": "ming@acme.example", "password": "nope", "action": "password"},
    )
    unknown = client.post(
        "/portal/login/",
        {"email": "who@acme.example", "password": "nope", "action": "password"},
    )
    assert wrong.status_code == unknown.status_code == 422
    assert "Wrong email or password." in wrong.content.decode()
    assert "Wrong email or password." in unknown.content.decode()
    ok = client.post(
        "/portal/login/",
        {"email": "ming@acme.example", "password": "Tr0ub4dor&3x", "action": "password"},
    )
    assert ok.status_code == 302
    assert client.session[SESSION_CONTACT] == customer.pk


def test_password_change_ends_other_sessions(customer):
    first = portal_client(customer)
    second = portal_client(customer)
    first.post("/portal/account/", {"password": "Tr0ub4dor&3x", "password_again": "Tr0ub4dor&3x"})
    assert first.get("/portal/").status_code == 200
    assert second.get("/portal/").status_code == 302


def test_a_weak_password_is_refused(customer, customer_client):
    response = customer_client.post(
        "/portal/account/", {"password": "123", "password_again": "123"}
    )
    assert response.status_code == 422
    assert not PortalAccount.objects.filter(contact=customer).exclude(password="").exists()


def test_staff_and_customer_never_share_a_session(customer, agent):
    client = Client()
    client.force_login(agent)
    # A staff session is never a customer's, even with a contact id planted in it.
    session = client.session
    session[SESSION_CONTACT] = customer.pk
    session.save()
    assert client.get("/portal/").status_code == 302

    # Logging in to the portal ends the staff login in that browser.
    _contact, token = magic_link_issue(email="ming@acme.example")
    client.post(f"/portal/login/{token}/")
    assert "_auth_user_id" not in client.session
    assert client.get("/portal/").status_code == 200
    assert client.get("/tickets/").status_code == 302  # no staff access


def test_logout(customer_client):
    assert customer_client.post("/portal/logout/").status_code == 302
    assert customer_client.get("/portal/").status_code == 302


def test_next_is_kept_inside_the_portal_only(customer):
    _contact, token = magic_link_issue(email="ming@acme.example")
    client = Client()
    response = client.post(f"/portal/login/{token}/?next=https://evil.example/")
    assert response["Location"] == "/portal/"
    _contact, token = magic_link_issue(email="ming@acme.example")
    response = Client().post(f"/portal/login/{token}/?next=/portal/tickets/5/")
    assert response["Location"] == "/portal/tickets/5/"
