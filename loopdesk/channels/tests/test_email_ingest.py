"""Inbound mail end to end through ingest_raw: tickets, threading, loops, quarantine."""

from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.test import override_settings

from loopdesk.channels.email import tokens
from loopdesk.channels.email.ingest import discard, ingest_raw, reprocess
from loopdesk.channels.models import (
    BouncedAddress,
    EmailMessageId,
    InboundEmail,
    InboundStatus,
    Mailbox,
    OutboundEmail,
    OutboundKind,
    OutboundStatus,
)
from loopdesk.tickets.constants import StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket, TicketEventType
from loopdesk.tickets.services import message_add, ticket_set_status
from loopdesk.tickets.services.lifecycle import status_default

from .mailbuild import build_mail, dsn

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def ingest(raw: bytes, **kwargs):
    return ingest_raw(raw, source="pipe", **kwargs)


@pytest.fixture
def mailbox(team_a):
    return Mailbox.objects.create(
        name="Support", address="support@acme.test", from_name="ACME 售后", default_team=team_a
    )


def ack_of(ticket: Ticket) -> OutboundEmail:
    return OutboundEmail.objects.get(ticket=ticket, kind=OutboundKind.ACK)


def test_new_mail_creates_a_ticket_and_a_threaded_acknowledgement(mailbox, team_a):
    outcome = ingest(build_mail(), mailbox=mailbox)

    assert outcome.result == "created"
    ticket = Ticket.objects.get(number=outcome.ticket_number)
    assert ticket.subject == "打印机坏了 printer broken"
    assert ticket.team == team_a
    assert ticket.contact.primary_email == "zhang@example.cn"
    assert ticket.contact.name == "张三"
    message = ticket.messages.get()
    assert message.channel_meta["thread_rule"] == "new"
    inbound = InboundEmail.objects.get(pk=outcome.inbound_id)
    assert inbound.status == InboundStatus.PROCESSED and inbound.raw.size > 0
    # The acknowledgement went out once, automatic, threaded, with a signed Reply-To.
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["zhang@example.cn"]
    assert f"[#{ticket.number}]" in sent.subject
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"
    assert sent.extra_headers["In-Reply-To"] == "<m1@example.cn>"
    assert tokens.ticket_number_from(sent.reply_to) == ticket.number
    assert ack_of(ticket).status == OutboundStatus.SENT


def test_reply_to_the_signed_address_threads_whatever_the_subject(mailbox):
    first = ingest(build_mail(), mailbox=mailbox)
    reply_address = tokens.reply_address("support@acme.test", first.ticket_number)
    outcome = ingest(build_mail(to=reply_address, subject="something else", msgid="m2@x.cn"))
    assert outcome.result == "appended"
    assert outcome.ticket_number == first.ticket_number
    inbound = InboundEmail.objects.get(pk=outcome.inbound_id)
    assert inbound.thread_rule == "token"


def test_a_forged_token_does_not_thread(mailbox):
    first = ingest(build_mail(), mailbox=mailbox)
    forged = f"support+t{first.ticket_number}.aaaaaaaaaa@acme.test"
    outcome = ingest(build_mail(to=forged, sender="evil@x.com", msgid="evil@x.com"))
    assert outcome.result == "created"
    assert outcome.ticket_number != first.ticket_number


def test_reply_to_our_acknowledgement_threads_by_headers(mailbox):
    first = ingest(build_mail(), mailbox=mailbox)
    ack = ack_of(Ticket.objects.get(number=first.ticket_number))
    outcome = ingest(
        build_mail(subject="Re: hello", msgid="m3@example.cn", in_reply_to=f"<{ack.msgid}>")
    )
    assert (outcome.result, outcome.ticket_number) == ("appended", first.ticket_number)
    assert InboundEmail.objects.get(pk=outcome.inbound_id).thread_rule == "headers"


def test_subject_tag_threads_for_a_participant_only(mailbox):
    first = ingest(build_mail(), mailbox=mailbox)
    tagged = f"Re: [#{first.ticket_number}] 打印机"
    mine = ingest(build_mail(subject=tagged, msgid="m4@example.cn"))
    assert (mine.result, mine.ticket_number) == ("appended", first.ticket_number)
    stranger = ingest(build_mail(subject=tagged, sender="stranger@evil.test", msgid="s@evil"))
    assert stranger.result == "created"
    assert stranger.ticket_number != first.ticket_number


