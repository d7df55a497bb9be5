"""/rules, /macros, /canned-replies: CRUD, dry run, apply, bad input (problem+json)."""

import pytest
from django.test import Client

from loopdesk.accounts.services import api_key_create
from loopdesk.automation.models import CannedReply, Macro, Rule
from loopdesk.tickets.models import TicketEvent
from loopdesk.tickets.tests import factories
from tests.api.conftest import ALL_SCOPES, ApiClient, assert_problem

pytestmark = pytest.mark.django_db

VIP_RULE = {
    "name": "VIP waiting",
    "kind": "time",
    "conditions": {
        "all": [
            {"field": "customer_vip", "op": "is", "value": True},
            {
                "field": "hours_since_last_agent_reply",
                "op": "greater_than",
                "value": 2,
                "business_hours": True,
            },
        ]
    },
    "actions": [{"type": "escalate"}, {"type": "set_field", "field": "priority", "value": 1}],
}


@pytest.fixture
def api_as():
    def make(user, scopes=None):
        issued = api_key_create(user=user, name="k", scopes=scopes or ALL_SCOPES)
        return ApiClient(Client(), issued.secret)

    return make


def test_rules_crud(admin, api_as):
    api = api_as(admin)
    created = api.post("/rules", VIP_RULE)
    assert created.status_code == 201, created.content
    rule = created.json()
    assert rule["revision"] == 1 and rule["schema_version"] == 1 and rule["events"] == []
    assert api.get("/rules").json()["data"][0]["name"] == "VIP waiting"
    patched = api.patch(f"/rules/{rule['id']}", {"is_active": False})
    assert patched.json()["is_active"] is False and patched.json()["revision"] == 2
    assert api.get(f"/rules/{rule['id']}").status_code == 200
    assert api.get(f"/rules/{rule['id']}/executions").json() == []
    assert (
        api.client.delete(
            f"/api/v1/rules/{rule['id']}", headers={"Authorization": f"Bearer {api.secret}"}
        ).status_code
        == 204
    )
    assert not Rule.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**VIP_RULE, "colour": "red"}, "colour"),
        (
            {**VIP_RULE, "actions": [{"type": "set_field", "field": "status", "value": "nope"}]},
            "actions.0.value",
        ),
        (
            {**VIP_RULE, "conditions": {"all": [{"field": "x", "op": "is", "value": 1}]}},
            "conditions.all.0",
        ),
        (
            {
                **VIP_RULE,
                "conditions": {"all": [{"field": "subject", "op": "regex", "value": "a"}]},
            },
            "conditions.all.0",
        ),
    ],
)
def test_bad_rules_are_400_and_save_nothing(admin, api_as, body, field):
    assert_problem(api_as(admin).post("/rules", body), 400, field)
    assert not Rule.objects.exists()


def test_invalid_json_is_400(admin, api_as):
    response = api_as(admin).post("/rules", raw=b'{"name": "x", ')
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not Rule.objects.exists()


def test_agents_cannot_read_or_write_rules(agent, api_as):
    api = api_as(agent)
    assert_problem(api.get("/rules"), 403)
    assert_problem(api.post("/rules", VIP_RULE), 403)
    assert not Rule.objects.exists()


def test_dry_run_changes_nothing(admin, api_as, team_a):
    urgent = factories.make_ticket(team=team_a, subject="URGENT server down")
    factories.make_ticket(team=team_a, subject="question")
    before = TicketEvent.objects.count()
    response = api_as(admin).post(
        "/rules/dry-run",
        {
            "kind": "trigger",
            "events": ["created"],
            "conditions": {"all": [{"field": "subject", "op": "contains", "value": "urgent"}]},
            "actions": [{"type": "set_field", "field": "priority", "value": 1}],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["matched"] == 1 and body["scanned"] == 2
    assert body["sample"][0]["number"] == urgent.number
    assert body["sample"][0]["diff"] == {"priority": [3, 1]}
    urgent.refresh_from_db()
    assert urgent.priority == 3 and TicketEvent.objects.count() == before


def test_macro_apply_and_scope(agent, other_agent, api_as, team_a):
    ticket = factories.make_ticket(team=team_a)
    api = api_as(agent)
    created = api.post(
        "/macros",
        {
            "name": "Escalate to P1",
            "actions": [
                {"type": "set_field", "field": "priority", "value": 1},
                {"type": "add_tags", "tags": ["hot"]},
                {"type": "add_note", "body": "Raised for {{ contact.name }}"},
            ],
        },
    )
    assert created.status_code == 201, created.content
    macro_id = created.json()["id"]
    applied = api.post(f"/tickets/{ticket.number}/macros/{macro_id}/apply")
    assert applied.status_code == 200, applied.content
    ticket.refresh_from_db()
    assert ticket.priority == 1 and list(ticket.tags.values_list("name", flat=True)) == ["hot"]
    event = TicketEvent.objects.get(ticket=ticket, type="automation.macro_applied")
    assert event.cause_kind == "api" and event.actor_user == agent
    # The other agent cannot see the ticket (404) nor the personal macro (404).
    other = api_as(other_agent)
    assert_problem(other.post(f"/tickets/{ticket.number}/macros/{macro_id}/apply"), 404)
    own = other.post("/macros", {"name": "mine", "actions": [{"type": "add_tags", "tags": ["x"]}]})
    assert_problem(other.post(f"/tickets/{ticket.number}/macros/{own.json()['id']}/apply"), 404)
    ticket.refresh_from_db()
    assert list(ticket.tags.values_list("name", flat=True)) == ["hot"]


def test_macro_bad_actions(agent, api_as):
    api = api_as(agent)
    assert_problem(
        api.post(
            "/macros", {"name": "m", "actions": [{"type": "webhook", "url": "https://x.y/z"}]}
        ),
        400,
    )
    assert_problem(api.post("/macros", {"name": "m", "actions": []}), 400)
    assert_problem(
        api.post(
            "/macros",
            {"name": "m", "actions": [{"type": "add_tags", "tags": ["x"]}], "personal": False},
        ),
        403,
    )
    assert not Macro.objects.exists()


def test_canned_replies_crud_and_safe_render(agent, api_as, team_a):
    ticket = factories.make_ticket(team=team_a, subject="{{ agent.email }} {% now 'Y' %}")
    api = api_as(agent)
    created = api.post(
        "/canned-replies",
        {
            "title": "Thanks",
            "language": "en",
            "body": "Hi {{ contact.name }}, about #{{ ticket.number }} ({{ ticket.subject }})",
        },
    )
    assert created.status_code == 201, created.content
    reply_id = created.json()["id"]
    rendered = api.get(f"/tickets/{ticket.number}/canned-replies/{reply_id}").json()["text"]
    assert rendered == (
        f"Hi Customer, about #{ticket.number} ({{{{ agent.email }}}} {{% now 'Y' %}})"
    )
    assert api.patch(f"/canned-replies/{reply_id}", {"language": "zh-hans"}).json()["language"] == (
        "zh-hans"
    )
    assert [r["id"] for r in api.get("/canned-replies?language=zh-hans").json()] == [reply_id]
    assert_problem(
        api.post("/canned-replies", {"title": "x", "language": "fr", "body": "x"}), 400, "language"
    )
    assert_problem(
        api.post(
            "/canned-replies", {"title": "x", "language": "en", "body": "{{ user.password }}"}
        ),
        400,
        "body",
    )
    assert CannedReply.objects.count() == 1
