"""Creating, reading and changing tickets and their threads through the API."""

import base64

from loopdesk.tickets.models import Attachment, Message, Ticket, TicketEvent
from loopdesk.tickets.tests.factories import make_contact

from .conftest import assert_problem


def test_create_with_requester_email_goes_through_intake(api_as, agent, team_a):
    body = {
        "subject": "空调不制冷 AC not cooling",
        "requester": {"email": "Zhang.San@Example.com", "name": "张三"},
        "body_html": "<p>Hello <b>there</b></p>",
        "priority": 2,
        "type": "repair",
        "team_id": team_a.pk,
        "assignee_id": agent.pk,
        "tags": ["AC", "vip"],
    }
    response = api_as(agent).post("/tickets", body)
    assert response.status_code == 201, response.content
    data = response.json()
    ticket = Ticket.objects.get(number=data["number"])
    assert ticket.channel == "api" and data["channel"] == "api"
    assert ticket.contact.primary_email == "zhang.san@example.com" and ticket.contact.name == "张三"
    assert (ticket.priority, ticket.type, ticket.team, ticket.assignee) == (
        2,
        "repair",
        team_a,
        agent,
    )
    assert data["status"]["category"] == "open"  # assigned at creation
    assert data["tags"] == ["ac", "vip"]
    message = ticket.messages.get()
    assert message.author_contact == ticket.contact and message.direction == "inbound"
    assert message.body_text == "Hello there"
    created = TicketEvent.objects.get(ticket=ticket, type="ticket.created")
    assert created.cause_kind == "channel" and created.cause_ref == "api"
    assert created.actor_user == agent  # the key's user entered it


def test_create_for_existing_contact_and_phone_requester(api_as, agent, team_a):
    contact = make_contact(email="known@example.com")
    api = api_as(agent)
    first = api.post(
        "/tickets",
        {"subject": "A", "contact_id": contact.pk, "body_text": "x", "team_id": team_a.pk},
    )
    assert first.status_code == 201 and first.json()["contact"]["id"] == contact.pk
    second = api.post(
        "/tickets", {"subject": "B", "requester": {"phone": "138 0013 8000"}, "body_text": "x"}
    )
    assert second.status_code == 201
    assert second.json()["contact"]["phone"] == "+8613800138000"


def test_create_requires_exactly_one_requester(api_as, agent):
    api = api_as(agent)
    contact = make_contact()
    for body in (
        {"subject": "A", "body_text": "x"},
        {
            "subject": "A",
            "body_text": "x",
            "contact_id": contact.pk,
            "requester": {"email": "a@example.com"},
        },
        {
            "subject": "A",
            "body_text": "x",
            "requester": {"email": "a@example.com", "phone": "13800138000"},
        },
        {"subject": "A", "body_text": "x", "requester": {"name": "nobody"}},
    ):
        assert_problem(api.post("/tickets", body), 400)
    assert_problem(
        api.post("/tickets", {"subject": "A", "body_text": "x", "contact_id": 999999}),
        400,
        "contact_id",
    )
    assert Ticket.objects.count() == 0


