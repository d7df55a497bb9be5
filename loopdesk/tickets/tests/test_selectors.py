import pytest

from loopdesk.core.exceptions import NotFound, ValidationFailed
from loopdesk.customers.services import contact_update
from loopdesk.tickets.events import Actor
from loopdesk.tickets.selectors import (
    TicketFilters,
    inbox_counts,
    ticket_get_for_user,
    ticket_list_page,
    ticket_queryset,
)
from loopdesk.tickets.services import message_add, ticket_update
from loopdesk.tickets.tests.factories import make_ticket


def numbers(user, **filters):
    return sorted(
        ticket_queryset(user=user, filters=TicketFilters(view="all", **filters)).values_list(
            "number", flat=True
        )
    )


@pytest.fixture
def tickets(team_a, team_b, agent, technician, admin):
    a = make_ticket(team=team_a, subject="A")
    b = make_ticket(team=team_b, subject="B")
    triage = make_ticket(subject="no team")
    mine_elsewhere = make_ticket(team=team_b, subject="assigned to agent A")
    ticket_update(
        ticket=mine_elsewhere, actor=Actor.person(admin), changes={"assignee": agent, "team": None}
    )
    tech = make_ticket(team=team_a, subject="tech job")
    ticket_update(
        ticket=tech, actor=Actor.person(admin), changes={"assignee": technician, "team": None}
    )
    return {
        "a": a.number,
        "b": b.number,
        "triage": triage.number,
        "mine": mine_elsewhere.number,
        "tech": tech.number,
    }


def test_visibility_by_role(tickets, admin, supervisor, agent, other_agent, technician):
    t = tickets
    assert numbers(admin) == sorted(t.values())
    assert numbers(agent) == sorted([t["a"], t["mine"]])
    assert numbers(other_agent) == sorted([t["b"]])
    assert numbers(supervisor) == sorted(
        [t["a"], t["triage"], t["mine"], t["tech"]]
    )  # team-less tickets too
    assert numbers(technician) == [t["tech"]]


@pytest.mark.parametrize("large", [True, False])
def test_visibility_is_the_same_whichever_plan_the_scope_gets(
    tickets, monkeypatch, supervisor, agent, other_agent, technician, large
):
    """A large team scope is written so SQLite walks the recency index (`+column`); it
    must select exactly the rows of the plain filter."""
    from django.db import connection

    from loopdesk.tickets.models import managers

    monkeypatch.setattr(managers, "LARGE_SCOPE", 1 if large else 10**9)
    t = tickets
    assert numbers(agent) == sorted([t["a"], t["mine"]])
    assert numbers(other_agent) == sorted([t["b"]])
    assert numbers(supervisor) == sorted([t["a"], t["triage"], t["mine"], t["tech"]])
    assert numbers(technician) == [t["tech"]]
    sql = str(ticket_queryset(user=agent, filters=TicketFilters(view="all")).query)
    assert ('+"tickets_ticket"."assignee_id"' in sql) is (large and connection.vendor == "sqlite")


def test_inactive_or_anonymous_see_nothing(tickets, agent):
    from django.contrib.auth.models import AnonymousUser

    assert numbers(AnonymousUser()) == []
    agent.is_active = False
    assert numbers(agent) == []


def test_get_outside_scope_is_not_found(tickets, other_agent):
    with pytest.raises(NotFound):
        ticket_get_for_user(user=other_agent, number=tickets["a"])
    with pytest.raises(NotFound):
        ticket_get_for_user(user=other_agent, number=10**30)


def test_views_and_counts(tickets, agent, admin):
    counts = inbox_counts(user=agent)
    assert counts == {"mine": "1", "unassigned": "1", "my_teams": "1", "open": "2"}
    assert inbox_counts(user=admin)["open"] == "5"


def test_filters(tickets, admin, team_a):
    t = tickets
    assert numbers(admin, team=team_a.pk) == [t["a"]]
    assert numbers(admin, unassigned=True) == sorted([t["a"], t["b"], t["triage"]])
    assert numbers(admin, number=t["b"]) == [t["b"]]
    assert numbers(admin, channel="phone") == []
    with pytest.raises(ValidationFailed):
        numbers(admin, channel="pigeon")
    with pytest.raises(ValidationFailed):
        ticket_queryset(user=admin, filters=TicketFilters(view="everything"))


def test_search_finds_through_services_in_chinese_english_and_by_number(team_a, agent):
    refund = make_ticket(team=team_a, subject="申请退款", text="订单 A-100 的发票有误")
    other = make_ticket(team=team_a, subject="Printer jams", text="paper feed")
    message_add(
        ticket=other,
        actor=Actor.person(agent),
        kind="reply",
        author_user=agent,
        body_text="Please update the firmware",
    )

    assert numbers(agent, q="退款") == [refund.number]
    assert numbers(agent, q="发票") == [refund.number]
    assert numbers(agent, q="firmware printer") == [other.number]
    assert numbers(agent, q=f"#{other.number}") == [other.number]
    assert numbers(agent, q='"); DROP TABLE tickets_ticket; --') == []


def test_search_follows_contact_rename(team_a, agent, django_capture_on_commit_callbacks):
    ticket = make_ticket(team=team_a, subject="Noise")
    with django_capture_on_commit_callbacks(execute=True):
        contact_update(contact=ticket.contact, name="王小明")
    assert numbers(agent, q="王小明") == [ticket.number]


def test_search_respects_scope(team_a, team_b, other_agent):
    make_ticket(team=team_a, subject="机密 secret")
    assert numbers(other_agent, q="secret") == []


def test_list_page_validates_size_and_sort(tickets, admin):
    with pytest.raises(ValidationFailed):
        ticket_list_page(user=admin, filters=TicketFilters(), size=1000)
    with pytest.raises(ValidationFailed):
        ticket_list_page(user=admin, filters=TicketFilters(), sort="password")


def test_unassigned_view_reaches_tickets_through_teams_and_the_triage_queue(
    tickets, admin, supervisor, agent, other_agent, technician
):
    def unassigned(user):
        return sorted(
            ticket_queryset(user=user, filters=TicketFilters(view="unassigned")).values_list(
                "number", flat=True
            )
        )

    t = tickets
    assert unassigned(agent) == [t["a"]]
    assert unassigned(other_agent) == [t["b"]]
    assert unassigned(supervisor) == sorted([t["a"], t["triage"]])
    assert unassigned(admin) == sorted([t["a"], t["b"], t["triage"]])
    assert unassigned(technician) == []
