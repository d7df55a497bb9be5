"""The scheduler on clocks the real projection made from ticket events (engineer B's
sla_apply_events): warning and breach fire once, escalation changes are folded back into
the clocks without re-arming them, and a late reply keeps the breach as the result."""

from datetime import timedelta

import pytest
from django.db.models import F

from loopdesk.sla.constants import ClockState, Metric
from loopdesk.sla.models import SlaPolicy, SlaTarget, TicketClock
from loopdesk.sla.services.clocks import sla_recompute
from loopdesk.sla.services.scheduler import sla_tick
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket, TicketEvent
from loopdesk.tickets.services import message_add
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(db):
    policy = SlaPolicy.objects.create(
        name="Standard",
        warn_at_percent=50,
        escalation={
            "warning": [{"action": "notify", "to": "assignee"}],
            "breach": [{"action": "raise_priority"}, {"action": "add_tag", "tag": "sla-breach"}],
        },
    )
    for priority, minutes in ((3, 60), (2, 30)):
        SlaTarget.objects.create(
            policy=policy,
            metric=Metric.FIRST_RESPONSE,
            priority=priority,
            minutes=minutes,
            business_hours=False,
        )
    return policy


def types(ticket) -> list[str]:
    return list(
        TicketEvent.objects.filter(ticket=ticket).order_by("pk").values_list("type", flat=True)
    )


def _created_ago(ticket, delta: timedelta) -> None:
    """Backdate the ticket's history and refold it, as an import would."""
    TicketEvent.objects.filter(ticket=ticket).update(created_at=F("created_at") - delta)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=F("created_at") - delta)
    sla_recompute(ticket=ticket)


def test_projected_clock_warns_breaches_escalates_once(policy, team_a, agent):
    ticket = factories.make_ticket(team=team_a, assignee=agent)
    _created_ago(ticket, timedelta(minutes=90))
    clock = TicketClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert clock.state == ClockState.RUNNING and clock.policy == policy
    assert clock.due_at - clock.started_at == timedelta(minutes=60)
    assert clock.warn_at - clock.started_at == timedelta(minutes=30)

    assert sla_tick(now=clock.warn_at - timedelta(seconds=1)).warnings == 0
    assert sla_tick(now=clock.warn_at).warnings == 1
    breach = sla_tick(now=clock.due_at)
    assert breach.breaches == 1 and breach.action_errors == []

    ticket.refresh_from_db()
    assert ticket.priority == 2
    clock.refresh_from_db()
    # Raised to P2, the tighter target applies from the original start (B's re-evaluation);
    # the breach stays recorded and is not armed again by the new due time.
    assert clock.due_at - clock.started_at == timedelta(minutes=30)
    assert clock.breached and clock.breach_fired_at is not None
    later = sla_tick()
    assert (later.breaches, later.warnings) == (0, 0)
    assert types(ticket).count("sla.breached") == 1
    assert types(ticket).count("sla.warning") == 1
    [raised] = TicketEvent.objects.filter(ticket=ticket, type="ticket.priority_changed")
    assert raised.cause_ref == "SLA policy: Standard"

    message_add(
        ticket=ticket,
        actor=Actor.person(agent),
        kind="reply",
        author_user=agent,
        body_text="Sorry for the wait.",
    )
    clock.refresh_from_db()
    assert clock.state == ClockState.FULFILLED and clock.breached
    assert sla_tick().breaches == 0
    assert types(ticket).count("sla.breached") == 1


def test_a_reply_in_time_means_nothing_fires(policy, team_a, agent):
    ticket = factories.make_ticket(team=team_a, assignee=agent)
    message_add(
        ticket=ticket, actor=Actor.person(agent), kind="reply", author_user=agent, body_text="Hi"
    )
    clock = TicketClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert clock.state == ClockState.FULFILLED and not clock.breached
    result = sla_tick(now=clock.started_at + timedelta(days=1))
    assert (result.breaches, result.warnings) == (0, 0)
    assert "sla.breached" not in types(ticket)
