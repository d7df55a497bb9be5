import pytest

from loopdesk.channels.intake import InboundMessage, SenderIdentity, intake_message
from loopdesk.customers.models import Contact, ContactIdentity
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Message, Status, Ticket
from loopdesk.tickets.services import ticket_update
from loopdesk.tickets.tests.factories import make_intake

pytestmark = pytest.mark.django_db


def test_new_sender_creates_contact_and_ticket():
    result = make_intake(email="Li.Wei@Example.COM", subject="退货申请", external_id="<a@mail>")
    assert result.created and not result.duplicate
    identity = ContactIdentity.objects.get(kind="email")
    assert identity.value == "li.wei@example.com"
    assert result.ticket.contact == identity.contact
    assert (
        result.message.direction == "inbound" and result.message.author_contact == identity.contact
    )


def test_known_sender_reuses_contact():
    first = make_intake(email="a@example.com")
    second = make_intake(email="A@example.com ")
    assert first.ticket.contact_id == second.ticket.contact_id
    assert Contact.objects.count() == 1
    assert first.ticket.pk != second.ticket.pk


def test_same_external_id_twice_yields_one_message():
    first = make_intake(email="a@example.com", external_id="<dup@x>")
    again = make_intake(email="a@example.com", external_id="<dup@x>")
    assert again.duplicate and not again.created
    assert again.message.pk == first.message.pk
    assert Ticket.objects.count() == 1 and Message.objects.count() == 1


def test_thread_into_given_ticket_and_follow_up_for_closed(team_a, agent):
    first = make_intake(email="a@example.com", team=team_a)
    reply = intake_message(
        InboundMessage(
            channel="email",
            subject="Re",
            text="more",
            sender=SenderIdentity("email", "a@example.com"),
            ticket=first.ticket,
        )
    )
    assert reply.ticket.pk == first.ticket.pk and not reply.created
    ticket_update(
        ticket=first.ticket,
        actor=Actor.person(agent),
        changes={"status": Status.objects.get(key="closed")},
    )
    first.ticket.refresh_from_db()

    follow = intake_message(
        InboundMessage(
            channel="email",
            subject="Re: again",
            text="broken again",
            sender=SenderIdentity("email", "a@example.com"),
            ticket=first.ticket,
        )
    )
    assert follow.created and follow.ticket.parent_id == first.ticket.pk


def test_long_subject_from_a_channel_is_truncated_not_rejected():
    result = make_intake(subject="长" * 2000)
    assert len(result.ticket.subject) == 250 and result.ticket.subject.endswith("…")


def test_subject_header_injection_is_flattened():
    result = make_intake(subject="Hello\r\nBcc: evil@example.com")
    assert "\n" not in result.ticket.subject and "\r" not in result.ticket.subject


def test_phone_identity_normalised_to_e164():
    result = intake_message(
        InboundMessage(
            channel="phone",
            subject="来电",
            text="报修",
            sender=SenderIdentity("phone", "138 0013 8000"),
        )
    )
    assert result.ticket.contact.primary_phone == "+8613800138000"
