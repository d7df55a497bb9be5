"""ticket_thread: the page's thread read as plain rows, names resolved in SQL."""

import pytest

from loopdesk.customers.models import Contact
from loopdesk.tickets.constants import MessageKind
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Message
from loopdesk.tickets.selectors import ticket_thread
from loopdesk.tickets.services.replies import AttachmentUpload, message_add
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


def test_authors_attachments_and_notes(ticket, agent):
    no_name = factories.make_user(email="nameless@loopdesk.test")
    no_name.display_name = ""
    no_name.save(update_fields=["display_name"])
    cc = factories.make_contact(name="抄送 Cc Person")
    reply = message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind=MessageKind.REPLY,
        body_text="Here are the files",
        author_user=agent,
        attachments=[
            AttachmentUpload("b.pdf", b"%PDF-1.4 b"),
            AttachmentUpload("a.txt", b"a" * 2048),
        ],
    )
    note = message_add(
        ticket=ticket,
        actor=Actor.person(no_name),
        kind=MessageKind.NOTE,
        body_text="internal",
        author_user=no_name,
    )
    from_cc = message_add(
        ticket=ticket,
        actor=Actor(contact=cc),
        kind=MessageKind.REPLY,
        body_text="Me too",
        author_contact=cc,
        attachments=[AttachmentUpload("c.png", b"\x89PNG")],
    )
    unknown = message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind=MessageKind.REPLY,
        body_text="?",
        author_user=agent,
    )
    # Its author's account was deleted since (author_user is SET_NULL).
    Message.objects.filter(pk=unknown.pk).update(author_user=None)

    thread = ticket_thread(ticket=ticket)

    first = thread[0]  # the message that opened the ticket, from the ticket's contact
    assert first.author == Contact.objects.get(pk=ticket.contact_id).name
    by_pk = {m.pk: m for m in thread}
    assert [m.pk for m in thread][1:] == [reply.pk, note.pk, from_cc.pk, unknown.pk]
    assert by_pk[reply.pk].author == agent.display_name
    assert by_pk[note.pk].author == "nameless@loopdesk.test" and by_pk[note.pk].is_note
    assert by_pk[from_cc.pk].author == "抄送 Cc Person"
    assert by_pk[unknown.pk].author == ""
    # Each message gets its own attachments, in upload order.
    assert [(name, size) for _id, name, size in by_pk[reply.pk].attachments] == [
        ("b.pdf", 10),
        ("a.txt", 2048),
    ]
    assert [name for _id, name, _size in by_pk[from_cc.pk].attachments] == ["c.png"]
    assert by_pk[note.pk].attachments == [] and first.attachments == []

    public = ticket_thread(ticket=ticket, include_notes=False)
    assert note.pk not in [m.pk for m in public] and len(public) == len(thread) - 1


def test_the_page_shows_unknown_for_a_message_without_author(client, agent, ticket):
    ticket.messages.update(author_user=None, author_contact=None)
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert '<span class="author">Unknown</span>' in page
