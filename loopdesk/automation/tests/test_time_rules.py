"""Time rules: indexed due times, minute precision, once per window; the VIP acceptance
case end to end through the worker's tick."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from loopdesk.accounts.models import Notification, Role
from loopdesk.automation.models import RuleDue, RuleExecution
from loopdesk.automation.timerules import automation_scheduler_loop, automation_tick
from loopdesk.customers.services import contact_update
from loopdesk.sla.services.calendars import WeeklyInterval, calendar_create
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket, TicketEvent
from loopdesk.tickets.services import message_add
from loopdesk.tickets.tests import factories

from .helpers import time_rule

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """November 2026 in Shanghai: the 20th is a Friday, the 23rd a Monday."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SH)


def tick(commit, *, now: datetime):
    """One scheduler tick, with what its executions leave for after the commit."""
    with commit():
        return automation_tick(now=now)


def backdate(ticket, when: datetime) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=when, updated_at=when, last_customer_message_at=when
    )


def test_due_at_10_02_fires_by_10_03_and_only_once(admin, commit):
    with commit():
        ticket = factories.make_ticket()
    backdate(ticket, at(23, 8, 2))
    with commit():
        rule = time_rule(
            admin,
            "two hours old",
            all=[{"field": "hours_since_created", "op": "greater_than", "value": 2}],
            actions=[{"type": "add_tags", "tags": ["old"]}],
        )
    due = RuleDue.objects.get(rule=rule, ticket=ticket)
    assert due.due_at == at(23, 10, 2)
    assert tick(commit, now=at(23, 10, 1, 59)).fired == 0
    assert tick(commit, now=at(23, 10, 2, 30)).fired == 1
    assert tick(commit, now=at(23, 10, 3)).fired == 0
    assert tick(commit, now=at(23, 12, 0)).fired == 0
    assert list(ticket.tags.values_list("name", flat=True)) == ["old"]
    assert RuleExecution.objects.filter(rule=rule, ticket=ticket).count() == 1
    # The rule's own change (tags) refreshed the row but kept the window fired.
    assert RuleDue.objects.get(rule=rule, ticket=ticket).fired_at == at(23, 10, 2, 30)


def test_scheduler_reads_only_due_rows(admin, django_assert_max_num_queries, commit):
    for _ in range(3):
        with commit():
            backdate(factories.make_ticket(), at(23, 8, 0))
    with commit():
        time_rule(
            admin,
            "old",
            all=[{"field": "hours_since_created", "op": "greater_than", "value": 5}],
            actions=[{"type": "add_tags", "tags": ["old"]}],
        )
    assert RuleDue.objects.count() == 3
    with django_assert_max_num_queries(1):  # nothing due: one indexed query, no ticket scan
        assert tick(commit, now=at(23, 12, 59)).checked == 0


def test_new_window_after_agent_reply(admin, agent, commit):
    with commit():
        ticket = factories.make_ticket()
    backdate(ticket, at(23, 8, 0))
    with commit():
        rule = time_rule(
            admin,
            "no reply 1h",
            all=[{"field": "hours_since_last_agent_reply", "op": "greater_than", "value": 1}],
            actions=[{"type": "add_tags", "tags": ["waiting"]}],
        )
    assert tick(commit, now=at(23, 9, 0)).fired == 1
    with commit():
        message_add(
            ticket=ticket,
            actor=Actor.person(agent),
            kind="reply",
            body_text="On it",
            author_user=agent,
        )
    row = RuleDue.objects.get(rule=rule, ticket=ticket)
    assert row.fired_at is None and row.claimed_at is None  # a new window opened
    ticket.refresh_from_db()
    assert row.due_at == ticket.last_agent_message_at + timedelta(hours=1)


def test_conditions_false_at_due_time_rearm_on_change(admin, commit):
    with commit():
        ticket = factories.make_ticket()
    backdate(ticket, at(23, 8, 0))
    with commit():
        rule = time_rule(
            admin,
            "old vip",
            all=[
                {"field": "hours_since_created", "op": "greater_than", "value": 1},
                {"field": "customer_vip", "op": "is", "value": True},
            ],
            actions=[{"type": "add_tags", "tags": ["vip-old"]}],
        )
    assert tick(commit, now=at(23, 9, 30)).fired == 0  # not VIP: checked, not fired
    contact_update(contact=ticket.contact, tier="vip")
    from loopdesk.tickets.services import ticket_update

    with commit():
        ticket_update(ticket=ticket, actor=Actor.system("test"), changes={"type": "incident"})
    assert RuleDue.objects.get(rule=rule).claimed_at is None
    assert tick(commit, now=at(23, 9, 31)).fired == 1