def test_create_with_attachment(api_as, agent, team_a):
    payload = base64.b64encode(b"%PDF-1.4 fake").decode()
    response = api_as(agent).post(
        "/tickets",
        {
            "subject": "With file",
            "requester": {"email": "f@example.com"},
            "body_text": "see file",
            "team_id": team_a.pk,
            "attachments": [
                {
                    "filename": "../../etc/passwd",
                    "content_type": "application/pdf",
                    "content_base64": payload,
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.filename == "passwd" and attachment.size == 13
    assert attachment.file.read() == b"%PDF-1.4 fake"


def test_get_ticket_by_number(api_as, agent, ticket):
    data = api_as(agent).get(f"/tickets/{ticket.number}").json()
    assert data["number"] == ticket.number
    assert data["subject"] == "打印机无法打印 Printer broken"
    assert data["team"] == {"id": ticket.team_id, "name": "Team A"}
    assert data["status"] == {"key": "new", "name": "New", "category": "new"}
    assert "id" not in data  # the public id is the number


def test_patch_changes_fields_and_records_api_events(api_as, agent, ticket):
    response = api_as(agent, name="Zapier").patch(
        f"/tickets/{ticket.number}",
        {
            "subject": "New subject",
            "priority": 1,
            "type": "incident",
            "status": "pending",
            "assignee_id": agent.pk,
            "tags": ["b", "a"],
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["subject"], data["priority"], data["type"]) == ("New subject", 1, "incident")
    assert data["status"]["key"] == "pending" and data["assignee"]["id"] == agent.pk
    assert data["tags"] == ["a", "b"]
    events = TicketEvent.objects.filter(ticket=ticket, cause_kind="api")
    assert {e.type for e in events} >= {
        "ticket.subject_changed",
        "ticket.priority_changed",
        "ticket.type_changed",
        "ticket.assigned",
        "ticket.status_changed",
        "ticket.tags_changed",
    }
    assert {e.cause_ref for e in events} == {"API key: Zapier"}
    assert {e.actor_user_id for e in events} == {agent.pk}


def test_patch_only_sent_fields_and_null_rules(api_as, agent, ticket):
    api = api_as(agent)
    api.patch(f"/tickets/{ticket.number}", {"assignee_id": agent.pk, "tags": ["keep"]})
    assert api.patch(f"/tickets/{ticket.number}", {"priority": 4}).json()["tags"] == ["keep"]
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert api.patch(f"/tickets/{ticket.number}", {"assignee_id": None}).json()["assignee"] is None
    for field in ("subject", "priority", "status", "tags", "custom_fields", "type"):
        assert_problem(api.patch(f"/tickets/{ticket.number}", {field: None}), 400, field)
    assert api.patch(f"/tickets/{ticket.number}", {}).status_code == 200


def test_agent_may_hand_a_ticket_to_another_team(api_as, agent, ticket, team_b):
    """Documented rule: any existing team; afterwards the ticket may leave the caller's scope."""
    api = api_as(agent)
    response = api.patch(f"/tickets/{ticket.number}", {"team_id": team_b.pk})
    assert response.status_code == 200 and response.json()["team"]["name"] == "Team B"
    assert_problem(api.get(f"/tickets/{ticket.number}"), 404)


def test_messages_reply_note_and_reply_and_solve(api_as, agent, ticket):
    api = api_as(agent)
    note = api.post(f"/tickets/{ticket.number}/messages", {"kind": "note", "body_text": "internal"})
    assert note.status_code == 201 and note.json()["direction"] == "internal"
    reply = api.post(
        f"/tickets/{ticket.number}/messages",
        {"kind": "reply", "body_html": "<p>Fixed<script>alert(1)</script></p>", "status": "solved"},
    )
    assert reply.status_code == 201, reply.content
    data = reply.json()
    assert data["author"] == {"type": "user", "id": agent.pk, "name": str(agent)}
    assert "<script" not in data["body_html"] and "Fixed" in data["body_html"]
    ticket.refresh_from_db()
    assert ticket.status_category == "solved" and ticket.first_response_at is not None
    listed = api.get(f"/tickets/{ticket.number}/messages").json()["data"]
    assert [m["kind"] for m in listed] == ["reply", "note", "reply"]
    assert listed[0]["author"]["type"] == "contact"


def test_message_attachments(api_as, agent, ticket):
    files = [
        {
            "filename": f"f{i}.txt",
            "content_type": "text/plain",
            "content_base64": base64.b64encode(f"file {i}".encode()).decode(),
        }
        for i in range(2)
    ]
    response = api_as(agent).post(
        f"/tickets/{ticket.number}/messages",
        {"kind": "reply", "body_text": "files", "attachments": files},
    )
    assert response.status_code == 201
    assert [a["filename"] for a in response.json()["attachments"]] == ["f0.txt", "f1.txt"]
    assert all(len(a["id"]) == 36 for a in response.json()["attachments"])  # public uuid, not pk


def test_events_show_actor_cause_and_changes(api_as, agent, ticket):
    api = api_as(agent, name="CRM sync")
    api.patch(f"/tickets/{ticket.number}", {"priority": 1})
    events = api.get(f"/tickets/{ticket.number}/events").json()["data"]
    assert events[0]["type"] == "ticket.created"
    assert events[0]["actor"]["contact"]["id"] == ticket.contact_id
    last = events[-1]
    assert last["type"] == "ticket.priority_changed"
    assert last["actor"] == {"user": {"id": agent.pk, "name": str(agent)}, "contact": None}
    assert (last["cause_kind"], last["cause_ref"]) == ("api", "API key: CRM sync")
    assert last["changes"] == {"priority": [3, 1]}


def test_closed_ticket_rejects_a_reply_clearly(api_as, agent, ticket):
    api = api_as(agent)
    assert api.patch(f"/tickets/{ticket.number}", {"status": "closed"}).status_code == 200
    before = Message.objects.count()
    assert_problem(
        api.post(f"/tickets/{ticket.number}/messages", {"kind": "reply", "body_text": "x"}), 400
    )
    assert Message.objects.count() == before


def test_agent_without_team_id_gets_own_team_and_can_read_it(api_as, agent, supervisor, team_a):
    """An agent does not see the team-less triage queue: a ticket it creates without a
    team lands in its own team, so the next read is not a 404. Supervisors keep triage."""
    body = {"subject": "发票抬头错误", "requester": {"email": "zhao@example.com"}, "body_text": "x"}
    agent_api = api_as(agent)
    created = agent_api.post("/tickets", body)
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert Ticket.objects.get(number=number).team == team_a
    assert agent_api.get(f"/tickets/{number}").status_code == 200

    by_supervisor = api_as(supervisor).post("/tickets", body).json()["number"]
    assert Ticket.objects.get(number=by_supervisor).team is None
