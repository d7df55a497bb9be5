"""ticket_visible_to (one ticket read by number, scope checked in Python) must agree with
TicketQuerySet.visible_to (the SQL scope of every list) for every role and placement."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from loopdesk.accounts.models import Role
from loopdesk.core.exceptions import NotFound
from loopdesk.tickets import selectors
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.models.managers import reset_scope_sizes, ticket_visible_to
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


def _people(team_a, team_b):
    make = factories.make_user
    inactive = make(role=Role.AGENT, teams=[team_a], email="gone@loopdesk.test")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    return {
        "admin": make(role=Role.ADMIN, email="admin@loopdesk.test"),
        "supervisor": make(role=Role.SUPERVISOR, teams=[team_a], email="sup@loopdesk.test"),
        "agent": make(role=Role.AGENT, teams=[team_a], email="a@loopdesk.test"),
        "agent_two_teams": make(role=Role.AGENT, teams=[team_a, team_b], email="ab@loopdesk.test"),
        "agent_no_team": make(role=Role.AGENT, email="none@loopdesk.test"),
        "technician": make(role=Role.TECHNICIAN, email="tech@loopdesk.test"),
        "inactive": inactive,
    }


def test_the_python_rule_equals_the_sql_scope(team_a, team_b):
    people = _people(team_a, team_b)
    assignees = [None, *people.values()]
    tickets = []
    for team, assignee in itertools.product([None, team_a, team_b], assignees):
        ticket = factories.make_ticket(subject="scope")
        Ticket.objects.filter(pk=ticket.pk).update(team=team, assignee=assignee)
        tickets.append(Ticket.objects.get(pk=ticket.pk))
    viewers = [*people.values(), AnonymousUser(), None]
    for viewer, sorted_page in itertools.product(viewers, [True, False]):
        reset_scope_sizes()
        in_sql = set(
            Ticket.objects.visible_to(viewer, for_sorted_page=sorted_page).values_list(
                "pk", flat=True
            )
        )
        for ticket in tickets:
            in_python = ticket_visible_to(
                viewer, assignee_id=ticket.assignee_id, team_id=ticket.team_id
            )
            assert in_python == (ticket.pk in in_sql), (viewer, ticket.team, ticket.assignee)


def test_ticket_page_read_is_404_outside_the_scope(team_a, team_b):
    people = _people(team_a, team_b)
    ours = factories.make_ticket(team=team_a, subject="ours")
    theirs = factories.make_ticket(team=team_b, subject="theirs")
    found = selectors.ticket_get_for_page(user=people["agent"], number=ours.number)
    assert found.pk == ours.pk and found.team.name == team_a.name  # relations loaded
    with pytest.raises(NotFound):
        selectors.ticket_get_for_page(user=people["agent"], number=theirs.number)
    for number in [0, -1, 2**63, 10**30, theirs.number + 10_000, "1", None]:
        with pytest.raises(NotFound):
            selectors.ticket_get_for_page(user=people["admin"], number=number)
