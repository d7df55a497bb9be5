"""Hostile and bad input through the forms: a clear message, never a 500, nothing
half-written (HOSTILE-INPUTS.md)."""

import pytest
from django.urls import reverse

from loopdesk.customers.models import Contact
from loopdesk.tickets.models import CustomFieldDefinition, Message, Tag, Ticket, TicketEvent

HX = {"HTTP_HX_REQUEST": "true"}
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _state(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (
        ticket.status_id,
        ticket.priority,
        ticket.custom_fields,
        sorted(ticket.tags.values_list("name", flat=True)),
        Message.objects.filter(ticket=ticket).count(),
        TicketEvent.objects.filter(ticket=ticket).count(),
    )


def test_script_in_subject_is_shown_escaped(agent_client, team_a):
    response = agent_client.post(
        reverse("tickets:new"),
        {
            "new_name": XSS,
            "new_phone": "13800138000",
            "channel": "phone",
            "subject": XSS,
            "description": XSS,
            "priority": 3,
            "type": "question",
            "team": team_a.pk,
        },
    )
    assert response.status_code == 302, response.content[:500]
    ticket = Ticket.objects.get()
    for url in (
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:inbox") + "?view=all",
        reverse("customers:contact_detail", args=[ticket.contact_id]),
        reverse("customers:contact_list"),
    ):
        html = agent_client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "onerror=alert(1)>" not in html, url
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        in agent_client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    )


@pytest.mark.parametrize("hx", [False, True])
def test_ten_megabyte_body_is_rejected_with_a_message(agent_client, ticket, hx):
    before = _state(ticket)
    response = agent_client.post(
        reverse("tickets:message", args=[ticket.number]),
        {"kind": "reply", "body": "x" * (10 * 1024 * 1024)},
        **(HX if hx else {}),
    )
    assert response.status_code == 422
    assert "too long" in response.content.decode()
    assert _state(ticket) == before


def test_empty_reply_is_rejected(agent_client, ticket):
    before = _state(ticket)
    response = agent_client.post(
        reverse("tickets:message", args=[ticket.number]), {"kind": "reply", "body": "  "}, **HX
    )
    assert response.status_code == 422
    assert "The message is empty." in response.content.decode()
    assert _state(ticket) == before


def test_a_thousand_tags_are_rejected(agent_client, ticket):
    before = _state(ticket)
    tags = ", ".join(f"t{i}" for i in range(1000))
    response = agent_client.post(
        reverse("tickets:fields", args=[ticket.number]), {"field": "tags", "value": tags}, **HX
    )
    assert response.status_code == 422
    assert "at most 50 tags" in response.content.decode()
    assert _state(ticket) == before
    assert Tag.objects.count() == 0


def test_a_thousand_tags_on_a_new_ticket_write_nothing(agent_client):
    response = agent_client.post(
        reverse("tickets:new"),
        {
            "new_name": "Zhang",
            "new_phone": "13800138000",
            "new_email": "z@example.com",
            "channel": "phone",
            "subject": "Broken",
            "priority": 3,
            "type": "question",
            "tags": ", ".join(f"t{i}" for i in range(1000)),
        },
    )
    assert response.status_code == 422
    assert "at most 50 tags" in response.content.decode()
    assert (Ticket.objects.count(), Contact.objects.count(), Tag.objects.count()) == (0, 0, 0)


def test_invalid_custom_field_value(agent_client, ticket):
    CustomFieldDefinition.objects.create(key="qty", label="Quantity", kind="number")
    CustomFieldDefinition.objects.create(key="model", label="Model", kind="select", options=["A1"])
    before = _state(ticket)
    url = reverse("tickets:fields", args=[ticket.number])
    for data, text in (
        ({"key": "qty", "value": "lots"}, "Quantity: a number is required."),
        ({"key": "model", "value": "Z9"}, "Model: not one of the options."),
        ({"key": "nope", "value": "1"}, "Unknown custom field."),
    ):
        response = agent_client.post(url, {"field": "cf", **data}, **HX)
        assert response.status_code == 422
        assert text in response.content.decode()
    assert _state(ticket) == before


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("tickets:fields", {"field": "status", "value": "nope"}),
        ("tickets:fields", {"field": "priority", "value": "9"}),
        ("tickets:fields", {"field": "type", "value": "<script>"}),
        ("tickets:fields", {"field": "assignee", "value": "999999"}),
        ("tickets:fields", {"field": "team", "value": "abc"}),
        ("tickets:fields", {"field": "number", "value": "1"}),
        ("tickets:message", {"kind": "reply", "body": "Hello", "set_status": "nope"}),
    ],
)
def test_unknown_values_are_rejected_inline(agent_client, ticket, url_name, data):
    before = _state(ticket)
    response = agent_client.post(reverse(url_name, args=[ticket.number]), data, **HX)
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert _state(ticket) == before


def test_bulk_with_unknown_status_and_foreign_ticket(agent_client, ticket, b_ticket):
    before = (_state(ticket), _state(b_ticket))
    response = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "status", "status": "nope", "n": [ticket.number, b_ticket.number]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Unknown status: nope" in response.content.decode()
    response = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "status", "status": "pending", "n": [ticket.number, b_ticket.number]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 ticket(s) updated." in html
    assert f"#{b_ticket.number} not updated: Ticket not found." in html
    assert _state(b_ticket) == before[1]
    assert Ticket.objects.get(pk=ticket.pk).status.key == "pending"


@pytest.mark.parametrize(
    "query",
    [
        "?after=not-a-cursor",
        "?view=../../etc",
        "?priority=abc",
        "?sort=drop",
        "?q=" + "x" * 300,
        "?channel=<script>",
    ],
)
def test_bad_inbox_queries_show_a_message(agent_client, ticket, query):
    response = agent_client.get(reverse("tickets:inbox") + query)
    assert response.status_code == 422
    assert 'class="form-error"' in response.content.decode()
    assert "<script>" not in response.content.decode().split('id="ticket-list"')[1]


def test_unknown_ticket_numbers_are_404(agent_client):
    for number in ("99999", "99999999999999999999999"):
        assert agent_client.get(f"/tickets/{number}/").status_code == 404
    assert (
        agent_client.get("/tickets/attachments/00000000-0000-0000-0000-000000000000/").status_code
        == 404
    )
