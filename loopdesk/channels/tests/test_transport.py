"""SMTP through a mailbox's own server (aiosmtpd on loopback) and the error texts."""

from __future__ import annotations

import email
import imaplib
import smtplib
import socket
import ssl

import pytest
from django.core.mail import EmailMessage

from loopdesk.channels.email import transport
from loopdesk.channels.models import Mailbox, Security
from loopdesk.core.crypto import encrypt

from .conftest import free_port

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]

SMTP_PASSWORD = "smtp-Pa55-word"  # noqa: S105 — the test server's account


def smtp_mailbox(server, **overrides) -> Mailbox:
    values = {
        "name": "Sales",
        "address": "sales@example.com",
        "smtp_host": server.host,
        "smtp_port": server.port,
        "smtp_security": Security.NONE,
    }
    values.update(overrides)
    return Mailbox.objects.create(**values)


def test_no_smtp_host_means_default_backend():
    mailbox = Mailbox.objects.create(name="x", address="x@example.com")
    assert transport.smtp_connection(mailbox) is None
    check = transport.test_smtp(mailbox)
    assert check.ok


def test_send_through_mailbox_without_auth(smtp_server):
    mailbox = smtp_mailbox(smtp_server)
    connection = transport.smtp_connection(mailbox)
    assert connection is not None
    assert (connection.use_ssl, connection.use_tls) == (False, False)
    sent = EmailMessage(
        "工单 [#100234] 已收到",
        "您好，我们已收到您的请求。",
        "Support <sales@example.com>",
        ["kunde@example.org"],
        connection=connection,
    ).send()
    assert sent == 1
    assert len(smtp_server.messages) == 1
    mail_from, rcpts, raw = smtp_server.messages[0]
    assert mail_from == "sales@example.com"
    assert rcpts == ["kunde@example.org"]
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(parsed["Subject"]) == "工单 [#100234] 已收到"


def test_send_with_auth(smtp_auth_server):
    mailbox = smtp_mailbox(
        smtp_auth_server,
        smtp_user="mailer@example.com",
        smtp_password=encrypt(SMTP_PASSWORD),
    )
    connection = transport.smtp_connection(mailbox)
    assert connection.username == "mailer@example.com"
    assert connection.password == SMTP_PASSWORD
    EmailMessage("Hi", "Body", "sales@example.com", ["a@example.org"], connection=connection).send()
    assert len(smtp_auth_server.messages) == 1
    assert smtp_auth_server.logins and smtp_auth_server.logins[-1][1] is True


def test_security_settings_map_to_backend():
    mailbox = Mailbox(
        name="x", address="x@example.com", smtp_host="smtp.example.com", smtp_port=465
    )
    mailbox.smtp_security = Security.SSL
    assert transport.smtp_connection(mailbox).use_ssl is True
    mailbox.smtp_security = Security.STARTTLS
    backend = transport.smtp_connection(mailbox)
    assert (backend.use_ssl, backend.use_tls) == (False, True)
    assert backend.timeout


def test_test_smtp_success_and_auth_failure(smtp_auth_server):
    good = smtp_mailbox(
        smtp_auth_server, smtp_user="mailer@example.com", smtp_password=encrypt(SMTP_PASSWORD)
    )
    check = transport.test_smtp(good)
    assert check.ok, check.message
    assert "login" in check.message
    assert smtp_auth_server.messages == []  # a check sends nothing

    bad = smtp_mailbox(
        smtp_auth_server,
        address="bad@example.com",
        smtp_user="mailer@example.com",
        smtp_password=encrypt("Not-The-Pa55word"),
    )
    check = transport.test_smtp(bad)
    assert not check.ok
    assert "rejected the user name or password" in check.message
    assert "Not-The-Pa55word" not in check.message + " ".join(check.details)


def test_test_smtp_refused_and_tls_errors(smtp_server):
    closed = smtp_mailbox(smtp_server, smtp_port=free_port())
    check = transport.test_smtp(closed)
    assert not check.ok
    assert "refused the connection" in check.message

    tls_on_plain = smtp_mailbox(smtp_server, address="t@example.com", smtp_security=Security.SSL)
    check = transport.test_smtp(tls_on_plain, timeout=5)
    assert not check.ok
    assert "TLS" in check.message


def test_starttls_not_offered_is_explained(smtp_server):
    mailbox = smtp_mailbox(smtp_server, smtp_security=Security.STARTTLS)
    check = transport.test_smtp(mailbox, timeout=5)
    assert not check.ok
    assert "STARTTLS" in check.message


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (socket.gaierror(-2, "Name or service not known"), "could not be found"),
        (ConnectionRefusedError(111, "Connection refused"), "refused the connection"),
        (TimeoutError("timed out"), "timeout"),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), "TLS handshake"),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"), "rejected"),
        (transport.AuthFailed("[AUTHENTICATIONFAILED] Authentication failed."), "rejected"),
        (imaplib.IMAP4.abort("socket error: EOF"), "closed the connection"),
        (OSError(101, "Network is unreachable"), "Could not connect"),
    ],
)
def test_describe_error(exc, expected):
    text = transport.describe_error(exc, protocol="imap", host="mail.example.com", port=993)
    assert expected in text


def test_scrub_masks_every_form_of_the_password():
    mailbox = Mailbox(
        name="x",
        address="x@example.com",
        imap_user="me@example.com",
        imap_password=encrypt("hunter2-long"),
    )
    secrets = transport.mailbox_secrets(mailbox)
    import base64

    plain_b64 = base64.b64encode(b"\0me@example.com\0hunter2-long").decode()
    text = f"AUTH PLAIN {plain_b64} failed for hunter2-long token {mailbox.imap_password}"
    cleaned = transport.scrub(text, secrets)
    assert "hunter2-long" not in cleaned
    assert plain_b64 not in cleaned
    assert mailbox.imap_password not in cleaned
    assert transport.scrub("nothing secret", []) == "nothing secret"


def test_scrub_masks_the_imap_quoted_password():
    password = 'pa"ss\\word-1'
    mailbox = Mailbox(name="x", address="x@example.com", imap_password=encrypt(password))
    echoed = 'BAD [LOGIN me "pa\\"ss\\\\word-1"]'
    assert "ss" not in transport.scrub(echoed, transport.mailbox_secrets(mailbox)).split("LOGIN")[1]


def test_starttls_with_auth_and_implicit_tls(
    smtp_tls_server, smtps_server, tls_material, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_material.ca))
    starttls = smtp_mailbox(
        smtp_tls_server,
        smtp_security=Security.STARTTLS,
        smtp_user="mailer@example.com",
        smtp_password=encrypt(SMTP_PASSWORD),
    )
    check = transport.test_smtp(starttls, timeout=5)
    assert check.ok, check.message
    EmailMessage(
        "Hi",
        "Body",
        "sales@example.com",
        ["a@example.org"],
        connection=transport.smtp_connection(starttls),
    ).send()
    assert len(smtp_tls_server.messages) == 1

    implicit = smtp_mailbox(smtps_server, address="ssl@example.com", smtp_security=Security.SSL)
    EmailMessage(
        "Hi",
        "Body",
        "ssl@example.com",
        ["b@example.org"],
        connection=transport.smtp_connection(implicit),
    ).send()
    assert len(smtps_server.messages) == 1

    monkeypatch.setenv("SSL_CERT_FILE", str(tls_material.ca.parent / "missing.pem"))
    check = transport.test_smtp(implicit, timeout=5)
    assert not check.ok
    assert "certificate is not valid" in check.message
