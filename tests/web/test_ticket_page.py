"""The ticket page: thread, replies, notes, attachments, inline fields, history."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loopdesk.tickets.models import CustomFieldDefinition, Message, Ticket, TicketEventType

HX = {"HTTP_HX_REQUEST": "true"}


def test_thread_shows_notes_apart_and_escapes_text(agent_client, agent, ticket):
    agent_client.post(
        reverse("tickets:message", args=[ticket.number]),
        {"kind": "note", "body": "<b>not bold</b> @agent.a look"},
    )
    html = agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'class="msg msg-internal"' in html
    assert 'class="msg msg-inbound"' in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "<b>not bold</b>" not in html
    assert '<option value="@agent.a">' in html  # mention datalist


def test_htmx_reply_and_solve_swaps_conversation_and_side_panel(agent_client, agent, ticket):
    response = agent_client.post(
        reverse("tickets:message", args=[ticket.number]),
        {"kind": "reply", "body": "Fixed it for you.", "set_status": "solved"},
        **HX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="conversation">')
    assert "Fixed it for you." in html
    assert 'id="ticket-fields" class="card" hx-swap-oob="true"' in html
    assert 'id="ticket-head" hx-swap-oob="true"' in html
    assert "HX-Request" in response["Vary"]
    ticket.refresh_from_db()
    assert ticket.status.key == "solved"
    assert ticket.messages.filter(kind="reply", author_user=agent).count() == 1


def test_plain_post_redirects_back_with_a_message(agent_client, ticket):
    response = agent_client.post(
        reverse("tickets:message", args=[ticket.number]),
        {"kind": "note", "body": "Called the customer"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("tickets:detail", args=[ticket.number])
    assert "Note added." in response.content.decode()


def test_reply_with_attachments_then_download(agent_client, ticket):
    files = [
        SimpleUploadedFile("报价 quote.pdf", b"%PDF-1.4", content_type="application/pdf"),
        SimpleUploadedFile(
            "<img onerror=x>.svg", b"<svg onload=alert(1)/>", content_type="image/svg+xml"
        ),
    ]
    response = agent_client.post(
        reverse("tickets:message", args=[ticket.number]),
        {"kind": "reply", "body": "Attached", "attachments": files},
    )
    assert response.status_code == 302
    message = ticket.messages.get(body_text="Attached")
    names = sorted(a.filename for a in message.attachments.all())
    assert names == ["<img onerror=x>.svg", "报价 quote.pdf"]
    page = agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert "&lt;img onerror=x&gt;.svg" in page
    svg = message.attachments.get(filename__endswith=".svg")
    download = agent_client.get(reverse("tickets:attachment", args=[svg.public_id]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"
    assert b"".join(download.streaming_content) == b"<svg onload=alert(1)/>"


def test_take_assigns_to_me_and_opens(agent_client, agent, ticket):
    response = agent_client.post(reverse("tickets:take", args=[ticket.number]), **HX)
    assert response.status_code == 200
    assert "saved" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.status.key == "open"


def test_inline_field_edits(agent_client, ticket, team_a, supervisor):
    url = reverse("tickets:fields", args=[ticket.number])
    for data in (
        {"field": "priority", "value": "2"},
        {"field": "type", "value": "repair"},
        {"field": "tags", "value": "Printer, 保修 , printer"},
        {"field": "assignee", "value": str(supervisor.pk)},
        {"field": "status", "value": "pending"},
    ):
        response = agent_client.post(url, data, **HX)
        assert response.status_code == 200, (data, response.content[:300])
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.type, ticket.assignee, ticket.status.key) == (
        2,
        "repair",
        supervisor,
        "pending",
    )
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["printer", "保修"]
    history = agent_client.get(
        reverse("tickets:history", args=[ticket.number]), **HX
    ).content.decode()
    assert "Priority: P3 · Normal → <b>P2 · High</b>" in history
    assert f"Assignee: — → <b>{supervisor}</b>" in history
    assert "Type: Question → <b>Repair</b>" in history


def test_custom_fields_by_kind(agent_client, ticket):
    defs = {
        "serial": CustomFieldDefinition.objects.create(key="serial", label="Serial", kind="text"),
        "qty": CustomFieldDefinition.objects.create(key="qty", label="Quantity", kind="number"),
        "bought": CustomFieldDefinition.objects.create(key="bought", label="Bought", kind="date"),
        "model": CustomFieldDefinition.objects.create(
            key="model", label="Model", kind="select", options=["A1", "B2"]
        ),
        "parts": CustomFieldDefinition.objects.create(
            key="parts", label="Parts", kind="multiselect", options=["fan", "belt", "pump"]
        ),
        "warranty": CustomFieldDefinition.objects.create(
            key="warranty", label="Warranty", kind="checkbox"
        ),
    }
    page = agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'type="date"' in page and 'type="number"' in page and "multiple" in page
    url = reverse("tickets:fields", args=[ticket.number])
    posts = [
        {"key": "serial", "value": "SN-1"},
        {"key": "qty", "value": "3"},
        {"key": "bought", "value": "2026-01-31"},
        {"key": "model", "value": "B2"},
        {"key": "parts", "value": ["fan", "pump"]},
        {"key": "warranty", "value": ["off", "on"]},
    ]
    for data in posts:
        assert agent_client.post(url, {"field": "cf", **data}, **HX).status_code == 200, data
    ticket.refresh_from_db()
    assert ticket.custom_fields == {
        "serial": "SN-1",
        "qty": 3,
        "bought": "2026-01-31",
        "model": "B2",
        "parts": ["fan", "pump"],
        "warranty": True,
    }
    assert set(defs) == set(ticket.custom_fields)


def test_moving_a_ticket_out_of_my_teams_sends_me_to_the_inbox(agent_client, ticket, team_b):
    response = agent_client.post(
        reverse("tickets:fields", args=[ticket.number]),
        {"field": "team", "value": str(team_b.pk)},
        **HX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("tickets:inbox")
    assert Ticket.objects.get(pk=ticket.pk).team == team_b


def test_history_lists_events_with_names(agent_client, agent, ticket):
    agent_client.post(reverse("tickets:take", args=[ticket.number]))
    agent_client.post(
        reverse("tickets:message", args=[ticket.number]),
        {"kind": "reply", "body": "Done", "set_status": "solved"},
    )
    response = agent_client.get(reverse("tickets:history", args=[ticket.number]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "created the ticket" in html
    assert "replied to the customer" in html
    assert "Status: Open → <b>Solved</b>" in html
    assert "(Channel: Email)" in html
    assert "Assignee: — → <b>—</b>" not in html
    kinds = list(ticket.events.values_list("type", flat=True))
    assert TicketEventType.REPLY_SENT in kinds
    assert Message.objects.filter(ticket=ticket).count() == 2
