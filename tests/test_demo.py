"""`loopdesk demo`: realistic data written through the real services, with coherent history."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef
from django.utils import timezone

from loopdesk.accounts.models import Role, Team, User
from loopdesk.core.demo import DEMO_PASSWORD
from loopdesk.core.demo.mail import CUSTOMER as MAIL_CUSTOMER
from loopdesk.customers.models import Contact, Organization
from loopdesk.tickets.constants import StatusCategory
from loopdesk.tickets.models import CustomFieldDefinition, Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
TICKETS = 60
# The demo's short live mail conversation (loopdesk/core/demo/mail.py): one ticket from one
# more contact, received now through the ingest service, so not back-dated.
MAIL_TICKETS = 1


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module, inside a transaction rolled back at the end
    (each test then runs in its own savepoint within it, as pytest-django does)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo("--tickets", str(TICKETS), "--seed", "7")
        transaction.set_rollback(True)


@pytest.fixture
def demo_output(_demo_loaded, db):
    return _demo_loaded


def test_loads_people_and_reference_data(demo_output):
    assert Team.objects.count() >= 3
    assert User.objects.count() >= 8
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(User.objects.values_list("language", flat=True)) == {"zh-hans", "en"}
    assert Organization.objects.count() == 40
    assert Contact.objects.count() == 300 + MAIL_TICKETS
    assert Contact.objects.filter(primary_phone__startswith="+861").count() > 100
    assert Organization.objects.filter(tier="vip").exists()
    assert set(CustomFieldDefinition.objects.values_list("kind", flat=True)) == {
        "text",
        "select",
        "date",
        "checkbox",
    }


def test_tickets_cover_statuses_channels_and_fields(demo_output):
    assert Ticket.objects.count() == TICKETS + MAIL_TICKETS
    assert Ticket.objects.filter(contact__primary_email=MAIL_CUSTOMER).count() == MAIL_TICKETS
    assert set(Ticket.objects.values_list("status_category", flat=True)) == set(
        StatusCategory.values
    )
    assert len(set(Ticket.objects.values_list("channel", flat=True))) >= 5
    assert Ticket.objects.filter(category__parent__isnull=False).exists()
    assert Ticket.objects.filter(tags__isnull=False).exists()
    assert Ticket.objects.exclude(custom_fields={}).exists()
    assert Message.objects.filter(kind="note", body_text__contains="@").exists()
    assert Message.objects.filter(body_text__regex=r"[\u4e00-\u9fff]").exists()
    assert Message.objects.filter(body_text__regex=r"^[A-Za-z]").exists()


def test_every_ticket_has_created_event_and_messages_that_match_its_counter(demo_output):
    created = TicketEvent.objects.filter(ticket=OuterRef("pk"), type="ticket.created")
    assert not Ticket.objects.filter(~Exists(created)).exists()
    for ticket in Ticket.objects.annotate(n=Count("messages")):
        assert ticket.n >= 1
        assert ticket.message_count == ticket.n


def test_history_is_backdated_and_ordered(demo_output):
    now = timezone.now()
    oldest = Ticket.objects.aggregate(m=Min("created_at"))["m"]
    assert now - timedelta(days=61) < oldest < now - timedelta(days=3)
    history = Ticket.objects.exclude(contact__primary_email=MAIL_CUSTOMER)
    for ticket in history.prefetch_related("messages", "events"):
        created = next(e for e in ticket.events.all() if e.type == "ticket.created")
        assert created.created_at == ticket.created_at
        assert all(e.created_at >= ticket.created_at for e in ticket.events.all())
        assert all(
            ticket.created_at <= m.created_at <= ticket.updated_at for m in ticket.messages.all()
        )
        assert ticket.updated_at <= now
        # Each message's event carries the message's time.
        for event in ticket.events.all():
            if event.message_id:
                message = next(m for m in ticket.messages.all() if m.pk == event.message_id)
                assert event.created_at == message.created_at
        if ticket.status_category == StatusCategory.CLOSED:
            assert ticket.closed_at == ticket.updated_at
            assert ticket.solved_at < ticket.closed_at


def test_scoping_gives_every_agent_and_the_technician_a_non_empty_inbox(demo_output):
    total = Ticket.objects.count()
    for user in User.objects.exclude(role=Role.ADMIN):
        visible = Ticket.objects.visible_to(user).count()
        assert 0 < visible < total, user.email
    technician = User.objects.get(role=Role.TECHNICIAN)
    assert not Ticket.objects.visible_to(technician).exclude(assignee=technician).exists()


def test_prints_logins_that_work(demo_output):
    assert "http://" in demo_output
    assert DEMO_PASSWORD in demo_output
    for role in ("admin", "supervisor", "agent", "technician"):
        user = User.objects.filter(role=role).order_by("pk").first()
        assert user.email in demo_output
    admin = User.objects.get(role=Role.ADMIN)
    assert authenticate(email=admin.email, password=DEMO_PASSWORD) == admin


def test_if_empty_does_not_duplicate_but_still_prints_logins(demo_output):
    counts = (Ticket.objects.count(), Message.objects.count(), Contact.objects.count())
    out = run_demo("--if-empty")
    assert (Ticket.objects.count(), Message.objects.count(), Contact.objects.count()) == counts
    assert "loopdesk-demo" in out
    assert "chen.jing@" in out


def test_second_run_reuses_people_and_adds_tickets(demo_output):
    users, contacts = User.objects.count(), Contact.objects.count()
    run_demo("--tickets", "5", "--seed", "7")
    assert (User.objects.count(), Contact.objects.count()) == (users, contacts)
    assert Ticket.objects.count() == TICKETS + MAIL_TICKETS + 5
    assert Ticket.objects.values("number").distinct().count() == TICKETS + MAIL_TICKETS + 5
