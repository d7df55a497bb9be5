"""route_ticket end to end on the database: assignment, the decision event, waiting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from loopdesk.routing.constants import AgentStatus, Strategy
from loopdesk.routing.models import AgentProfile
from loopdesk.routing.services import route_ticket
from loopdesk.tickets.constants import CauseKind
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import TicketEvent
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


def _ticket(team):
    # Created while the team is manual, so the hook does not route it first.
    return factories.make_ticket(team=team)


def test_least_load_assigns_the_agent_with_fewer_open_tickets(team_a, make_agent, set_strategy):
    busy = make_agent(name="Busy")
    free = make_agent(name="Free")
    for _ in range(2):
        factories.make_ticket(team=team_a, assignee=busy)
    ticket = _ticket(team_a)
    set_strategy(team_a, Strategy.LEAST_LOAD)

    decision = route_ticket(ticket_id=ticket.pk)

    ticket.refresh_from_db()
    assert decision.assignee_id == free.pk == ticket.assignee_id
    assert decision.strategy == "least_load"
    assert not decision.waiting
    assert [c.agent_id for c in decision.candidates] == [free.pk, busy.pk]
    assigned = TicketEvent.objects.get(ticket=ticket, type="ticket.assigned")
    assert assigned.cause_kind == CauseKind.SYSTEM
    assert assigned.cause_ref == "Routing: least_load"
    decided = TicketEvent.objects.get(ticket=ticket, type="routing.decision")
    assert decided.changes["routing_strategy"] == [None, "least_load"]
    candidates = decided.changes["routing_candidates"][1]
    assert [(c["name"], c["rank"], c["open"]) for c in candidates] == [
        ("Free", 1, 0),
        ("Busy", 2, 2),
    ]
    assert decided.changes["routing_why"][1] == {
        "code": "fewer_open",
        "winner": "Free",
        "runner_up": "Busy",
        "a": "0/5",
        "b": "2/5",
    }
    assert AgentProfile.objects.get(pk=free.pk).last_assigned_at is not None


def test_nobody_available_waits_and_records_why(team_a, make_agent, set_strategy):
    make_agent(status=AgentStatus.AWAY)
    make_agent(status=AgentStatus.OFFLINE)
    full = make_agent(capacity=1)
    factories.make_ticket(team=team_a, assignee=full)
    ticket = _ticket(team_a)
    set_strategy(team_a, Strategy.ROUND_ROBIN)

    decision = route_ticket(ticket_id=ticket.pk)

    ticket.refresh_from_db()
    assert decision.waiting and decision.assignee_id is None and ticket.assignee_id is None
    event = TicketEvent.objects.get(ticket=ticket, type="routing.decision")
    assert event.changes["routing_why"] == [None, {"code": "none_available"}]
    assert event.changes["routing_excluded"] == [None, {"at_capacity": 1, "away": 1, "offline": 1}]


def test_rule_actor_keeps_its_reference(team_a, make_agent, set_strategy):
    agent = make_agent()
    ticket = _ticket(team_a)
    set_strategy(team_a, Strategy.ROUND_ROBIN)

    route_ticket(ticket_id=ticket.pk, actor=Actor.rule("Rule: VIP first"))

    event = TicketEvent.objects.get(ticket=ticket, type="ticket.assigned")
    assert event.cause_kind == CauseKind.RULE
    assert event.cause_ref == "Rule: VIP first · Routing: round_robin"
    assert event.changes["assignee"][1]["id"] == agent.pk


def test_team_id_moves_the_ticket_and_assigns_in_the_new_team(
    team_a, team_b, set_strategy, make_agent
):
    b_agent = make_agent(teams=[team_b])
    ticket = _ticket(team_a)
    set_strategy(team_b, Strategy.LEAST_LOAD)

    decision = route_ticket(ticket_id=ticket.pk, team_id=team_b.pk)

    ticket.refresh_from_db()
    assert (ticket.team_id, ticket.assignee_id) == (team_b.pk, b_agent.pk)
    assert decision.assignee_id == b_agent.pk


def test_assigned_solved_and_teamless_tickets_are_left_alone(
    team_a, make_agent, set_strategy, agent
):
    make_agent()
    set_strategy(team_a, Strategy.ROUND_ROBIN)
    assigned = factories.make_ticket(team=team_a, assignee=agent)
    teamless = factories.make_ticket()
    before = TicketEvent.objects.count()

    assert route_ticket(ticket_id=assigned.pk).assignee_id == agent.pk
    decision = route_ticket(ticket_id=teamless.pk)
    assert decision.assignee_id is None and not decision.waiting

    assert TicketEvent.objects.count() == before


def test_manual_team_assigns_nobody_and_records_nothing(team_a, make_agent):
    make_agent()
    ticket = _ticket(team_a)
    before = TicketEvent.objects.count()

    decision = route_ticket(ticket_id=ticket.pk)

    assert decision.strategy == "manual" and decision.assignee_id is None
    assert not decision.waiting
    assert TicketEvent.objects.count() == before


def test_round_robin_takes_turns(team_a, make_agent, set_strategy):
    first = make_agent(name="First")
    second = make_agent(name="Second")
    AgentProfile.objects.filter(pk=first.pk).update(last_assigned_at=timezone.now())
    AgentProfile.objects.filter(pk=second.pk).update(
        last_assigned_at=timezone.now() - timedelta(hours=1)
    )
    set_strategy(team_a, Strategy.ROUND_ROBIN)

    order = [route_ticket(ticket_id=_ticket(team_a).pk).assignee_id for _ in range(4)]

    assert order == [second.pk, first.pk, second.pk, first.pk]


@pytest.mark.parametrize("team_id", [987654, 2**70])
def test_unknown_team_is_not_found_and_changes_nothing(team_a, team_id):
    from loopdesk.core.exceptions import NotFound

    ticket = _ticket(team_a)
    before = TicketEvent.objects.count()
    with pytest.raises(NotFound):
        route_ticket(ticket_id=ticket.pk, team_id=team_id)
    for missing in (10**9, 2**70):
        with pytest.raises(NotFound):
            route_ticket(ticket_id=missing)
    ticket.refresh_from_db()
    assert ticket.team_id == team_a.pk and TicketEvent.objects.count() == before
