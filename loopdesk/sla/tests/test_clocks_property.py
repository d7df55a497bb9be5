"""Property: the incremental fold (one event at a time, state stored as JSON in between, as
the service does) equals recomputing from the whole log; and the service's TicketClock rows
equal the projection recomputed from the ticket's events."""

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loopdesk.sla.calendars import CalendarSpec
from loopdesk.sla.clocks import WALL_CLOCK, Context, Event, SpecBase, apply, compute, project
from loopdesk.sla.matching import PolicyRule, TargetRule
from loopdesk.sla.models import TicketClock
from loopdesk.sla.services.clocks import (
    _new_events,
    active_policies,
    sla_recompute,
    ticket_context,
)
from loopdesk.sla.services.policies import TargetSpec, sla_policy_create
from loopdesk.tickets.events import Actor
from loopdesk.tickets.services import message_add, ticket_update
from loopdesk.tickets.services.lifecycle import status_default
from loopdesk.tickets.tests.factories import make_ticket

T0 = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
STATUSES = {1: "new", 2: "open", 3: "pending", 4: "on_hold", 5: "solved", 6: "closed"}
BERLIN = CalendarSpec(
    tz=ZoneInfo("Europe/Berlin"),
    weekly={d: ((time(9), time(12)), (time(13), time(17))) for d in range(5)},
)
TARGETS = (
    TargetRule("first_response", None, 90, True),
    TargetRule("first_response", 1, 20, True),
    TargetRule("next_response", None, 45, False),
    TargetRule("resolution", None, 900, True),
    TargetRule("resolution", 2, 300, False),
)
CONTEXT = Context(
    policies=(
        PolicyRule(
            id=1,
            name="VIP",
            conditions={"tags": ["vip"]},
            targets=TARGETS[:2],
            business_base=SpecBase(BERLIN),
        ),
        PolicyRule(
            id=2,
            name="Urgent",
            conditions={"priority": [1, 2]},
            targets=TARGETS,
            pause={"first_response": ["on_hold"]},
            warn_at_percent=50,
            business_base=SpecBase(BERLIN),
        ),
        PolicyRule(id=3, name="All", targets=TARGETS, business_base=WALL_CLOCK),
    ),
    status_categories=STATUSES,
)

OPS = st.one_of(
    st.just(("message.reply_sent", {})),
    st.just(("message.customer_replied", {})),
    st.just(("message.note_added", {})),
    st.sampled_from(sorted(STATUSES)).map(
        lambda s: ("ticket.status_changed", {"status": [None, {"id": s, "name": str(s)}]})
    ),
    st.integers(1, 4).map(lambda p: ("ticket.priority_changed", {"priority": [None, p]})),
    st.sampled_from([[], ["vip"], ["x"]]).map(lambda t: ("ticket.tags_changed", {"tags": [[], t]})),
    st.just(("sla.breached", {})),
)


@st.composite
def event_logs(draw) -> list[Event]:
    priority = draw(st.integers(1, 4))
    events = [
        Event(
            1,
            "ticket.created",
            T0,
            {"status": [None, {"id": 1}], "priority": [None, priority], "channel": [None, "web"]},
        )
    ]
    when = T0
    for n, (kind, changes) in enumerate(draw(st.lists(OPS, max_size=25)), start=2):
        when += timedelta(minutes=draw(st.integers(0, 60 * 30)))
        events.append(Event(n, kind, when, changes))
    return events


def as_tuple(views) -> list[tuple]:
    return [tuple(vars(v).values()) for v in views]


@settings(max_examples=300, deadline=None)
@given(event_logs(), st.data())
def test_incremental_with_json_round_trips_equals_recompute(events, data):
    expected = compute(events, CONTEXT)
    state = json.loads(json.dumps(compute([], CONTEXT)))
    for event in events:
        state = json.loads(json.dumps(apply(state, event, CONTEXT)))
        assert json.loads(json.dumps(project(state, CONTEXT), default=str)) is not None
    assert state == json.loads(json.dumps(expected))
    assert as_tuple(project(state, CONTEXT)) == as_tuple(project(expected, CONTEXT))
    # Any split point: fold a prefix, store it, fold the rest.
    k = data.draw(st.integers(0, len(events)))
    head = json.loads(json.dumps(compute(events[:k], CONTEXT)))
    assert compute(events[k:], CONTEXT, state=head) == json.loads(json.dumps(expected))


