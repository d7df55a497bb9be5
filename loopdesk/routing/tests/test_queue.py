"""Triggering through ticket hooks, the waiting queue (oldest first) and the sweep."""

import pytest
from django.utils import translation

from loopdesk.routing.constants import AgentStatus, Strategy
from loopdesk.routing.models import AgentProfile
from loopdesk.routing.services import agent_settings_set, agent_status_set, routing_sweep
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket, TicketEvent
from loopdesk.tickets.services import ticket_update
from loopdesk.tickets.services.lifecycle import status_default
from loopdesk.tickets.tests import factories
from loopdesk.tickets.views.presenters import event_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a block and then its on-commit hooks, as a real request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _assignee(ticket):
    return Ticket.objects.values_list("assignee_id", flat=True).get(pk=ticket.pk)


def test_new_ticket_is_assigned_by_the_hook(team_a, make_agent, set_strategy, commit):
    agent = make_agent()
    set_strategy(team_a, Strategy.ROUND_ROBIN)

    ticket = commit(factories.make_ticket, team=team_a)

    assert _assignee(ticket) == agent.pk
    types = list(
        TicketEvent.objects.filter(ticket=ticket).order_by("pk").values_list("type", flat=True)
    )
    assert "ticket.assigned" in types and types[-1] == "routing.decision"
    assert types.count("routing.decision") == 1  # its own assignment did not route again


def test_tickets_without_team_or_in_manual_teams_are_left_alone(team_a, make_agent, commit):
    make_agent()
    teamless = commit(factories.make_ticket)
    manual = commit(factories.make_ticket, team=team_a)
    assert _assignee(teamless) is None and _assignee(manual) is None
    assert not TicketEvent.objects.filter(type="routing.decision").exists()


def test_waiting_tickets_go_oldest_first_when_an_agent_comes_online(
    team_a, make_agent, set_strategy, commit
):
    agent = make_agent(status=AgentStatus.OFFLINE, capacity=2)
    set_strategy(team_a, Strategy.LEAST_LOAD)
    tickets = [commit(factories.make_ticket, team=team_a, subject=f"T{i}") for i in range(3)]
    assert [_assignee(t) for t in tickets] == [None, None, None]
    waiting_events = TicketEvent.objects.filter(type="routing.decision", ticket__in=tickets)
    assert waiting_events.count() == 3
    assert all(e.changes["routing_why"][1] == {"code": "none_available"} for e in waiting_events)

    commit(agent_status_set, agent=agent, status=AgentStatus.ONLINE, by=agent)

    assert [_assignee(t) for t in tickets] == [agent.pk, agent.pk, None]
    # A sweep while still full records nothing new (waiting is recorded once).
    before = TicketEvent.objects.count()
    assert routing_sweep() == 0
    assert TicketEvent.objects.count() == before

    commit(
        ticket_update,
        ticket=tickets[0],
        actor=Actor.person(agent),
        changes={"status": status_default("solved")},
    )
    assert _assignee(tickets[2]) == agent.pk


def test_raising_capacity_assigns_waiting_tickets(
    team_a, make_agent, set_strategy, supervisor, commit
):
    agent = make_agent(capacity=0)
    set_strategy(team_a, Strategy.ROUND_ROBIN)
    ticket = commit(factories.make_ticket, team=team_a)
    assert _assignee(ticket) is None

    commit(agent_settings_set, agent=agent, by=supervisor, capacity=3)

    assert _assignee(ticket) == agent.pk


def test_team_change_and_unassignment_route_again(
    team_a, team_b, make_agent, set_strategy, agent, commit
):
    b_agent = make_agent(teams=[team_b])
    set_strategy(team_b, Strategy.ROUND_ROBIN)
    ticket = commit(factories.make_ticket, team=team_a, assignee=agent)

    commit(ticket_update, ticket=ticket, actor=Actor.person(agent), changes={"team": team_b})
    assert _assignee(ticket) == b_agent.pk

    other = commit(factories.make_ticket, team=team_b, assignee=b_agent)
    AgentProfile.objects.filter(pk=b_agent.pk).update(capacity=0)
    commit(ticket_update, ticket=other, actor=Actor.person(b_agent), changes={"assignee": None})
    assert _assignee(other) is None  # unassigned, nobody with capacity: it waits
    assert TicketEvent.objects.filter(ticket=other, type="routing.decision").count() == 1


def test_solved_tickets_are_never_routed(team_a, make_agent, set_strategy, agent, commit):
    set_strategy(team_a, Strategy.ROUND_ROBIN)
    ticket = commit(factories.make_ticket, team=team_a, assignee=agent)
    commit(
        ticket_update,
        ticket=ticket,
        actor=Actor.person(agent),
        changes={"status": status_default("solved")},
    )
    make_agent()
    commit(ticket_update, ticket=ticket, actor=Actor.person(agent), changes={"assignee": None})
    assert _assignee(ticket) is None


def test_sweep_assigns_when_nothing_else_would(team_a, make_agent, set_strategy, commit):
    agent = make_agent(status=AgentStatus.OFFLINE)
    set_strategy(team_a, Strategy.ROUND_ROBIN)
    ticket = commit(factories.make_ticket, team=team_a)
    # Bypass the service (no on-commit routing): only the sweep can find it now.
    AgentProfile.objects.filter(pk=agent.pk).update(status=AgentStatus.ONLINE)

    assert routing_sweep() == 1
    assert _assignee(ticket) == agent.pk


def test_history_shows_candidates_scores_and_why_in_both_languages(
    team_a, make_agent, set_strategy, commit
):
    make_agent(name="Li Na")
    busy = make_agent(name="Wang Wei")
    set_strategy(team_a, Strategy.LEAST_LOAD)
    commit(factories.make_ticket, team=team_a)  # Li Na: both empty and never routed, lower id
    commit(factories.make_ticket, team=team_a, assignee=busy)
    ticket = commit(factories.make_ticket, team=team_a)
    event = TicketEvent.objects.get(ticket=ticket, type="routing.decision")

    with translation.override("en"):
        (row,) = event_rows([event], [])
        texts = {c.label: c.new for c in row.changes}
    assert row.verb == "routed the ticket"
    assert texts["Strategy"] == "Least open load"
    assert texts["Candidates"] == "1. Wang Wei — 80.0 · 1/5 open; 2. Li Na — 80.0 · 1/5 open"
    assert texts["Why"] == "Otherwise equal; Wang Wei has waited longest since a routed ticket."
    assert row.cause == "System: Routing: least_load"

    with translation.override("zh-hans"):
        (row,) = event_rows([event], [])
        texts = {c.label: c.new for c in row.changes}
    assert "策略" in texts and "最少未结工单" in texts["策略"]


def test_sweep_skips_a_team_where_nobody_is_free(team_a, make_agent, set_strategy, commit):
    make_agent(capacity=0)
    set_strategy(team_a, Strategy.SKILLS)
    commit(factories.make_ticket, team=team_a)
    before = TicketEvent.objects.count()
    assert routing_sweep() == 0
    assert TicketEvent.objects.count() == before
