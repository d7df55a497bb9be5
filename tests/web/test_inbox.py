"""The inbox: saved views with counts, filters, sort, keyset pages, search, bulk actions."""

from django.urls import reverse

from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.services import ticket_update
from loopdesk.tickets.tests import factories

HX = {"HTTP_HX_REQUEST": "true"}


def _numbers(response) -> list[int]:
    return [t.number for t in response.context["tickets"]]


def test_views_and_counts(agent_client, agent, team_a, ticket):
    mine = factories.make_ticket(team=team_a, assignee=agent, subject="Mine")
    response = agent_client.get(reverse("tickets:inbox"), {"view": "mine"})
    assert _numbers(response) == [mine.number]
    counts = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"mine": "1", "unassigned": "1", "my_teams": "2", "open": "2", "recent": ""}
    assert _numbers(agent_client.get(reverse("tickets:inbox"), {"view": "unassigned"})) == [
        ticket.number
    ]
    assert set(_numbers(agent_client.get(reverse("tickets:inbox"), {"view": "my_teams"}))) == {
        ticket.number,
        mine.number,
    }


def _tab_counts(response) -> dict:
    return {tab["key"]: tab["count"] for tab in response.context["tabs"]}


def test_tab_counts_are_reused_briefly_and_recounted_after_own_bulk_change(
    agent_client, agent, team_a, ticket, django_assert_num_queries, monkeypatch
):
    # The counts must not expire between two requests on a slow machine.
    monkeypatch.setattr("loopdesk.tickets.selectors.COUNTS_TTL", 3600)
    url = reverse("tickets:inbox")
    assert _tab_counts(agent_client.get(url, {"view": "mine"}))["mine"] == "0"
    other = factories.make_ticket(team=team_a, assignee=agent)
    # Within COUNTS_TTL the tabs show the cached counts (the list is always fresh) ...
    response = agent_client.get(url, {"view": "mine"})
    assert _numbers(response) == [other.number]
    assert _tab_counts(response)["mine"] == "0"
    # ... and a bulk change by this user recounts on the page it redirects to.
    agent_client.post(
        reverse("tickets:bulk"), {"n": [ticket.number], "action": "assign", "assignee": "me"}
    )
    assert _tab_counts(agent_client.get(url, {"view": "mine"}))["mine"] == "2"


def test_filters_and_sort(agent_client, agent, team_a):
    a = factories.make_ticket(
        team=team_a, subject="Urgent repair", priority=1, type="repair", tags=["vip"]
    )
    b = factories.make_ticket(team=team_a, subject="Low question", priority=4, channel="web")
    url = reverse("tickets:inbox")
    assert _numbers(agent_client.get(url, {"priority": "1"})) == [a.number]
    assert _numbers(agent_client.get(url, {"type": "repair"})) == [a.number]
    assert _numbers(agent_client.get(url, {"tag": "VIP"})) == [a.number]
    assert _numbers(agent_client.get(url, {"channel": "web"})) == [b.number]
    assert _numbers(agent_client.get(url, {"status": "new", "team": team_a.pk})) == [
        b.number,
        a.number,
    ]
    assert _numbers(agent_client.get(url, {"assignee": "none"})) == [b.number, a.number]
    assert _numbers(agent_client.get(url, {"sort": "priority"})) == [a.number, b.number]
    assert _numbers(agent_client.get(url, {"sort": "created"})) == [a.number, b.number]
    assert _numbers(agent_client.get(url, {"sort": "-created"})) == [b.number, a.number]


def test_htmx_swaps_the_list_partial_and_varies(agent_client, ticket):
    full = agent_client.get(reverse("tickets:inbox"))
    assert "<!DOCTYPE html>" in full.content.decode()
    assert "HX-Request" in full["Vary"]
    partial = agent_client.get(reverse("tickets:inbox"), {"view": "unassigned"}, **HX)
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="ticket-list">')
    assert "<!DOCTYPE html>" not in html
    assert 'id="view-tabs" class="view-tabs"' in html and 'hx-swap-oob="true"' in html
    assert ticket.subject in html
    assert "HX-Request" in partial["Vary"]


