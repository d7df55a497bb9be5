"""Every action, run by the engine through the ticket services."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from loopdesk.accounts.models import Notification, Role
from loopdesk.automation import outbound
from loopdesk.automation.engine import compile_rule, execute_rule
from loopdesk.automation.models import RuleExecution
from loopdesk.automation.services import rule_create
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.tickets.models import Category, CustomFieldDefinition, Message, TicketEvent
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


def run(admin, ticket, actions, capture, name="R"):
    rule = rule_create(user=admin, name=name, kind="trigger", events=["created"], actions=actions)
    with capture(execute=True):
        execution = execute_rule(compile_rule(rule), ticket_id=ticket.pk, source="created")
    ticket.refresh_from_db()
    return execution


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_set_fields(admin, ticket, capture):
    category = Category.objects.create(name="Hardware")
    CustomFieldDefinition.objects.create(key="serial", label="Serial", kind="text")
    execution = run(
        admin,
        ticket,
        [
            {"type": "set_field", "field": "status", "value": "pending"},
            {"type": "set_field", "field": "priority", "value": 2},
            {"type": "set_field", "field": "type", "value": "incident"},
            {"type": "set_field", "field": "category", "value": category.pk},
            {"type": "set_field", "field": "custom_field", "key": "serial", "value": "SN-1"},
        ],
        capture,
    )
    assert execution.outcome == "applied", execution.error
    assert ticket.status.key == "pending" and ticket.priority == 2 and ticket.type == "incident"
    assert ticket.category == category and ticket.custom_fields == {"serial": "SN-1"}
    causes = set(
        TicketEvent.objects.filter(ticket=ticket, cause_kind="rule").values_list(
            "cause_ref", flat=True
        )
    )
    assert causes == {"Rule: R"}
    assert execution.changes["priority"] == [3, 2]


def test_assign_agent_and_team(admin, ticket, capture, team_b, other_agent):
    execution = run(
        admin,
        ticket,
        [
            {"type": "assign_team", "team_id": team_b.pk},
            {"type": "assign_agent", "user_id": other_agent.pk},
        ],
        capture,
    )
    assert execution.outcome == "applied", execution.error
    assert ticket.team == team_b and ticket.assignee == other_agent


def test_assign_by_strategy_uses_routing(admin, ticket, capture, team_a):
    execution = run(admin, ticket, [{"type": "assign_by_strategy"}], capture)
    assert execution.outcome == "applied", execution.error
    assert any(e.startswith("routed") for e in execution.changes["effects"])


def test_tags_add_remove(admin, capture, team_a):
    ticket = factories.make_ticket(team=team_a, tags=["old", "keep"])
    run(
        admin,
        ticket,
        [{"type": "add_tags", "tags": ["New", "keep"]}, {"type": "remove_tags", "tags": ["old"]}],
        capture,
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["keep", "new"]


def test_note_with_placeholders(admin, capture, team_a):
    ticket = factories.make_ticket(team=team_a, subject="Hi {{ contact.email }} {% debug %}")
    run(
        admin,
        ticket,
        [{"type": "add_note", "body": "Ticket {{ ticket.number }}: {{ ticket.subject }}"}],
        capture,
    )
    note = Message.objects.get(ticket=ticket, kind="note")
    # The subject's own {{ … }} stays literal: values are never evaluated again.
    assert note.body_text == f"Ticket {ticket.number}: Hi {{{{ contact.email }}}} {{% debug %}}"
    assert note.author_user == admin


def test_email_contact_agent_team(admin, capture, team_a, agent, supervisor):
    ticket = factories.make_ticket(team=team_a, email="cust@example.com", assignee=agent)
    mail.outbox.clear()
    run(
        admin,
        ticket,
        [
            {
                "type": "email_contact",
                "subject": "About #{{ ticket.number }}",
                "body": "Dear {{ contact.name }}",
            },
            {"type": "email_agent", "subject": "Look", "body": "at {{ ticket.url }}"},
            {"type": "email_team", "to": "members", "subject": "Team", "body": "x"},
            {"type": "email_team", "to": "supervisors", "subject": "Sup", "body": "y"},
        ],
        capture,
    )
    sent = sorted((m.subject, tuple(m.to)) for m in mail.outbox)
    assert sent == sorted(
        [
            (f"About #{ticket.number}", ("cust@example.com",)),
            ("Look", (agent.email,)),
            ("Team", (supervisor.email,)),
            ("Team", (agent.email,)),
            ("Sup", (supervisor.email,)),
        ]
    )
    assert all(m.extra_headers["Auto-Submitted"] == "auto-generated" for m in mail.outbox)


def test_email_never_to_bouncing_address(admin, capture, team_a):
    from loopdesk.channels.models import BouncedAddress

    ticket = factories.make_ticket(team=team_a, email="gone@example.com")
    BouncedAddress.objects.create(address="gone@example.com")
    mail.outbox.clear()
    run(admin, ticket, [{"type": "email_contact", "subject": "s", "body": "b"}], capture)
    assert mail.outbox == []


def test_escalate_notifies_team_supervisors(admin, capture, team_a, supervisor):
    factories.make_user(role=Role.SUPERVISOR, teams=[factories.make_team()])
    ticket = factories.make_ticket(team=team_a)
    run(admin, ticket, [{"type": "escalate"}], capture)
    assert list(
        Notification.objects.filter(kind="automation.escalated").values_list("user", flat=True)
    ) == [supervisor.pk]


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers["Content-Length"])
        _Receiver.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        return


@pytest.fixture
def receiver():
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Receiver.received = []
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def test_webhook_posts_to_allowed_loopback(admin, ticket, capture, receiver, settings):
    settings.LOOPDESK_AUTOMATION_WEBHOOK_ALLOW_PRIVATE = True
    run(admin, ticket, [{"type": "webhook", "url": receiver}], capture)
    assert _Receiver.received[0]["ticket"]["number"] == ticket.number
    assert _Receiver.received[0]["rule"] == "Rule: R"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "https://127.0.0.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://2130706433/x",  # 127.0.0.1 as a decimal number
        "https://10.0.0.8/x",
        "https://localhost/x",
    ],
)
def test_webhook_refuses_private_addresses(url, settings):
    settings.LOOPDESK_AUTOMATION_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationFailed):
        outbound.post_webhook(url=url, payload={})


def test_refused_webhook_is_logged_not_raised(admin, ticket, capture, settings):
    settings.LOOPDESK_AUTOMATION_WEBHOOK_ALLOW_PRIVATE = False
    execution = run(admin, ticket, [{"type": "webhook", "url": "https://127.0.0.1/x"}], capture)
    assert execution.outcome == "applied"  # delivery is a side effect after the commit


def test_closed_ticket_fails_cleanly(admin, capture, team_a):
    from loopdesk.tickets.events import Actor
    from loopdesk.tickets.models import Status
    from loopdesk.tickets.services import ticket_update

    ticket = factories.make_ticket(team=team_a)
    ticket_update(
        ticket=ticket,
        actor=Actor.person(admin),
        changes={"status": Status.objects.get(key="closed")},
    )
    execution = run(
        admin, ticket, [{"type": "set_field", "field": "status", "value": "open"}], capture
    )
    assert execution.outcome == "failed"
    assert RuleExecution.objects.filter(outcome="applied").count() == 0
