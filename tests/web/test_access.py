"""Every view as anonymous, as an agent of another team, as a technician and as an
allowed agent. Denied calls answer 302/403/404 and change nothing."""

import pytest
from django.urls import reverse

from loopdesk.tickets.models import Message, Ticket, TicketEvent
from loopdesk.tickets.tests import factories


def _snapshot(ticket):
    ticket = Ticket.objects.get(pk=ticket.pk)
    return (
        ticket.status_id,
        ticket.priority,
        ticket.assignee_id,
        ticket.team_id,
        ticket.type,
        sorted(ticket.tags.values_list("name", flat=True)),
        Message.objects.filter(ticket=ticket).count(),
        TicketEvent.objects.filter(ticket=ticket).count(),
    )


def _posts(ticket, team_b):
    n = ticket.number
    return [
        (
            reverse("tickets:message", args=[n]),
            {"kind": "reply", "body": "hi", "set_status": "solved"},
        ),
        (reverse("tickets:message", args=[n]), {"kind": "note", "body": "note"}),
        (reverse("tickets:fields", args=[n]), {"field": "status", "value": "solved"}),
        (reverse("tickets:fields", args=[n]), {"field": "priority", "value": "1"}),
        (reverse("tickets:fields", args=[n]), {"field": "tags", "value": "x, y"}),
        (reverse("tickets:fields", args=[n]), {"field": "team", "value": str(team_b.pk)}),
        (reverse("tickets:take", args=[n]), {}),
    ]


def _gets(ticket, attachment):
    n = ticket.number
    return [
        reverse("tickets:detail", args=[n]),
        reverse("tickets:history", args=[n]),
        reverse("tickets:related", args=[n]),
        reverse("tickets:attachment", args=[attachment.public_id]),
    ]


def test_anonymous_is_sent_to_login_and_changes_nothing(client, ticket, attachment, team_b):
    before = _snapshot(ticket)
    urls = [
        *_gets(ticket, attachment),
        reverse("tickets:inbox"),
        reverse("tickets:new"),
        reverse("customers:contact_list"),
        reverse("customers:contact_picker") + "?q=ab",
        reverse("customers:contact_detail", args=[ticket.contact_id]),
        reverse("accounts:settings"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    for url, data in [
        *_posts(ticket, team_b),
        (reverse("tickets:bulk"), {"action": "status", "status": "solved", "n": [ticket.number]}),
        (reverse("tickets:new"), {"subject": "x", "new_phone": "13800138000", "channel": "phone"}),
        (reverse("accounts:api_key_new"), {"name": "k", "scopes": ["tickets:read"]}),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    assert _snapshot(ticket) == before
    assert Ticket.objects.count() == 1


def test_agent_of_another_team_gets_404_and_changes_nothing(
    other_client, ticket, attachment, team_b
):
    before = _snapshot(ticket)
    for url in _gets(ticket, attachment):
        assert other_client.get(url).status_code == 404, url
    for url, data in _posts(ticket, team_b):
        assert other_client.post(url, data).status_code == 404, url
        assert other_client.post(url, data, HTTP_HX_REQUEST="true").status_code == 404, url
    assert _snapshot(ticket) == before


def test_agent_of_another_team_cannot_bulk_change_or_find_by_number(other_client, ticket):
    before = _snapshot(ticket)
    response = other_client.post(
        reverse("tickets:bulk"),
        {"action": "status", "status": "solved", "n": [ticket.number]},
        follow=True,
    )
    assert response.status_code == 200
    assert f"#{ticket.number} not updated: Ticket not found." in response.content.decode()
    assert _snapshot(ticket) == before
    # The search box does not jump to (or reveal) another team's ticket.
    response = other_client.get(reverse("tickets:inbox"), {"q": str(ticket.number)})
    assert response.status_code == 200
    assert ticket.subject not in response.content.decode()


def test_technician_sees_only_assigned_tickets(tech_client, technician, ticket, team_a):
    mine = factories.make_ticket(team=team_a, assignee=None, subject="Fix the boiler")
    from loopdesk.tickets.events import Actor
    from loopdesk.tickets.services import ticket_update

    ticket_update(
        ticket=mine, actor=Actor.system("test"), changes={"team": None, "assignee": technician}
    )
    inbox = tech_client.get(reverse("tickets:inbox"), {"view": "recent"}).content.decode()
    assert "Fix the boiler" in inbox
    assert ticket.subject not in inbox
    assert tech_client.get(reverse("tickets:detail", args=[ticket.number])).status_code == 404
    page = tech_client.get(reverse("tickets:detail", args=[mine.number]))
    assert page.status_code == 200
    assert page.context["can_reassign"] is False
    assert 'data-shortcut="assign-me"' not in page.content.decode()


def test_technician_may_work_but_not_reassign_or_create(tech_client, technician, team_a, team_b):
    from loopdesk.tickets.events import Actor
    from loopdesk.tickets.services import ticket_update

    mine = factories.make_ticket(subject="Fix the boiler")
    ticket_update(ticket=mine, actor=Actor.system("test"), changes={"assignee": technician})
    before = _snapshot(mine)
    for data in ({"field": "team", "value": str(team_b.pk)}, {"field": "assignee", "value": ""}):
        assert (
            tech_client.post(reverse("tickets:fields", args=[mine.number]), data).status_code == 403
        )
    assert tech_client.post(reverse("tickets:take", args=[mine.number])).status_code == 403
    assert _snapshot(mine) == before
    assert tech_client.get(reverse("tickets:new")).status_code == 403
    response = tech_client.post(
        reverse("tickets:new"),
        {
            "subject": "x",
            "new_phone": "13800138000",
            "channel": "phone",
            "priority": 3,
            "type": "question",
        },
    )
    assert response.status_code == 403
    assert Ticket.objects.count() == 1
    # Working the ticket is allowed: a note and a status change.
    response = tech_client.post(
        reverse("tickets:fields", args=[mine.number]), {"field": "status", "value": "pending"}
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=mine.pk).status.key == "pending"


@pytest.mark.parametrize("role_client", ["agent_client", "supervisor_client"])
def test_allowed_staff_can_work_the_ticket(request, role_client, ticket, attachment):
    client = request.getfixturevalue(role_client)
    for url in [
        reverse("tickets:detail", args=[ticket.number]),
        reverse("tickets:history", args=[ticket.number]),
    ]:
        assert client.get(url).status_code == 200
    download = client.get(reverse("tickets:attachment", args=[attachment.public_id]))
    assert download.status_code == 200
    response = client.post(
        reverse("tickets:fields", args=[ticket.number]), {"field": "priority", "value": "1"}
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).priority == 1