@settings(max_examples=300, deadline=None)
@given(event_logs())
def test_clock_invariants(events):
    last = events[-1].created_at
    for view in project(compute(events, CONTEXT), CONTEXT):
        assert view.started_at <= last
        assert 0 <= view.used_seconds <= (last - view.started_at).total_seconds()
        if view.state == "running":
            assert view.due_at is not None and view.warn_at is not None
            assert view.started_at <= view.warn_at <= view.due_at
        if view.state == "fulfilled":
            assert view.fulfilled_at >= view.started_at
            assert view.breached == (view.used_seconds > view.target_minutes * 60)
        if view.state == "paused":
            assert view.due_at is None


SERVICE_OPS = st.lists(
    st.sampled_from(
        [
            "reply",
            "note",
            "customer",
            "pending",
            "on_hold",
            "open",
            "solved",
            "p1",
            "p4",
            "vip",
            "untag",
        ]
    ),
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=SERVICE_OPS)
def test_service_rows_equal_recomputed_projection(ops, agent, team_a):
    if not active_policies():
        sla_policy_create(
            name="VIP",
            conditions={"tags": ["vip"]},
            targets=[TargetSpec("first_response", 30, None, False)],
        )
        sla_policy_create(
            name="All",
            order=1,
            targets=[
                TargetSpec("first_response", 60, None, False),
                TargetSpec("next_response", 60, None, False),
                TargetSpec("resolution", 600, None, False),
                TargetSpec("resolution", 60, 1, False),
            ],
        )
    ticket = make_ticket(team=team_a)
    actor = Actor.person(agent)
    for op in ops:
        ticket.refresh_from_db()
        if ticket.status_category == "closed":
            break
        if op == "reply":
            message_add(ticket=ticket, actor=actor, kind="reply", body_text="ok", author_user=agent)
        elif op == "note":
            message_add(ticket=ticket, actor=actor, kind="note", body_text="n", author_user=agent)
        elif op == "customer":
            message_add(
                ticket=ticket,
                actor=Actor.channel("email", contact=ticket.contact),
                kind="reply",
                body_text="hello",
                author_contact=ticket.contact,
            )
        elif op in ("pending", "on_hold", "open", "solved"):
            ticket_update(ticket=ticket, actor=actor, changes={"status": status_default(op)})
        elif op in ("p1", "p4"):
            ticket_update(ticket=ticket, actor=actor, changes={"priority": int(op[1])})
        else:
            ticket_update(
                ticket=ticket, actor=actor, changes={"tags": ["vip"] if op == "vip" else []}
            )
    ticket.refresh_from_db()
    ctx = ticket_context(ticket, active_policies())
    expected = {(v.metric, v.cycle): v for v in project(compute(_new_events(ticket, 0), ctx), ctx)}
    rows = {(c.metric, c.cycle): c for c in TicketClock.objects.filter(ticket=ticket)}
    assert set(expected) <= set(rows)
    # Rows the projection no longer has (the policy lost that target) are cancelled.
    assert all(row.state == "cancelled" for key, row in rows.items() if key not in expected)
    for key, view in expected.items():
        row = rows[key]
        assert (row.policy_id, row.state, row.due_at, row.warn_at, row.used_seconds) == (
            view.policy_id,
            view.state,
            view.due_at,
            view.warn_at,
            view.used_seconds,
        )
        assert (row.started_at, row.fulfilled_at, row.paused_at, row.breached) == (
            view.started_at,
            view.fulfilled_at,
            view.paused_at,
            view.breached,
        )
    # Recomputing from scratch changes nothing.
    before = sorted(
        TicketClock.objects.filter(ticket=ticket).values_list("metric", "cycle", "state", "due_at")
    )
    sla_recompute(ticket=ticket)
    after = sorted(
        TicketClock.objects.filter(ticket=ticket).values_list("metric", "cycle", "state", "due_at")
    )
    assert before == after
