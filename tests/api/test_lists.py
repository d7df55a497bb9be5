"""Cursor pagination, filters, sorting and query counts of the list routes."""

from urllib.parse import parse_qs, urlsplit

import pytest

from loopdesk.core import search
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.tests.factories import make_contact, make_ticket

from .conftest import assert_problem


def _follow(api, path: str, params: dict) -> tuple[list, int]:
    """All items over all pages by following links.next; returns (items, pages)."""
    items, pages = [], 0
    response = api.get(path, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        items += body["data"]
        pages += 1
        if body["links"]["next"] is None:
            return items, pages
        url = urlsplit(body["links"]["next"])
        assert url.path == "/api/v1" + path
        query = {k: v for k, v in parse_qs(url.query).items()}
        response = api.client.get(url.path, query, headers=api._headers(None))


@pytest.mark.parametrize("sort", ["-updated", "updated", "-created", "created", "priority"])
def test_cursor_pages_have_no_duplicates_or_gaps(api_as, agent, team_a, sort):
    numbers = {make_ticket(team=team_a, priority=(i % 4) + 1).number for i in range(11)}
    items, pages = _follow(api_as(agent), "/tickets", {"page[size]": 3, "sort": sort})
    got = [t["number"] for t in items]
    assert len(got) == len(set(got)) == 11 and set(got) == numbers
    assert pages == 4
    if sort == "priority":
        assert [t["priority"] for t in items] == sorted(t["priority"] for t in items)


def test_filters_are_kept_in_the_next_link(api_as, agent, team_a):
    for _ in range(3):
        make_ticket(team=team_a, priority=1)
    make_ticket(team=team_a, priority=4)
    items, pages = _follow(api_as(agent), "/tickets", {"page[size]": 1, "priority": [1, 2]})
    assert pages == 3 and {t["priority"] for t in items} == {1}


def test_messages_and_events_pages(api_as, agent, ticket):
    api = api_as(agent)
    for i in range(4):
        api.post(f"/tickets/{ticket.number}/messages", {"kind": "note", "body_text": f"n{i}"})
    messages, pages = _follow(api, f"/tickets/{ticket.number}/messages", {"page[size]": 2})
    assert [m["body_text"] for m in messages] == ["It does not print.", "n0", "n1", "n2", "n3"]
    assert pages == 3
    events, _ = _follow(api, f"/tickets/{ticket.number}/events", {"page[size]": 2})
    ids = [e["id"] for e in events]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == ticket.events.count()


def test_contacts_and_organizations_pages(api_as, agent):
    api = api_as(agent)
    for i in range(5):
        make_contact(name="Same name", email=f"same{i}@example.com")
        api.post("/organizations", {"name": f"Org {i % 2}"})
    contacts, _ = _follow(api, "/contacts", {"page[size]": 2})
    assert len({c["id"] for c in contacts}) == 5
    orgs, _ = _follow(api, "/organizations", {"page[size]": 2})
    assert len({o["id"] for o in orgs}) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"page[size]": 0},
        {"page[size]": 101},
        {"page[size]": "x"},
        {"page[after]": "garbage!!"},
        {"sort": "password"},
        {"view": "everything"},
        {"priority": 9},
        {"assignee": "me"},
        {"category": "deleted"},
        {"channel": "fax"},
        {"type": "x"},
    ],
)
def test_bad_list_parameters_are_400(api_as, agent, params):
    assert_problem(api_as(agent).get("/tickets", params), 400)


def test_filters(api_as, agent, supervisor, team_a, team_b):
    contact = make_contact(email="filter@example.com")
    mine = make_ticket(
        team=team_a, assignee=agent, priority=1, type="repair", tags=["hot"], contact=contact
    )
    unassigned = make_ticket(team=team_a, priority=2, channel="web")
    other_team = make_ticket(team=team_b)
    api = api_as(agent)

    def numbers(**params) -> set[int]:
        response = api.get("/tickets", params)
        assert response.status_code == 200, response.content
        return {t["number"] for t in response.json()["data"]}

    assert numbers() == {mine.number, unassigned.number}  # never team B's
    assert numbers(view="mine") == {mine.number}
    assert numbers(assignee="none") == {unassigned.number}
    assert numbers(assignee=str(agent.pk)) == {mine.number}
    assert numbers(status=["open"]) == {mine.number}
    assert numbers(status=["open", "new"]) == {mine.number, unassigned.number}
    assert numbers(category="new") == {unassigned.number}
    assert numbers(priority=[2]) == {unassigned.number}
    assert numbers(team=team_a.pk) == {mine.number, unassigned.number}
    assert numbers(team=team_b.pk) == set()
    assert numbers(tag="HOT") == {mine.number}
    assert numbers(channel="web") == {unassigned.number}
    assert numbers(type="repair") == {mine.number}
    assert numbers(contact=contact.pk) == {mine.number}
    assert numbers(number=unassigned.number) == {unassigned.number}
    assert numbers(number=other_team.number) == set()
    assert numbers(q=f"#{mine.number}") == {mine.number}
    assert numbers(q=str(other_team.number)) == set()
    assert api_as(supervisor).get("/tickets", {"team": team_b.pk}).json()["data"] == []


def test_full_text_q_is_scoped(api_as, agent, team_a, team_b):
    ours = make_ticket(team=team_a, subject="Printer jammed 打印机卡纸")
    theirs = make_ticket(team=team_b, subject="Printer jammed too")
    for ticket in (ours, theirs):
        search.index_ticket(ticket)
    data = api_as(agent).get("/tickets", {"q": "printer"}).json()["data"]
    assert [t["number"] for t in data] == [ours.number]
    assert_problem(api_as(agent).get("/tickets", {"q": "x" * 201}), 400, "q")


def test_ticket_list_query_count_is_constant(api_as, agent, team_a, django_assert_max_num_queries):
    api = api_as(agent)
    # The first call writes last_used_at and learns the team scope's size (kept for
    # minutes): not part of the list's cost.
    api.get("/tickets")
    for i in range(3):
        make_ticket(team=team_a, assignee=agent if i % 2 else None, tags=["a", "b"])
    # key+user, team ids, page ids (base table only), page rows (with joins), tags prefetch.
    with django_assert_max_num_queries(5):
        small = api.get("/tickets", {"page[size]": 100})
    for i in range(20):
        make_ticket(team=team_a, assignee=agent if i % 2 else None, tags=["a", f"t{i}"])
    with django_assert_max_num_queries(5):
        large = api.get("/tickets", {"page[size]": 100})
    assert len(small.json()["data"]) == 3 and len(large.json()["data"]) == 23
    assert Ticket.objects.count() == 23


def test_contact_list_query_count_is_constant(api_as, agent, django_assert_max_num_queries):
    api = api_as(agent)
    api.get("/users/me")
    for i in range(15):
        make_contact(email=f"q{i}@example.com")
    # key+user, page ids, contacts (with organisation), identities prefetch.
    with django_assert_max_num_queries(4):
        assert len(api.get("/contacts", {"page[size]": 100}).json()["data"]) == 15
