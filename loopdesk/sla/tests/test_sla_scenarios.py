"""SLA scenarios through the real services and the API.

Events get the real clock's time when written; to play a scenario at chosen instants each
step's new events are moved to that instant (as an import or the demo would) and the SLA is
recomputed from the log — which is itself the property under test: the state is a pure
function of the event log."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from loopdesk.accounts.models import ApiScope
from loopdesk.accounts.services import api_key_create
from loopdesk.sla.models import TicketClock, TicketSla
from loopdesk.sla.services.calendars import (
    WeeklyInterval,
    calendar_create,
    calendar_load_china_preset,
)
from loopdesk.sla.services.clocks import sla_recompute
from loopdesk.sla.services.policies import TargetSpec, sla_policy_create
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import TicketEvent
from loopdesk.tickets.services import message_add, ticket_update
from loopdesk.tickets.services.lifecycle import status_default
from loopdesk.tickets.tests.factories import make_ticket
from tests.api.conftest import ApiClient

SH = ZoneInfo("Asia/Shanghai")


def sh(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def china(db):
    calendar = calendar_create(
        name="China office",
        timezone="Asia/Shanghai",
        intervals=[WeeklyInterval(weekday=d, start=time(9), end=time(18)) for d in range(5)],
    )
    calendar_load_china_preset(calendar=calendar, year=2026)
    return calendar


@pytest.fixture
def policy(china):
    return sla_policy_create(
        name="China standard",
        calendar=china,
        targets=[
            TargetSpec("first_response", 120, 1),
            TargetSpec("first_response", 8 * 60, None),
            TargetSpec("next_response", 4 * 60, None),
            TargetSpec("resolution", 9 * 60, 1),
            TargetSpec("resolution", 5 * 9 * 60, None),
        ],
    )


class Play:
    """Runs service calls and moves the events they wrote to a chosen instant."""

    def __init__(self, ticket) -> None:
        self.ticket = ticket
        self.last = 0

    def at(self, when: datetime) -> "Play":
        new = TicketEvent.objects.filter(ticket=self.ticket, pk__gt=self.last)
        self.last = max(new.values_list("pk", flat=True), default=self.last)
        new.update(created_at=when)
        sla_recompute(ticket=self.ticket)
        self.ticket.refresh_from_db()
        return self

    def clock(self, metric: str, cycle: int = 1) -> TicketClock:
        return TicketClock.objects.get(ticket=self.ticket, metric=metric, cycle=cycle)


def test_p1_created_friday_1730_first_response_due_on_the_make_up_saturday(policy, team_a):
    # 2026-10-09 is a Friday; Saturday 10-10 is a make-up working day (调休) in 2026.
    play = Play(make_ticket(team=team_a, priority=1)).at(sh(2026, 10, 9, 17, 30))
    first = play.clock("first_response")
    assert first.state == "running" and first.target_minutes == 120
    assert first.due_at == sh(2026, 10, 10, 10, 30)
    assert first.warn_at == sh(2026, 10, 10, 10, 0)  # 75 %: 30 min Friday + 60 Saturday
    assert first.policy == policy


def test_p3_created_before_national_day_skips_the_holiday(policy, team_a):
    # 8 business hours from Wednesday 2026-09-30 17:00: 1 h that day, 10-01..10-07 closed,
    # 7 h on Thursday 10-08.
    play = Play(make_ticket(team=team_a, priority=3)).at(sh(2026, 9, 30, 17, 0))
    assert play.clock("first_response").due_at == sh(2026, 10, 8, 16, 0)


def test_pending_pauses_resolution_and_customer_reply_resumes_it(policy, team_a, agent):
    play = Play(make_ticket(team=team_a, priority=1)).at(sh(2026, 11, 2, 9, 0))  # Monday
    actor = Actor.person(agent)
    message_add(
        ticket=play.ticket,
        actor=actor,
        kind="reply",
        body_text="Which model?",
        author_user=agent,
        set_status=status_default("pending"),
    )
    play.at(sh(2026, 11, 2, 10, 0))
    resolution = play.clock("resolution")
    assert resolution.state == "paused" and resolution.due_at is None
    assert resolution.used_seconds == 3600
    assert play.clock("first_response").state == "fulfilled"
    # The customer answers the next day at 14:00: the ticket reopens, the clock resumes
    # with 8 of its 9 business hours left.
    message_add(
        ticket=play.ticket,
        actor=Actor.channel("email", contact=play.ticket.contact),
        kind="reply",
        body_text="Model X",
        author_contact=play.ticket.contact,
    )
    play.at(sh(2026, 11, 3, 14, 0))
    resolution = play.clock("resolution")
    assert play.ticket.status_category == "open"
    assert resolution.state == "running"
    assert resolution.due_at == sh(2026, 11, 4, 13, 0)  # 4 h on Tuesday + 4 h on Wednesday
    next_response = play.clock("next_response")
    assert next_response.state == "running" and next_response.due_at == sh(2026, 11, 3, 18, 0)
    types = list(
        TicketEvent.objects.filter(ticket=play.ticket, type__startswith="sla.")
        .order_by("pk")
        .values_list("type", flat=True)
    )
    assert types[0] == "sla.policy_applied"
    assert {"sla.started", "sla.paused", "sla.resumed", "sla.fulfilled"} <= set(types)
    assert TicketEvent.objects.filter(
        type="sla.paused", cause_kind="rule", cause_ref="SLA policy: China standard"
    ).exists()


def test_priority_raised_applies_the_tighter_target_from_the_original_start(policy, team_a, agent):
    play = Play(make_ticket(team=team_a, priority=3)).at(sh(2026, 11, 2, 9, 0))
    assert play.clock("first_response").due_at == sh(2026, 11, 2, 17, 0)
    ticket_update(ticket=play.ticket, actor=Actor.person(agent), changes={"priority": 1})
    play.at(sh(2026, 11, 2, 10, 0))
    first = play.clock("first_response")
    assert first.target_minutes == 120
    assert first.due_at == sh(2026, 11, 2, 11, 0)  # from 09:00, not from the change at 10:00
    assert first.started_at == sh(2026, 11, 2, 9, 0)


def test_late_reply_is_recorded_as_breached_at_fulfilment(policy, team_a, agent):
    play = Play(make_ticket(team=team_a, priority=1)).at(sh(2026, 11, 2, 9, 0))
    message_add(
        ticket=play.ticket,
        actor=Actor.person(agent),
        kind="note",
        body_text="looking",
        author_user=agent,
    )
    play.at(sh(2026, 11, 2, 10, 0))
    assert play.clock("first_response").state == "running"  # a note is not a response
    message_add(
        ticket=play.ticket,
        actor=Actor.person(agent),
        kind="reply",
        body_text="Hi",
        author_user=agent,
    )
    play.at(sh(2026, 11, 2, 11, 30))
    first = play.clock("first_response")
    assert first.state == "fulfilled" and first.breached
    assert first.used_seconds == 150 * 60


def test_incremental_sync_runs_inside_every_ticket_change(policy, team_a, agent):
    ticket = make_ticket(team=team_a, priority=2)
    sla = TicketSla.objects.get(ticket=ticket)
    assert sla.policy == policy
    assert sla.last_event_id == ticket.events.exclude(type__startswith="sla.").latest("pk").pk
    ticket_update(
        ticket=ticket, actor=Actor.person(agent), changes={"status": status_default("on_hold")}
    )
    assert TicketClock.objects.get(ticket=ticket, metric="resolution").state == "paused"
    assert TicketClock.objects.get(ticket=ticket, metric="first_response").state == "running"


def test_ticket_without_matching_policy_has_no_clocks(china, team_a):
    sla_policy_create(
        name="Chat only",
        conditions={"channel": ["chat"]},
        targets=[TargetSpec("first_response", 5, None, False)],
    )
    ticket = make_ticket(team=team_a)
    assert not TicketClock.objects.filter(ticket=ticket).exists()
    assert not ticket.events.filter(type__startswith="sla.").exists()


def test_api_ticket_detail_shows_the_sla_block(policy, team_a, agent):
    play = Play(make_ticket(team=team_a, priority=1)).at(sh(2026, 10, 9, 17, 30))
    issued = api_key_create(user=agent, name="k", scopes=list(ApiScope.values))
    body = ApiClient(Client(), issued.secret).get(f"/tickets/{play.ticket.number}").json()
    first = body["sla"][0]
    assert first["metric"] == "first_response" and first["policy"] == "China standard"
    assert first["target_minutes"] == 120 and first["business_hours"] is True
    assert datetime.fromisoformat(first["due_at"]) == sh(2026, 10, 10, 10, 30)
    # Long overdue by now (2026-11): breached while running, remaining negative.
    assert first["state"] == "breached" and first["remaining_minutes"] < 0
    assert first["used_minutes"] > 120
    assert [c["metric"] for c in body["sla"]] == ["first_response", "resolution"]


def test_breach_fires_exactly_once_on_the_real_clocks(policy, team_a, agent):
    from loopdesk.sla.services.scheduler import sla_tick

    play = Play(make_ticket(team=team_a, priority=1)).at(sh(2026, 11, 2, 9, 0))
    due = play.clock("first_response").due_at
    assert due == sh(2026, 11, 2, 11, 0)
    first = sla_tick(now=due + timedelta(seconds=30))
    again = sla_tick(now=due + timedelta(minutes=5))
    assert first.breaches >= 1 and again.breaches == 0
    breached = TicketEvent.objects.filter(ticket=play.ticket, type="sla.breached")
    assert breached.count() == first.breaches
    assert play.clock("first_response").breached
    # A late reply afterwards keeps the breach in the clock's result.
    message_add(
        ticket=play.ticket,
        actor=Actor.person(agent),
        kind="reply",
        body_text="Sorry",
        author_user=agent,
    )
    play.at(sh(2026, 11, 2, 12, 0))
    clock = play.clock("first_response")
    assert clock.state == "fulfilled" and clock.breached
