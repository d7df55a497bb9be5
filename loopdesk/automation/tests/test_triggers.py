"""Triggers through the ticket hooks: events, conditions, order, stop, loop guard."""

import pytest

from loopdesk.automation.constants import Outcome
from loopdesk.automation.models import RuleExecution
from loopdesk.channels.intake import InboundMessage, SenderIdentity, intake_message
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import TicketEvent
from loopdesk.tickets.services import message_add, ticket_update
from loopdesk.tickets.tests import factories

from .helpers import trigger

pytestmark = pytest.mark.django_db


def _mail(commit, subject, text="hello", email="buyer@example.com"):
    with commit():
        result = intake_message(
            InboundMessage(
                channel="email",
                subject=subject,
                text=text,
                sender=SenderIdentity(kind="email", value=email, name="Buyer"),
            )
        )
    return result.ticket


def test_invoice_mail_goes_to_finance(admin, commit):
    # given the rule "Mail containing 发票 or invoice goes to the Finance team"
    finance = factories.make_team("Finance")
    trigger(
        admin,
        "Invoices to Finance",
        events=["created"],
        all=[{"field": "channel", "op": "is", "value": "email"}],
        any=[
            {"field": "subject_or_message", "op": "contains", "value": "发票"},
            {"field": "subject_or_message", "op": "contains", "value": "invoice"},
        ],
        actions=[{"type": "assign_team", "team_id": finance.pk}],
    )
    # when mails arrive through intake
    chinese = _mail(commit, "请开具发票", "订单 123")
    english = _mail(commit, "Question", "Please send the INVOICE for order 9")
    other = _mail(commit, "Printer broken", "It jams")
    # then
    chinese.refresh_from_db()
    english.refresh_from_db()
    other.refresh_from_db()
    assert chinese.team_id == finance.pk
    assert english.team_id == finance.pk
    assert other.team_id is None
    event = TicketEvent.objects.get(ticket=chinese, type="ticket.team_changed")
    assert event.cause_kind == "rule" and event.cause_ref == "Rule: Invoices to Finance"
    applied = TicketEvent.objects.get(ticket=chinese, type="automation.rule_applied")
    assert applied.changes["rule"][1]["name"] == "Invoices to Finance"
    assert "team" in applied.changes["actions"][1]
    assert RuleExecution.objects.filter(outcome=Outcome.APPLIED).count() == 2


def test_order_and_stop_processing(admin, commit):
    trigger(
        admin,
        "first",
        events=["created"],
        actions=[{"type": "add_tags", "tags": ["one"]}],
        order=1,
        stop_processing=True,
    )
    trigger(
        admin,
        "second",
        events=["created"],
        actions=[{"type": "add_tags", "tags": ["two"]}],
        order=2,
    )
    ticket = _mail(commit, "Hi")
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["one"]


def test_later_rules_see_earlier_changes(admin, commit):
    trigger(
        admin,
        "p1",
        events=["created"],
        actions=[{"type": "set_field", "field": "priority", "value": 1}],
        order=1,
    )
    trigger(
        admin,
        "urgent tag",
        events=["created"],
        all=[{"field": "priority", "op": "is", "value": 1}],
        actions=[{"type": "add_tags", "tags": ["urgent"]}],
        order=2,
    )
    ticket = _mail(commit, "Hi")
    assert list(ticket.tags.values_list("name", flat=True)) == ["urgent"]


def test_loop_guard_two_rules_ping_pong(admin, settings, commit):
    # Rule A sets P1 when priority changes to P2; rule B sets P2 when it changes to P1.
    settings.LOOPDESK_AUTOMATION_HOURLY_CAP = 5
    trigger(
        admin,
        "A",
        events=["field_changed"],
        all=[{"field": "priority", "op": "changed_to", "value": 2}],
        actions=[{"type": "set_field", "field": "priority", "value": 1}],
    )
    trigger(
        admin,
        "B",
        events=["field_changed"],
        all=[{"field": "priority", "op": "changed_to", "value": 1}],
        actions=[{"type": "set_field", "field": "priority", "value": 2}],
    )
    with commit():
        ticket = factories.make_ticket()
    with commit():
        ticket_update(ticket=ticket, actor=Actor.person(admin), changes={"priority": 2})
    # A fires (P1), B fires on A's change (P2), A may not fire again in this chain.
    ticket.refresh_from_db()
    assert ticket.priority == 2
    names = list(
        RuleExecution.objects.filter(ticket=ticket)
        .order_by("pk")
        .values_list("rule__name", flat=True)
    )
    assert names == ["A", "B"]


