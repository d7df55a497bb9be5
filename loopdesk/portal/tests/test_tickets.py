"""What a customer sees and does in the portal: scope, public messages only, replies
with attachments, close and reopen, and hostile URLs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loopdesk.tickets.constants import Channel, MessageKind, StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Message, TicketEvent, TicketEventType
from loopdesk.tickets.services import AttachmentUpload, message_add
from loopdesk.tickets.tests import factories

from .conftest import portal_client

pytestmark = pytest.mark.django_db


def test_list_shows_own_tickets_only(customer, colleague, stranger, customer_client, team_a):
    mine = factories.make_ticket(contact=customer, subject="Mine 我的")
    theirs = factories.make_ticket(contact=colleague, subject="Colleague's")
    strangers = factories.make_ticket(contact=stranger, subject="Stranger's")
    body = customer_client.get("/portal/").content.decode()
    assert 'action="/help/en/search/"' in body  # the help centre, in the page's language
    assert mine.subject in body
    assert theirs.subject not in body and strangers.subject not in body


def test_organisation_admin_sees_the_organisation(customer, colleague, stranger, make_org_admin):
    make_org_admin(customer)
    theirs = factories.make_ticket(contact=colleague, subject="Colleague's request")
    strangers = factories.make_ticket(contact=stranger, subject="Stranger's request")
    client = portal_client(customer)
    body = client.get("/portal/").content.decode()
    assert "Colleague&#x27;s request" in body
    assert "Stranger" not in body
    assert client.get(f"/portal/tickets/{theirs.number}/").status_code == 200
    assert client.get(f"/portal/tickets/{strangers.number}/").status_code == 404


def test_ticket_page_shows_public_messages_only(customer_client, own_ticket, agent):
    message_add(
        ticket=own_ticket,
        actor=Actor.person(agent),
        kind=MessageKind.NOTE,
        body_text="INTERNAL: customer is difficult",
        author_user=agent,
        attachments=[AttachmentUpload(filename="secret.txt", content=b"internal")],
    )
    message_add(
        ticket=own_ticket,
        actor=Actor.person(agent),
        kind=MessageKind.REPLY,
        body_text="Please restart the printer.",
        author_user=agent,
    )
    body = customer_client.get(f"/portal/tickets/{own_ticket.number}/").content.decode()
    assert "Please restart the printer." in body
    assert "INTERNAL" not in body and "secret.txt" not in body
    # No agent-only fields: priority, team, tags, assignee's email.
    assert "P3" not in body and "Team A" not in body and agent.email not in body

    note_file = own_ticket.attachments.get(filename="secret.txt")
    assert customer_client.get(f"/portal/attachments/{note_file.public_id}/").status_code == 404


def test_changing_the_number_in_the_url_is_a_404(customer_client, stranger, own_ticket):
    other = factories.make_ticket(contact=stranger, subject="Not yours")
    for path in ("", "reply/", "close/", "reopen/", "rate/"):
        method = customer_client.get if path == "" else customer_client.post
        assert method(f"/portal/tickets/{other.number}/{path}").status_code == 404
    assert customer_client.get("/portal/tickets/999999999999/").status_code == 404
    huge = "9" * 30  # beyond any integer column: still a plain 404
    assert customer_client.get(f"/portal/tickets/{huge}/").status_code == 404
    assert customer_client.post(f"/portal/tickets/{huge}/reply/", {"body": "x"}).status_code == 404
    assert other.messages.count() == 1
    assert (
        not TicketEvent.objects.filter(ticket=other, actor_contact__isnull=False)
        .exclude(type__in=[TicketEventType.CREATED, TicketEventType.CUSTOMER_REPLIED])
        .exists()
    )


def test_someone_elses_attachment_is_a_404(customer_client, stranger):
    other = factories.make_intake(contact=stranger, subject="With a file").ticket
    message_add(
        ticket=other,
        actor=Actor.channel(Channel.EMAIL, contact=stranger),
        kind=MessageKind.REPLY,
        body_text="invoice attached",
        author_contact=stranger,
        attachments=[AttachmentUpload(filename="invoice.pdf", content=b"%PDF-1.4")],
    )
    attachment = other.attachments.get()
    assert customer_client.get(f"/portal/attachments/{attachment.public_id}/").status_code == 404
    assert (
        portal_client(stranger).get(f"/portal/attachments/{attachment.public_id}/").status_code
        == 200
    )


def test_reply_with_attachment_goes_through_intake(customer, customer_client, own_ticket):
    upload = SimpleUploadedFile("照片.png", b"\x89PNG fake", content_type="image/png")
    response = customer_client.post(
        f"/portal/tickets/{own_ticket.number}/reply/",
        {"body": "Still jammed <script>alert(1)</script>", "attachments": [upload]},
    )
    assert response.status_code == 302
    message = Message.objects.filter(ticket=own_ticket).latest("pk")
    assert message.channel == Channel.PORTAL
    assert message.author_contact == customer
    assert message.kind == MessageKind.REPLY
    event = TicketEvent.objects.get(message=message)
    assert event.type == TicketEventType.CUSTOMER_REPLIED
    assert event.cause_kind == "channel" and event.cause_ref == Channel.PORTAL
    attachment = message.attachments.get()
    assert attachment.filename == "照片.png"

    page = customer_client.get(f"/portal/tickets/{own_ticket.number}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    download = customer_client.get(f"/portal/attachments/{attachment.public_id}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Security-Policy"] == "sandbox"
    assert b"".join(download.streaming_content) == b"\x89PNG fake"


def test_oversized_attachment_is_refused_and_nothing_changes(customer_client, own_ticket, settings):
    settings.LOOPDESK_MAX_ATTACHMENT_BYTES = 1024
    before = own_ticket.messages.count()
    upload = SimpleUploadedFile("big.bin", b"x" * 2048)
    response = customer_client.post(
        f"/portal/tickets/{own_ticket.number}/reply/", {"body": "big", "attachments": [upload]}
    )
    assert response.status_code == 422
    assert "larger than" in response.content.decode()
    assert own_ticket.messages.count() == before


def test_close_and_reopen_through_the_services(customer, customer_client, own_ticket):
    response = customer_client.post(f"/portal/tickets/{own_ticket.number}/close/")
    assert response.status_code == 302
    own_ticket.refresh_from_db()
    assert own_ticket.status_category == StatusCategory.SOLVED
    event = TicketEvent.objects.filter(ticket=own_ticket).latest("pk")
    assert event.type == TicketEventType.STATUS_CHANGED
    assert event.actor_contact == customer and event.cause_ref == Channel.PORTAL

    customer_client.post(f"/portal/tickets/{own_ticket.number}/reopen/")
    own_ticket.refresh_from_db()
    assert own_ticket.status_category == StatusCategory.OPEN
    assert TicketEvent.objects.filter(ticket=own_ticket).latest("pk").type == (
        TicketEventType.REOPENED
    )
    # Reopening an open ticket: a clear message, no change.
    response = customer_client.post(f"/portal/tickets/{own_ticket.number}/reopen/", follow=True)
    assert "Only a solved request can be reopened." in response.content.decode()


def test_portal_pages_need_a_portal_login(own_ticket, agent_client_portal):
    for path in ("/portal/", f"/portal/tickets/{own_ticket.number}/", "/portal/account/"):
        response = agent_client_portal.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/portal/login/")


@pytest.fixture
def agent_client_portal(agent):
    from django.test import Client

    client = Client()
    client.force_login(agent)
    return client


def test_ticket_page_queries_do_not_grow_with_the_thread(
    customer_client, own_ticket, agent, django_assert_max_num_queries
):
    def add_replies(n):
        for i in range(n):
            message_add(
                ticket=own_ticket,
                actor=Actor.person(agent),
                kind=MessageKind.REPLY,
                body_text=f"answer {i}",
                author_user=agent,
                attachments=[AttachmentUpload(filename=f"a{i}.txt", content=b"x")],
            )

    add_replies(2)
    url = f"/portal/tickets/{own_ticket.number}/"
    with django_assert_max_num_queries(12) as few:
        customer_client.get(url)
    add_replies(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = customer_client.get(url)
    assert response.content.decode().count("answer ") == 12
    assert "no-store" in response["Cache-Control"]
