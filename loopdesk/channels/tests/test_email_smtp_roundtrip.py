"""Real SMTP on loopback (aiosmtpd): our mail as it leaves, a customer's reply as it
arrives, delivery failure and resend."""

import email
import smtplib
import socket
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from loopdesk.channels.email.ingest import ingest_raw
from loopdesk.channels.email.outbound import resend
from loopdesk.channels.models import Mailbox, OutboundEmail, OutboundKind, OutboundStatus
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket, TicketEventType
from loopdesk.tickets.services import message_add

from .mailbuild import build_mail

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    controller, _handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return settings


@pytest.fixture
def mailbox(team_a):
    return Mailbox.objects.create(
        name="Support", address="support@acme.test", from_name='ACME, 售后 "Team"'
    )


def test_reply_goes_out_threaded_and_the_customers_answer_comes_back(
    smtp_settings, smtp_server, mailbox, agent
):
    _controller, handler = smtp_server
    created = ingest_raw(build_mail(), source="pipe", mailbox=mailbox)
    ticket = Ticket.objects.get(number=created.ticket_number)
    handler.messages.clear()
    message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind="reply",
        body_text="请重启打印机，然后再试一次。",
        author_user=agent,
    )
    assert len(handler.messages) == 1
    mail_from, rcpts, raw = handler.messages[0]
    assert rcpts == ["zhang@example.cn"]  # the name's comma and quotes added no recipient
    sent = email.message_from_bytes(raw, policy=default_policy)
    assert sent["Subject"].strip() == f"Re: [#{ticket.number}] 打印机坏了 printer broken"
    assert sent["In-Reply-To"] == "<m1@example.cn>"
    assert "请重启打印机" in sent.get_body(("plain",)).get_content()
    assert "请重启打印机" in sent.get_body(("html",)).get_content()
    assert sent["From"].addresses[0].display_name == 'ACME, 售后 "Team"'

    # The customer's client replies to Reply-To, quoting our Message-ID; their MTA
    # (smtplib -> the same real SMTP server) delivers it and we ingest what arrived.
    answer = EmailMessage()
    answer["From"] = "张三 <zhang@example.cn>"
    answer["To"] = sent["Reply-To"]
    answer["Subject"] = "Re: " + sent["Subject"]
    answer["Message-ID"] = "<answer-1@example.cn>"
    answer["In-Reply-To"] = sent["Message-ID"]
    answer["References"] = f"{sent['References']} {sent['Message-ID']}"
    answer.set_content("重启后可以了，谢谢！\n\n> 请重启打印机")
    with smtplib.SMTP("127.0.0.1", smtp_settings.EMAIL_PORT, timeout=5) as client:
        client.send_message(answer)
    arrived = handler.messages[-1][2]
    outcome = ingest_raw(arrived, source="pipe", mailbox=mailbox)
    assert (outcome.result, outcome.ticket_number) == ("appended", ticket.number)
    assert ticket.messages.count() == 3


def test_failed_delivery_is_shown_and_can_be_resent(settings, smtp_server, mailbox, agent):
    controller, handler = smtp_server
    created = ingest_raw(build_mail(), source="pipe", mailbox=mailbox)
    ticket = Ticket.objects.get(number=created.ticket_number)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens: connection refused
    settings.EMAIL_TIMEOUT = 2
    settings.EMAIL_HOST_PASSWORD = "hunter2-secret"
    reply = message_add(
        ticket=ticket, actor=Actor.person(agent), kind="reply", body_text="hi", author_user=agent
    )
    outbound = OutboundEmail.objects.get(message=reply, kind=OutboundKind.REPLY)
    assert outbound.status == OutboundStatus.FAILED
    assert "hunter2" not in outbound.last_error and outbound.last_error
    reply.refresh_from_db()
    assert reply.channel_meta["delivery"] == "failed"
    assert ticket.events.filter(type=TicketEventType.EMAIL_DELIVERY_FAILED).count() == 1

    settings.EMAIL_PORT = controller.port
    handler.messages.clear()
    resend(outbound_id=outbound.pk)
    outbound.refresh_from_db()
    assert outbound.status == OutboundStatus.SENT
    assert len(handler.messages) == 1
    reply.refresh_from_db()
    assert reply.channel_meta["delivery"] == "sent"