def test_duplicate_message_id_is_reported_not_added_twice(mailbox):
    first = ingest(build_mail(), mailbox=mailbox)
    again = ingest(build_mail(body="same id, other bytes"), mailbox=mailbox)
    assert again.result == "duplicate"
    assert again.ticket_number == first.ticket_number
    assert Ticket.objects.get(number=first.ticket_number).message_count == 1
    replay = ingest(build_mail(), mailbox=mailbox)  # byte-identical: not even stored again
    assert replay.result == "duplicate"
    assert InboundEmail.objects.count() == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X-Autoreply": "yes"},
        {"List-Id": "<news.example.cn>"},
    ],
)
def test_auto_replies_never_create_tickets_nor_get_acknowledged(mailbox, headers):
    outcome = ingest(build_mail(headers=headers, msgid="auto@x.cn"), mailbox=mailbox)
    assert outcome.result == "auto_reply"
    assert Ticket.objects.count() == 0
    assert mail.outbox == []


def test_out_of_office_reply_to_our_mail_is_noted_on_the_ticket(mailbox):
    first = ingest(build_mail(), mailbox=mailbox)
    ack = ack_of(Ticket.objects.get(number=first.ticket_number))
    mail.outbox.clear()
    outcome = ingest(
        build_mail(
            subject="自动回复: 我在休假",
            body="我 12 月 1 日回来。",
            msgid="ooo@example.cn",
            in_reply_to=f"<{ack.msgid}>",
            headers={"Auto-Submitted": "auto-replied"},
        )
    )
    assert (outcome.result, outcome.ticket_number) == ("auto_reply", first.ticket_number)
    ticket = Ticket.objects.get(number=first.ticket_number)
    assert ticket.events.filter(type=TicketEventType.EMAIL_AUTO_REPLY).count() == 1
    assert ticket.message_count == 1
    assert mail.outbox == []


def test_our_own_mail_coming_back_is_not_a_ticket(mailbox, settings):
    looped = build_mail(headers={"X-Loop": f"loopdesk@{settings.LOOPDESK_MAIL_DOMAIN}"})
    assert ingest(looped).result == "auto_reply"
    from_us = build_mail(sender="support@acme.test", msgid="x@acme")
    assert ingest(from_us).result == "auto_reply"
    assert Ticket.objects.count() == 0


def test_bounce_flags_the_address_notes_the_ticket_and_stops_automatic_mail(mailbox):
    first = ingest(build_mail(), mailbox=mailbox)
    ticket = Ticket.objects.get(number=first.ticket_number)
    ack = ack_of(ticket)
    outcome = ingest(dsn(original_msgid=ack.msgid, recipient="zhang@example.cn"))
    assert (outcome.result, outcome.ticket_number) == ("bounce", ticket.number)
    assert BouncedAddress.objects.filter(address="zhang@example.cn").exists()
    ack.refresh_from_db()
    assert ack.status == OutboundStatus.FAILED
    assert ticket.events.filter(type=TicketEventType.EMAIL_BOUNCED).count() == 1
    assert Ticket.objects.count() == 1
    # The next automatic mail to that address is suppressed, not sent.
    mail.outbox.clear()
    second = ingest(build_mail(subject="new problem", msgid="m9@example.cn"), mailbox=mailbox)
    assert second.result == "created"
    assert mail.outbox == []
    assert ack_of(Ticket.objects.get(number=second.ticket_number)).status == "suppressed"


def test_reply_to_a_closed_ticket_opens_a_linked_follow_up(mailbox, admin):
    first = ingest(build_mail(), mailbox=mailbox)
    ticket = Ticket.objects.get(number=first.ticket_number)
    ticket_set_status(
        ticket=ticket, status=status_default(StatusCategory.SOLVED), actor=Actor.person(admin)
    )
    ticket_set_status(
        ticket=ticket, status=status_default(StatusCategory.CLOSED), actor=Actor.person(admin)
    )
    outcome = ingest(
        build_mail(subject=f"Re: [#{ticket.number}] again", msgid="m5@example.cn"),
        mailbox=mailbox,
    )
    assert outcome.result == "created"
    follow_up = Ticket.objects.get(number=outcome.ticket_number)
    assert follow_up.parent == ticket
    assert InboundEmail.objects.get(pk=outcome.inbound_id).thread_rule == "follow_up"


