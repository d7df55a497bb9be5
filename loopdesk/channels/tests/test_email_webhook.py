"""The Mailgun inbound webhook through django-anymail: auth, signature, replay."""

import base64
import hashlib
import hmac
import time

import pytest
from django.test import override_settings

from loopdesk.channels.models import InboundEmail, InboundSource, Mailbox
from loopdesk.tickets.models import Ticket

from .mailbuild import build_mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KEY = "mailgun-signing-key"
SECRET = "hook:s3cret-pass"
CONFIGURED = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": KEY}
URL = "/inbound/email/mailgun/"


def signed(raw: bytes, *, key: str = KEY, recipient: str = "support@acme.test") -> dict:
    timestamp, token = str(int(time.time())), "tok-" + hashlib.sha256(raw).hexdigest()[:32]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "timestamp": timestamp,
        "token": token,
        "signature": signature.hexdigest(),
        "recipient": recipient,
        "sender": "zhang@example.cn",
        "body-mime": raw.decode("utf-8"),
    }


def auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


@override_settings(ANYMAIL=CONFIGURED)
def test_signed_post_becomes_a_ticket_and_a_replay_is_a_duplicate(client, team_a):
    Mailbox.objects.create(name="S", address="support@acme.test", default_team=team_a)
    data = signed(build_mail(msgid="hook-1@example.cn"))
    assert client.post(URL, data, **auth()).status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.team == team_a and ticket.subject == "打印机坏了 printer broken"
    assert InboundEmail.objects.get().source == InboundSource.WEBHOOK

    assert client.post(URL, data, **auth()).status_code == 200  # replayed request
    assert Ticket.objects.count() == 1 and ticket.messages.count() == 1


@override_settings(ANYMAIL=CONFIGURED)
def test_bad_auth_or_signature_is_refused_and_changes_nothing(client):
    data = signed(build_mail(msgid="hook-2@example.cn"))
    assert client.post(URL, data).status_code in (400, 401, 403)
    assert client.post(URL, data, **auth("hook:wrong")).status_code in (400, 401, 403)
    forged = signed(build_mail(msgid="hook-3@example.cn"), key="not-the-key")
    assert client.post(URL, forged, **auth()).status_code in (400, 401, 403)
    assert InboundEmail.objects.count() == 0 and Ticket.objects.count() == 0


@override_settings(ANYMAIL={"WEBHOOK_SECRET": None, "MAILGUN_WEBHOOK_SIGNING_KEY": None})
def test_unconfigured_webhook_does_not_exist(client):
    data = signed(build_mail(msgid="hook-4@example.cn"))
    assert client.post(URL, data, **auth()).status_code == 404
    assert InboundEmail.objects.count() == 0
