"""Policy services: which policy a ticket gets (tier, organisation, type), what a policy
change does to open tickets, and validation that saves nothing half-way."""

import pytest

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.services import contact_create, organization_create
from loopdesk.sla.models import SlaPolicy, SlaTarget, TicketClock, TicketSla
from loopdesk.sla.services.clocks import sla_recompute
from loopdesk.sla.services.policies import (
    TargetSpec,
    sla_policy_create,
    sla_policy_delete,
    sla_policy_update,
)
from loopdesk.tickets.events import Actor
from loopdesk.tickets.services import ticket_update
from loopdesk.tickets.tests.factories import make_ticket

QUICK = [TargetSpec("first_response", 15, None, False)]
SLOW = [TargetSpec("first_response", 240, None, False)]


@pytest.fixture
def policies(db):
    vip = sla_policy_create(name="VIP", order=0, conditions={"tier": ["vip"]}, targets=QUICK)
    repair = sla_policy_create(
        name="Repairs", order=1, conditions={"type": ["repair"]}, targets=QUICK
    )
    default = sla_policy_create(name="Default", order=2, targets=SLOW)
    return vip, repair, default


def policy_of(ticket) -> str | None:
    sla = TicketSla.objects.select_related("policy").get(ticket=ticket)
    return sla.policy.name if sla.policy else None


def test_vip_contact_or_vip_organisation_gets_the_vip_policy(policies, team_a):
    org = organization_create(name="Big Co", tier="vip")
    staff = contact_create(name="Li", identities=[("email", "li@big.example")], organization=org)
    vip = contact_create(name="Wang", identities=[("email", "w@x.example")], tier="vip")
    plain = contact_create(name="Zhao", identities=[("email", "z@x.example")])
    assert policy_of(make_ticket(team=team_a, contact=staff)) == "VIP"
    assert policy_of(make_ticket(team=team_a, contact=vip)) == "VIP"
    assert policy_of(make_ticket(team=team_a, contact=plain)) == "Default"


def test_type_change_rematches_and_targets_from_the_start(policies, team_a, agent):
    ticket = make_ticket(team=team_a)
    clock = TicketClock.objects.get(ticket=ticket, metric="first_response")
    assert clock.target_minutes == 240
    ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"type": "repair"})
    clock.refresh_from_db()
    assert policy_of(ticket) == "Repairs" and clock.target_minutes == 15
    assert (clock.due_at - clock.started_at).total_seconds() == 15 * 60
    applied = ticket.events.filter(type="sla.policy_applied").order_by("pk")
    assert [e.changes["policy"][1]["name"] for e in applied] == ["Default", "Repairs"]
    assert applied.last().cause_kind == "rule"


def test_policy_change_reaches_open_tickets_on_recompute(policies, team_a):
    ticket = make_ticket(team=team_a)
    _, _, default = policies
    sla_policy_update(policy=default, changes={"targets": [TargetSpec("resolution", 60)]})
    sla_recompute(ticket=ticket)
    states = dict(TicketClock.objects.filter(ticket=ticket).values_list("metric", "state"))
    assert states == {"first_response": "cancelled", "resolution": "running"}


def test_deactivating_every_policy_cancels_the_clocks_at_the_next_event(policies, team_a, agent):
    ticket = make_ticket(team=team_a)
    SlaPolicy.objects.update(is_active=False)
    ticket_update(ticket=ticket, actor=Actor.person(agent), changes={"priority": 2})
    assert policy_of(ticket) is None
    assert set(TicketClock.objects.filter(ticket=ticket).values_list("state", flat=True)) == {
        "cancelled"
    }


def test_delete_keeps_clock_results(policies, team_a):
    ticket = make_ticket(team=team_a)
    _, _, default = policies
    sla_policy_delete(policy=default)
    clock = TicketClock.objects.get(ticket=ticket, metric="first_response")
    assert clock.policy is None and clock.target_minutes == 240


@pytest.mark.parametrize(
    "changes",
    [
        {"targets": []},
        {"targets": [TargetSpec("resolution", 10), TargetSpec("resolution", 20)]},
        {"conditions": {"priority": [1], "colour": ["red"]}},
        {"warn_at_percent": 0},
        {"name": " "},
        {"frobnicate": 1},
    ],
)
def test_invalid_update_changes_nothing(policies, changes):
    _, _, default = policies
    with pytest.raises(ValidationFailed):
        sla_policy_update(policy=default, changes={"order": 9, **changes})
    default.refresh_from_db()
    assert default.order == 2 and default.name == "Default"
    assert list(SlaTarget.objects.filter(policy=default).values_list("minutes", flat=True)) == [240]


def test_new_policy_reaches_open_tickets_with_the_recompute_command(team_a, agent):
    from django.core.management import call_command

    from loopdesk.tickets.services.lifecycle import status_default

    ticket = make_ticket(team=team_a)
    solved = make_ticket(team=team_a)
    ticket_update(
        ticket=solved, actor=Actor.person(agent), changes={"status": status_default("solved")}
    )
    assert not TicketClock.objects.exists()  # no policy yet
    sla_policy_create(name="Late arrival", targets=SLOW)
    call_command("sla_recompute")
    clock = TicketClock.objects.get(metric="first_response")
    created = ticket.events.get(type="ticket.created").created_at
    assert clock.ticket == ticket and clock.started_at == created
    assert not TicketClock.objects.filter(ticket=solved).exists()  # closed history stays