@override_settings(LOOPDESK_EMAIL_MAX_BYTES=2000)
def test_oversized_mail_is_quarantined_with_a_notice_and_kept(mailbox):
    raw = build_mail(body="x" * 5000, msgid="big@example.cn")
    outcome = ingest(raw, mailbox=mailbox)
    assert outcome.result == "quarantined"
    inbound = InboundEmail.objects.get(pk=outcome.inbound_id)
    assert inbound.status == InboundStatus.QUARANTINED and inbound.truncated
    assert inbound.sender == "zhang@example.cn"
    assert "limit" in inbound.reason
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"]]
    assert Ticket.objects.count() == 0


def test_mail_without_a_sender_is_quarantined_and_can_be_discarded(mailbox, admin):
    raw = b"Subject: no sender\r\nMessage-ID: <ns@x>\r\n\r\nbody\r\n"
    outcome = ingest(raw)
    assert outcome.result == "quarantined"
    assert "sender" in outcome.reason
    again = reprocess(outcome.inbound_id)  # still unprocessable: stays in quarantine
    assert again.result == "quarantined"
    assert InboundEmail.objects.get(pk=outcome.inbound_id).attempts == 2
    discard(outcome.inbound_id, user=admin)
    assert InboundEmail.objects.get(pk=outcome.inbound_id).status == InboundStatus.DISCARDED


def test_agent_reply_is_mailed_to_the_customer_threaded(mailbox, agent):
    first = ingest(build_mail(), mailbox=mailbox)
    ticket = Ticket.objects.get(number=first.ticket_number)
    mail.outbox.clear()
    reply = message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind="reply",
        body_text="请重启打印机。",
        author_user=agent,
        attachments=[],
    )
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == f"Re: [#{ticket.number}] 打印机坏了 printer broken"
    assert sent.extra_headers["In-Reply-To"] == "<m1@example.cn>"
    assert "<m1@example.cn>" in sent.extra_headers["References"]
    assert "Auto-Submitted" not in sent.extra_headers
    assert "请重启打印机。" in sent.body
    assert str(make_header(decode_header(sent.from_email))) == "ACME 售后 <support@acme.test>"
    reply.refresh_from_db()
    assert reply.channel_meta["delivery"] == "sent"
    outbound = OutboundEmail.objects.get(message=reply)
    assert EmailMessageId.objects.filter(msgid=outbound.msgid, ticket=ticket).exists()


def test_send_caps_stop_a_storm_of_acknowledgements(mailbox, settings):
    settings.LOOPDESK_EMAIL_AUTO_PER_RECIPIENT_HOUR = 3
    for n in range(5):
        ingest(build_mail(subject=f"problem {n}", msgid=f"storm{n}@example.cn"))
    statuses = list(
        OutboundEmail.objects.filter(kind=OutboundKind.ACK)
        .order_by("id")
        .values_list("status", flat=True)
    )
    assert statuses == ["sent"] * 3 + ["suppressed"] * 2
    assert len(mail.outbox) == 3


def test_a_name_with_newlines_or_commas_never_adds_a_recipient(mailbox):
    from loopdesk.channels.email.outbound import address_header

    header = address_header("Evil\r\nBcc: victim@x.com, other", "support@acme.test")
    assert "\n" not in header and "\r" not in header
    assert header.endswith("<support@acme.test>")
    assert header.startswith('"')


def test_hostile_html_is_sanitised_and_attachments_are_kept(mailbox):
    raw = build_mail(
        body="see attached",
        msgid="att@example.cn",
        attachments=[("发票.pdf", b"%PDF-1.4 test", "application/pdf")],
    )
    outcome = ingest(raw, mailbox=mailbox)
    ticket = Ticket.objects.get(number=outcome.ticket_number)
    names = list(ticket.attachments.values_list("filename", flat=True))
    assert names == ["发票.pdf"]


def test_acknowledgement_comes_in_the_language_the_customer_wrote(mailbox):
    ingest(build_mail(sender="li@example.cn", msgid="zh@x.cn"), mailbox=mailbox)
    ingest(
        build_mail(
            sender="anna@example.de",
            name="Anna",
            subject="Printer broken",
            body="Hello, it does not print.",
            msgid="en@x.de",
        ),
        mailbox=mailbox,
    )
    zh, en = mail.outbox
    assert "我们已收到" in zh.subject or "已收到" in zh.body
    assert "We received your request" in en.subject
    assert Ticket.objects.get(contact__primary_email="anna@example.de").contact.language == "en"
