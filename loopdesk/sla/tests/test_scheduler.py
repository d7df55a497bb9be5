"""The scheduler tick: fires each warning and breach once, at the right moment, with the
policy as cause, and runs the escalation actions through the ticket services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection

from loopdesk.accounts.models import Notification, Role
from loopdesk.sla.constants import ClockState, Metric
from loopdesk.sla.models import TicketClock
from loopdesk.sla.services import scheduler
from loopdesk.sla.services.scheduler import sla_tick
from loopdesk.tickets.models import TicketEvent
from loopdesk.tickets.tests import factories

from .scheduler_helpers import NOW, make_clock, make_policy

pytestmark = pytest.mark.django_db


def sla_events(ticket, type_):
    return list(TicketEvent.objects.filter(ticket=ticket, type=type_).order_by("pk"))


def test_breach_fires_once_with_the_policy_as_cause(ticket):
    policy = make_policy(name="Gold")
    clock = make_clock(ticket, policy, due_in=timedelta(minutes=-1))

    result = sla_tick(now=NOW)
    assert (result.breaches, result.warnings) == (1, 0)
    [event] = sla_events(ticket, "sla.breached")
    assert event.cause_kind == "rule" and event.cause_ref == "SLA policy: Gold"
    assert event.changes["metric"] == [None, "first_response"]
    assert event.changes["due_at"] == [None, clock.due_at.isoformat()]
    clock.refresh_from_db()
    assert clock.breached and clock.breach_fired_at == NOW
    # A breach settles the warning that was never sent: no stale warning afterwards.
    assert clock.warning_fired_at == NOW
    assert sla_events(ticket, "sla.warning") == []

    again = sla_tick(now=NOW + timedelta(minutes=5))
    assert (again.breaches, again.warnings) == (0, 0)
    assert len(sla_events(ticket, "sla.breached")) == 1


def test_warning_then_breach_each_at_its_own_time(ticket):
    policy = make_policy()
    make_clock(ticket, policy, due_in=timedelta(minutes=30), warn_in=timedelta(minutes=10))

    assert sla_tick(now=NOW + timedelta(minutes=9)).warnings == 0
    assert sla_tick(now=NOW + timedelta(minutes=10)).warnings == 1
    assert sla_tick(now=NOW + timedelta(minutes=20)).warnings == 0
    assert sla_tick(now=NOW + timedelta(minutes=29)).breaches == 0
    assert sla_tick(now=NOW + timedelta(minutes=30)).breaches == 1
    assert len(sla_events(ticket, "sla.warning")) == 1
    assert len(sla_events(ticket, "sla.breached")) == 1


@pytest.mark.parametrize("state", [ClockState.PAUSED, ClockState.FULFILLED, ClockState.CANCELLED])
def test_clocks_that_do_not_run_never_fire(ticket, state):
    make_clock(ticket, make_policy(), due_in=timedelta(hours=-2), state=state)
    result = sla_tick(now=NOW)
    assert (result.breaches, result.warnings) == (0, 0)
    assert TicketClock.objects.get().breach_fired_at is None


def test_each_metric_and_cycle_fires_on_its_own(ticket):
    policy = make_policy()
    make_clock(ticket, policy, due_in=timedelta(minutes=-1), metric=Metric.RESOLUTION)
    make_clock(ticket, policy, due_in=timedelta(minutes=-1), metric=Metric.NEXT_RESPONSE, cycle=2)
    assert sla_tick(now=NOW).breaches == 2
    metrics = sorted(e.changes["metric"][1] for e in sla_events(ticket, "sla.breached"))
    assert metrics == ["next_response", "resolution"]


def test_batches_are_bounded_and_the_rest_fires_next_tick(team_a):
    policy = make_policy()
    for _ in range(5):
        make_clock(factories.make_ticket(team=team_a), policy, due_in=timedelta(minutes=-1))
    first = sla_tick(now=NOW, batch_size=2)
    assert first.breaches == 2 and first.full
    assert sla_tick(now=NOW, batch_size=2).breaches == 2
    last = sla_tick(now=NOW, batch_size=2)
    assert last.breaches == 1 and not last.full
    assert TicketEvent.objects.filter(type="sla.breached").count() == 5


def test_breach_actions_notify_raise_priority_set_team_add_tag(
    team_a, team_b, agent, supervisor, django_capture_on_commit_callbacks
):
    zh_agent = factories.make_user(role=Role.AGENT, teams=[team_a], language="zh-hans")
    ticket = factories.make_ticket(team=team_a, assignee=agent)
    policy = make_policy(
        name="VIP",
        escalation={
            "breach": [
                {"action": "notify", "to": "assignee"},
                {"action": "notify", "to": "supervisors"},
                {"action": "notify", "to": "team"},
                {"action": "raise_priority"},
                {"action": "add_tag", "tag": "SLA-Breach"},
                {"action": "set_team", "team": team_b.pk},
            ]
        },
    )
    make_clock(ticket, policy, due_in=timedelta(minutes=-1))
    with django_capture_on_commit_callbacks(execute=True):
        result = sla_tick(now=NOW)
    assert result.breaches == 1 and result.action_errors == []

    ticket.refresh_from_db()
    assert ticket.priority == 2  # P3 → P2
    assert ticket.team == team_b
    assert list(ticket.tags.values_list("name", flat=True)) == ["sla-breach"]
    for type_ in ("ticket.priority_changed", "ticket.tags_changed", "ticket.team_changed"):
        [event] = sla_events(ticket, type_)
        assert (event.cause_kind, event.cause_ref) == ("rule", "SLA policy: VIP")

    notified = {n.user_id: n for n in Notification.objects.filter(kind="sla.breached")}
    # assignee and team overlap (the agent is in team A): one notification each.
    assert set(notified) == {agent.pk, supervisor.pk, zh_agent.pk}
    assert f"#{ticket.number}" in notified[agent.pk].text
    assert "breached" in notified[agent.pk].text
    assert "超时" in notified[zh_agent.pk].text
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [agent.email, supervisor.email, zh_agent.email]
    )
    zh_mail = next(m for m in mail.outbox if m.to == [zh_agent.email])
    assert "超时" in zh_mail.subject and f"/tickets/{ticket.number}/" in zh_mail.body


def test_warning_actions_are_separate_from_breach_actions(ticket, agent):
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])
    policy = make_policy(
        escalation={
            "warning": [{"action": "notify", "to": "assignee"}],
            "breach": [{"action": "raise_priority"}],
        }
    )
    make_clock(ticket, policy, due_in=timedelta(minutes=30), warn_in=timedelta(minutes=-1))
    assert sla_tick(now=NOW).warnings == 1
    ticket.refresh_from_db()
    assert ticket.priority == 3
    [note] = Notification.objects.all()
    assert note.kind == "sla.warning" and note.user == agent and "close to" in note.text


def test_a_failing_action_is_reported_and_the_others_still_run(ticket):
    ticket.priority = 1
    ticket.save(update_fields=["priority"])
    policy = make_policy(
        escalation={
            "breach": [
                {"action": "set_team", "team": 999999},
                {"action": "set_team", "team": "abc"},
                {"action": "notify", "to": ["everyone"]},
                "not an action",
                {"action": "teleport"},
                {"action": "raise_priority"},  # already P1: nothing to raise
                {"action": "add_tag", "tag": "late"},
            ]
        }
    )
    make_clock(ticket, policy, due_in=timedelta(minutes=-1))
    result = sla_tick(now=NOW)
    assert result.breaches == 1
    assert len(result.action_errors) == 4
    ticket.refresh_from_db()
    assert ticket.priority == 1
    assert list(ticket.tags.values_list("name", flat=True)) == ["late"]
    assert len(sla_events(ticket, "sla.breached")) == 1
    assert sla_events(ticket, "ticket.priority_changed") == []


def test_a_crash_mid_tick_rolls_back_the_claim_and_a_rerun_fires_once(ticket, monkeypatch):
    policy = make_policy(escalation={"breach": [{"action": "add_tag", "tag": "late"}]})
    make_clock(ticket, policy, due_in=timedelta(minutes=-1))

    def crash(**kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(scheduler, "ticket_update", crash)
    with pytest.raises(RuntimeError):
        sla_tick(now=NOW)
    assert TicketClock.objects.get().breach_fired_at is None
    assert sla_events(ticket, "sla.breached") == []

    monkeypatch.undo()
    assert sla_tick(now=NOW).breaches == 1
    assert sla_tick(now=NOW).breaches == 0
    assert len(sla_events(ticket, "sla.breached")) == 1
    assert len(sla_events(ticket, "ticket.tags_changed")) == 1


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A handful of test rows: make the planner show what it does at scale.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(col) for row in cursor.fetchall() for col in row)


@pytest.mark.parametrize(
    ("kind", "index"), [("breach", "clock_due_pending"), ("warning", "clock_warn_pending")]
)
def test_due_clocks_are_found_through_the_partial_index(ticket, kind, index):
    make_clock(ticket, make_policy(), due_in=timedelta(minutes=-1))
    qs = scheduler._candidates(kind, NOW, 100)
    sql, params = qs.query.sql_with_params()
    assert index in _plan(sql, params)


def test_a_tick_costs_the_same_queries_for_5_or_40_due_clocks(team_a, agent):
    from django.test.utils import CaptureQueriesContext

    policy = make_policy(escalation={"breach": [{"action": "notify", "to": "team"}]})

    def due(n):
        for _ in range(n):
            make_clock(
                factories.make_ticket(team=team_a, assignee=agent),
                policy,
                due_in=timedelta(minutes=-1),
            )
        with CaptureQueriesContext(connection) as ctx:
            result = sla_tick(now=NOW)
        assert result.breaches == n
        return len(ctx.captured_queries)

    assert due(5) == due(40)
    assert Notification.objects.count() == 45


def test_record_many_takes_sla_events_only(ticket):
    from loopdesk.tickets import events
    from loopdesk.tickets.events import Actor

    with pytest.raises(ValueError, match="sla"):
        events.record_many(items=[(ticket, "ticket.priority_changed", Actor.system("x"), {})])