def test_vip_acceptance_case_through_the_worker(admin, settings, commit):
    """ "When a VIP customer's ticket has had no agent reply for 2 business hours, notify
    the team supervisor and raise its priority to P1.\""""
    calendar_create(
        name="China support",
        timezone="Asia/Shanghai",
        intervals=[WeeklyInterval(weekday=d, start=time(9), end=time(18)) for d in range(5)],
    )
    settings.LOOPDESK_AUTOMATION_CALENDAR = "China support"
    support = factories.make_team("Support")
    boss = factories.make_user(role=Role.SUPERVISOR, teams=[support], email="boss@loopdesk.test")
    other_boss = factories.make_user(role=Role.SUPERVISOR, teams=[factories.make_team()])
    vip = factories.make_contact(email="vip@example.com", name="Ms Wang")
    contact_update(contact=vip, tier="vip")
    with commit():
        vip_ticket = factories.make_ticket(team=support, contact=vip, subject="Line down")
    with commit():
        plain_ticket = factories.make_ticket(team=support, subject="Line down too")
    # Friday 17:00: one business hour left that day, the second on Monday 09:00–10:00.
    backdate(vip_ticket, at(20, 17, 0))
    backdate(plain_ticket, at(20, 17, 0))
    with commit():
        time_rule(
            admin,
            "VIP waiting",
            all=[
                {"field": "customer_vip", "op": "is", "value": True},
                {
                    "field": "hours_since_last_agent_reply",
                    "op": "greater_than",
                    "value": 2,
                    "business_hours": True,
                },
                {"field": "status_category", "op": "in_list", "value": ["new", "open"]},
            ],
            actions=[{"type": "escalate"}, {"type": "set_field", "field": "priority", "value": 1}],
        )
    assert RuleDue.objects.get(ticket=vip_ticket).due_at == at(23, 10, 0)
    mail.outbox.clear()
    # The worker's scheduler: at Saturday noon and Monday 09:59 nothing is due yet.
    assert tick(commit, now=at(21, 12, 0)).fired == 0
    assert tick(commit, now=at(23, 9, 59)).fired == 0
    result = tick(commit, now=at(23, 10, 0, 30))
    assert result.fired == 1
    vip_ticket.refresh_from_db()
    plain_ticket.refresh_from_db()
    assert vip_ticket.priority == 1 and plain_ticket.priority == 3
    notes = Notification.objects.filter(ticket=vip_ticket, kind="automation.escalated")
    assert [n.user for n in notes] == [boss]
    assert not Notification.objects.filter(user=other_boss).exists()
    assert [m.to for m in mail.outbox] == [["boss@loopdesk.test"]]
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"
    history = TicketEvent.objects.filter(ticket=vip_ticket).order_by("pk")
    priority = history.get(type="ticket.priority_changed")
    assert priority.cause_ref == "Rule: VIP waiting" and priority.changes["priority"] == [3, 1]
    assert history.filter(type="automation.rule_applied").count() == 1
    # Once per window: later ticks do nothing more.
    assert tick(commit, now=at(23, 15, 0)).fired == 0


def test_worker_loop_ticks(admin, commit, monkeypatch):
    # The loop closes stale connections between ticks; the test's own must stay open.
    monkeypatch.setattr("django.db.close_old_connections", lambda: None)
    with commit():
        ticket = factories.make_ticket()
    with commit():
        time_rule(
            admin,
            "at once",
            all=[{"field": "hours_since_created", "op": "greater_than", "value": 0}],
            actions=[{"type": "add_tags", "tags": ["seen-by-worker"]}],
        )
    with commit():
        automation_scheduler_loop(once=True)
    assert list(ticket.tags.values_list("name", flat=True)) == ["seen-by-worker"]