def test_rule_does_not_react_to_its_own_change(admin, commit):
    trigger(
        admin,
        "bump",
        events=["updated"],
        all=[{"field": "priority", "op": "greater_than", "value": 1}],
        actions=[
            {"type": "set_field", "field": "priority", "value": 1},
            {"type": "add_tags", "tags": ["x"]},
        ],
    )
    with commit():
        ticket = factories.make_ticket()
    with commit():
        ticket_update(ticket=ticket, actor=Actor.person(admin), changes={"type": "incident"})
    with commit():
        ticket_update(ticket=ticket, actor=Actor.person(admin), changes={"priority": 4})
    assert RuleExecution.objects.filter(ticket=ticket).count() == 2  # once per person change


def test_hourly_cap_alerts(admin, settings, commit):
    settings.LOOPDESK_AUTOMATION_HOURLY_CAP = 2
    trigger(
        admin,
        "note every reply",
        events=["customer_replied"],
        actions=[{"type": "add_tags", "tags": ["seen"]}],
    )
    with commit():
        ticket = factories.make_intake().ticket
    for i in range(3):
        with commit():
            message_add(
                ticket=ticket,
                actor=Actor.channel("email", contact=ticket.contact),
                kind="reply",
                body_text=f"again {i}",
                author_contact=ticket.contact,
            )
    outcomes = list(
        RuleExecution.objects.filter(ticket=ticket).order_by("pk").values_list("outcome", flat=True)
    )
    assert outcomes == ["applied", "applied", "capped", "capped"]
    assert TicketEvent.objects.filter(ticket=ticket, type="automation.loop_capped").count() == 1


def test_failed_action_changes_nothing_and_is_logged(admin, commit):
    trigger(
        admin,
        "assign outsider",
        events=["created"],
        actions=[
            {"type": "set_field", "field": "priority", "value": 1},
            {
                "type": "assign_agent",
                "user_id": factories.make_user(teams=[factories.make_team()]).pk,
            },
        ],
    )
    team = factories.make_team()
    with commit():
        ticket = factories.make_ticket(team=team)
    ticket.refresh_from_db()
    assert ticket.priority == 3 and ticket.assignee_id is None
    execution = RuleExecution.objects.get(ticket=ticket)
    assert execution.outcome == "failed" and "not a member" in execution.error


def _fire(kind, ticket, admin, commit):
    from loopdesk.tickets import events
    from loopdesk.tickets.models import TicketEventType

    with commit():
        if kind == "updated":
            ticket_update(ticket=ticket, actor=Actor.person(admin), changes={"type": "incident"})
        elif kind == "field_changed":
            ticket_update(ticket=ticket, actor=Actor.person(admin), changes={"priority": 2})
        elif kind == "customer_replied":
            message_add(
                ticket=ticket,
                actor=Actor.channel("email", contact=ticket.contact),
                kind="reply",
                body_text="more",
                author_contact=ticket.contact,
            )
        elif kind == "agent_replied":
            message_add(
                ticket=ticket,
                actor=Actor.person(admin),
                kind="reply",
                body_text="ok",
                author_user=admin,
            )
        else:  # the SLA scheduler's events, dispatched like any other
            type_ = (
                TicketEventType.SLA_WARNING
                if kind == "sla_warning"
                else TicketEventType.SLA_BREACHED
            )
            events.record(
                ticket=ticket,
                type=type_,
                actor=Actor.rule("SLA policy: Standard"),
                changes={"metric": [None, "first_response"]},
            )


@pytest.mark.parametrize(
    "kind",
    ["updated", "field_changed", "customer_replied", "agent_replied", "sla_warning", "sla_breach"],
)
def test_each_event_kind_fires_only_its_triggers(admin, commit, kind):
    conditions = (
        [{"field": "priority", "op": "changed_to", "value": 2}] if kind == "field_changed" else []
    )
    trigger(
        admin,
        f"on {kind}",
        events=[kind],
        all=conditions,
        actions=[{"type": "add_tags", "tags": [kind]}],
    )
    other = "agent_replied" if kind == "customer_replied" else "customer_replied"
    trigger(admin, f"on {other}", events=[other], actions=[{"type": "add_tags", "tags": ["wrong"]}])
    with commit():
        ticket = factories.make_ticket()
    ticket.tags.clear()  # the ticket's own creation is not under test
    _fire(kind, ticket, admin, commit)
    assert list(ticket.tags.values_list("name", flat=True)) == [kind]