def test_keyset_pages_without_page_numbers(agent_client, team_a):
    created = [factories.make_ticket(team=team_a, subject=f"T{i}").number for i in range(30)]
    first = agent_client.get(reverse("tickets:inbox"), {"sort": "created"})
    assert _numbers(first) == created[:25]
    cursor = first.context["next_cursor"]
    assert cursor and "Next page" in first.content.decode()
    second = agent_client.get(reverse("tickets:inbox"), {"sort": "created", "after": cursor}, **HX)
    assert _numbers(second) == created[25:]
    assert second.context["next_cursor"] is None
    assert "First page" in second.content.decode()


def test_search_box_jumps_to_a_ticket_number(agent_client, ticket):
    for q in (str(ticket.number), f"#{ticket.number}"):
        response = agent_client.get(reverse("tickets:inbox"), {"q": q})
        assert response.status_code == 302
        assert response["Location"] == reverse("tickets:detail", args=[ticket.number])
    response = agent_client.get(reverse("tickets:inbox"), {"q": str(ticket.number)}, **HX)
    assert response["HX-Redirect"] == reverse("tickets:detail", args=[ticket.number])


def test_search_text(agent_client, team_a, ticket):
    from loopdesk.core import search

    other = factories.make_ticket(team=team_a, subject="空调不制冷 AC not cooling")
    search.index_ticket(other)  # idempotent; independent of whether services index yet
    response = agent_client.get(reverse("tickets:inbox"), {"q": "空调"})
    assert response.status_code == 200
    assert _numbers(response) == [other.number]
    assert "Search results for" in response.content.decode()


def test_bulk_assign_status_and_add_tags(agent_client, agent, team_a):
    a = factories.make_ticket(team=team_a, tags=["old"])
    b = factories.make_ticket(team=team_a)
    url = reverse("tickets:bulk")
    back = reverse("tickets:inbox") + "?view=mine"
    response = agent_client.post(
        url, {"action": "assign", "assignee": "me", "n": [a.number, b.number], "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {agent.pk}
    agent_client.post(url, {"action": "tags", "tags": "new, Hot", "n": [a.number, b.number]})
    assert sorted(Ticket.objects.get(pk=a.pk).tags.values_list("name", flat=True)) == [
        "hot",
        "new",
        "old",
    ]
    assert sorted(Ticket.objects.get(pk=b.pk).tags.values_list("name", flat=True)) == ["hot", "new"]
    response = agent_client.post(
        url, {"action": "status", "status": "solved", "n": [a.number, b.number]}, follow=True
    )
    assert "2 ticket(s) updated." in response.content.decode()
    assert set(Ticket.objects.values_list("status__key", flat=True)) == {"solved"}


def test_bulk_reports_per_ticket_failures(agent_client, agent, team_a, team_b):
    member = factories.make_ticket(team=team_a)
    outsider = factories.make_user(teams=[team_b])
    response = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "assign", "assignee": str(outsider.pk), "n": [member.number]},
        follow=True,
    )
    html = response.content.decode()
    assert f"#{member.number} not updated:" in html and "is not a member of team" in html
    assert Ticket.objects.get(pk=member.pk).assignee is None


def test_bulk_rejects_open_redirect_and_empty_selection(agent_client, ticket):
    response = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "status", "status": "open", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("tickets:inbox")
    assert Ticket.objects.get(pk=ticket.pk).status.key == "new"


def test_technician_cannot_bulk_assign(tech_client, technician):
    mine = factories.make_ticket()
    ticket_update(ticket=mine, actor=Actor.system("test"), changes={"assignee": technician})
    response = tech_client.post(
        reverse("tickets:bulk"),
        {"action": "assign", "assignee": "none", "n": [mine.number]},
        follow=True,
    )
    assert "You cannot reassign tickets." in response.content.decode()
    assert Ticket.objects.get(pk=mine.pk).assignee == technician
