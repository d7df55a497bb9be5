import pytest
from django.db import IntegrityError

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Status, TicketEventType
from loopdesk.tickets.services import AttachmentUpload, message_add, ticket_update
from loopdesk.tickets.tests.factories import make_user


def reply(ticket, user, text="Hello", **kw):
    return message_add(
        ticket=ticket,
        actor=Actor.person(user),
        kind="reply",
        author_user=user,
        body_text=text,
        **kw,
    )


def test_first_agent_reply_sets_first_response_and_opens(ticket, agent):
    reply(ticket, agent)
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status.key == "open"
    assert ticket.message_count == 2
    first = ticket.first_response_at
    reply(ticket, agent, "again")
    ticket.refresh_from_db()
    assert ticket.first_response_at == first


def test_internal_note_is_not_a_response_and_mentions_notify(ticket, agent, supervisor):
    note = message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind="note",
        author_user=agent,
        body_text="@sup please check, and @nobody",
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    assert note.direction == "internal"
    assert list(note.mentions.all()) == [supervisor]
    assert supervisor in ticket.followers.all()
    assert ticket.events.filter(type=TicketEventType.MENTIONED).count() == 1


def test_reply_and_solve_then_customer_reply_reopens(ticket, agent):
    reply(ticket, agent, "Fixed", set_status=Status.objects.get(key="solved"))
    ticket.refresh_from_db()
    assert ticket.status.key == "solved"

    message_add(
        ticket=ticket,
        actor=Actor.channel("email", contact=ticket.contact),
        kind="reply",
        author_contact=ticket.contact,
        body_text="Still broken",
    )

    ticket.refresh_from_db()
    assert ticket.status.key == "open" and ticket.solved_at is None
    reopened = ticket.events.get(type=TicketEventType.REOPENED)
    assert reopened.cause_kind == "channel" and reopened.actor_contact == ticket.contact


def test_customer_reply_moves_pending_to_open(ticket, agent):
    ticket_update(
        ticket=ticket,
        actor=Actor.person(agent),
        changes={"status": Status.objects.get(key="pending")},
    )
    message_add(
        ticket=ticket,
        actor=Actor.channel("email", contact=ticket.contact),
        kind="reply",
        author_contact=ticket.contact,
        body_text="Here is the info",
    )
    ticket.refresh_from_db()
    assert ticket.status.key == "open"


def test_html_is_sanitised_and_text_derived(ticket, agent):
    msg = message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind="reply",
        author_user=agent,
        body_html='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">x</a>'
        '<iframe src="https://e.vil"></iframe><img src=x onerror=alert(1)></p>',
    )
    assert "script" not in msg.body_html and "onclick" not in msg.body_html
    assert "javascript" not in msg.body_html and "iframe" not in msg.body_html
    assert "onerror" not in msg.body_html
    assert msg.body_text.startswith("Hi")


def test_empty_and_oversized_bodies_rejected(ticket, agent):
    with pytest.raises(ValidationFailed, match="empty"):
        reply(ticket, agent, "   ")
    with pytest.raises(ValidationFailed, match="too long"):
        reply(ticket, agent, "x" * 10_000_001)
    ticket.refresh_from_db()
    assert ticket.message_count == 1


def test_attachments_stored_with_hash_and_safe_name(ticket, agent):
    msg = reply(
        ticket,
        agent,
        "see file",
        attachments=[
            AttachmentUpload(
                filename="../../etc/pa\u202etxt.exe", content=b"hello", content_type="text/plain"
            ),
            AttachmentUpload(filename="", content=b"", content_type=""),
        ],
    )
    first, second = msg.attachments.order_by("pk")
    assert first.filename == "patxt.exe"
    assert first.sha256 == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert ".." not in first.file.name and "etc" not in first.file.name
    assert second.filename == "attachment"
    with first.file.open("rb") as fh:
        assert fh.read() == b"hello"


def test_attachment_limits(ticket, agent, settings):
    settings.LOOPDESK_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(ValidationFailed, match="larger"):
        reply(ticket, agent, attachments=[AttachmentUpload(filename="a.bin", content=b"x" * 11)])
    with pytest.raises(ValidationFailed, match="At most"):
        reply(ticket, agent, attachments=[AttachmentUpload(filename="a", content=b"x")] * 21)


def test_duplicate_external_id_raises_integrity_error(ticket):
    kwargs = dict(
        ticket=ticket,
        actor=Actor.channel("email", contact=ticket.contact),
        kind="reply",
        author_contact=ticket.contact,
        body_text="x",
        channel="email",
        external_id="<m1@x>",
    )
    message_add(**kwargs)
    with pytest.raises(IntegrityError):
        message_add(**kwargs)


def test_closed_ticket_rejects_replies_but_takes_notes(ticket, agent):
    ticket_update(
        ticket=ticket,
        actor=Actor.person(agent),
        changes={"status": Status.objects.get(key="closed")},
    )
    with pytest.raises(ValidationFailed, match="closed"):
        reply(ticket, agent)
    message_add(
        ticket=ticket, actor=Actor.person(agent), kind="note", author_user=agent, body_text="fyi"
    )


def test_technician_is_not_mentionable(ticket, agent, technician):
    note = message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind="note",
        author_user=agent,
        body_text="@tech come",
    )
    assert note.mentions.count() == 0
    assert make_user  # factories import kept for readers
