"""The pure fold: clock rules on hand-written event sequences (no database)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from loopdesk.sla.calendars import CalendarSpec
from loopdesk.sla.clocks import (
    WALL_CLOCK,
    Context,
    Event,
    SpecBase,
    apply,
    compute,
    empty_state,
    project,
)
from loopdesk.sla.matching import PolicyRule, TargetRule

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
STATUSES = {1: "new", 2: "open", 3: "pending", 4: "on_hold", 5: "solved", 6: "closed"}
STATUS_IDS = {v: k for k, v in STATUSES.items()}


def policy(**kwargs) -> PolicyRule:
    defaults = {
        "id": 1,
        "name": "Standard",
        "targets": (
            TargetRule("first_response", None, 60, False),
            TargetRule("next_response", None, 30, False),
            TargetRule("resolution", None, 600, False),
            TargetRule("resolution", 1, 120, False),
        ),
        "business_base": WALL_CLOCK,
    }
    return PolicyRule(**{**defaults, **kwargs})


def ctx(*policies: PolicyRule) -> Context:
    return Context(policies=policies or (policy(),), status_categories=STATUSES)


class Log:
    """Builds events minute by minute."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def at(self, minutes: float, type: str, **changes) -> "Log":
        self.events.append(
            Event(
                id=len(self.events) + 1,
                type=type,
                created_at=T0 + timedelta(minutes=minutes),
                changes=changes,
            )
        )
        return self

    def created(self, priority: int = 3, **extra) -> "Log":
        return self.at(
            0,
            "ticket.created",
            status=[None, {"id": 1, "name": "New"}],
            priority=[None, priority],
            channel=[None, "email"],
            **extra,
        ).at(0, "message.customer_replied")

    def status(self, minutes: float, category: str) -> "Log":
        return self.at(
            minutes,
            "ticket.status_changed",
            status=[None, {"id": STATUS_IDS[category], "name": category}],
        )


def clocks(log: Log, context: Context | None = None) -> dict:
    context = context or ctx()
    return {(c.metric, c.cycle): c for c in project(compute(log.events, context), context)}


def test_first_response_fulfilled_by_public_reply_not_by_note():
    log = Log().created().at(10, "message.note_added").at(20, "message.reply_sent")
    fr = clocks(log)[("first_response", 1)]
    assert fr.state == "fulfilled"
    assert fr.fulfilled_at == T0 + timedelta(minutes=20)
    assert fr.used_seconds == 20 * 60 and not fr.breached
    assert fr.due_at == T0 + timedelta(minutes=60)  # the deadline it met


def test_first_response_due_and_warning_and_late_reply_is_breached():
    running = clocks(Log().created())[("first_response", 1)]
    assert running.state == "running"
    assert running.due_at == T0 + timedelta(minutes=60)
    assert running.warn_at == T0 + timedelta(minutes=45)
    late = clocks(Log().created().at(61, "message.reply_sent"))[("first_response", 1)]
    assert late.state == "fulfilled" and late.breached
    assert late.due_at == T0 + timedelta(minutes=60)


def test_next_response_cycles_start_at_customer_message_after_agent_reply():
    log = (
        Log()
        .created()
        .at(5, "message.reply_sent")
        .at(10, "message.customer_replied")
        .at(12, "message.customer_replied")  # same cycle: no reply yet
        .at(30, "message.reply_sent")
        .at(40, "message.customer_replied")
    )
    result = clocks(log)
    first, second = result[("next_response", 1)], result[("next_response", 2)]
    assert first.started_at == T0 + timedelta(minutes=10)
    assert first.state == "fulfilled" and first.used_seconds == 20 * 60
    assert second.state == "running"
    assert second.due_at == T0 + timedelta(minutes=70)
    assert ("next_response", 3) not in result


def test_pending_pauses_resolution_and_customer_reply_resumes_it_keeping_used_time():
    log = Log().created().at(5, "message.reply_sent").status(10, "pending")
    paused = clocks(log)[("resolution", 1)]
    assert paused.state == "paused" and paused.due_at is None
    assert paused.used_seconds == 10 * 60 and paused.paused_at == T0 + timedelta(minutes=10)
    # A customer message moves the ticket back to open (the service records the status).
    log.at(100, "message.customer_replied").status(100, "open")
    resumed = clocks(log)[("resolution", 1)]
    assert resumed.state == "running"
    assert resumed.due_at == T0 + timedelta(minutes=100 + 590)
    # The customer's message after the agent reply also started a next-response cycle.
    assert clocks(log)[("next_response", 1)].state == "running"


def test_first_response_does_not_pause_by_default_but_can_be_configured():
    log = Log().created().status(10, "on_hold")
    assert clocks(log)[("first_response", 1)].state == "running"
    paused = policy(pause={"first_response": ["on_hold"]})
    assert clocks(log, ctx(paused))[("first_response", 1)].state == "paused"


def test_solve_fulfils_resolution_and_reopen_resumes_it():
    log = Log().created().at(5, "message.reply_sent").status(50, "solved")
    solved = clocks(log)[("resolution", 1)]
    assert solved.state == "fulfilled" and solved.used_seconds == 50 * 60
    log.at(200, "ticket.reopened", status=[None, {"id": 2, "name": "Open"}])
    reopened = clocks(log)[("resolution", 1)]
    assert reopened.state == "running" and reopened.fulfilled_at is None
    assert reopened.due_at == T0 + timedelta(minutes=200 + 550)


def test_solved_before_any_reply_cancels_the_response_clock():
    log = Log().created().status(10, "solved")
    assert clocks(log)[("first_response", 1)].state == "cancelled"


def test_priority_raised_applies_tighter_target_from_original_start():
    log = Log().created(priority=3).at(30, "ticket.priority_changed", priority=[3, 1])
    resolution = clocks(log)[("resolution", 1)]
    assert resolution.target_minutes == 120
    assert resolution.due_at == T0 + timedelta(minutes=120)


def test_policy_matching_follows_the_fields_and_the_first_match_wins():
    vip = policy(id=2, name="VIP", conditions={"tags": ["vip"]})
    p1 = policy(id=3, name="P1", conditions={"priority": [1]})
    everyone = policy(id=4, name="All")
    context = ctx(vip, p1, everyone)
    log = Log().created(priority=3)
    assert compute(log.events, context)["policy"] == 4
    log.at(1, "ticket.priority_changed", priority=[3, 1])
    assert compute(log.events, context)["policy"] == 3
    log.at(2, "ticket.tags_changed", tags=[[], ["vip"]])
    assert compute(log.events, context)["policy"] == 2
    log.at(3, "ticket.tags_changed", tags=[["vip"], []])
    assert compute(log.events, context)["policy"] == 3


def test_no_matching_policy_means_no_clocks():
    only_chat = policy(conditions={"channel": ["chat"]})
    assert clocks(Log().created(), ctx(only_chat)) == {}


def test_sla_events_are_ignored_by_the_fold():
    log = Log().created()
    before = compute(log.events, ctx())
    log.at(5, "sla.started", metric=[None, "first_response"])
    log.at(6, "sla.breached")
    assert compute(log.events, ctx()) == before


def test_apply_does_not_modify_its_input():
    state = empty_state()
    snapshot = repr(state)
    event = Log().created().events[0]
    apply(state, event, ctx())
    assert repr(state) == snapshot


def test_business_hours_target_uses_the_policy_calendar():
    shanghai = CalendarSpec(
        tz=ZoneInfo("Asia/Shanghai"),
        weekly={d: ((time(9), time(18)),) for d in range(5)},
    )
    business = policy(
        targets=(TargetRule("first_response", None, 120, True),),
        business_base=SpecBase(shanghai),
    )
    # Friday 2026-03-06 17:30 Shanghai = 09:30 UTC: 30 min on Friday, 90 on Monday.
    friday = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)
    events = [
        Event(
            1,
            "ticket.created",
            friday,
            {"status": [None, {"id": 1}], "priority": [None, 1], "channel": [None, "email"]},
        )
    ]
    (view,) = project(compute(events, ctx(business)), ctx(business))
    assert view.due_at == datetime(2026, 3, 9, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_event_types_outside_the_folded_set_change_nothing():
    from loopdesk.sla.clocks import FOLDED_TYPES
    from loopdesk.tickets.models import TicketEventType

    log = Log().created().at(5, "message.reply_sent").status(10, "pending")
    state = compute(log.events, ctx())
    for event_type in set(TicketEventType.values) - FOLDED_TYPES:
        event = Event(99, event_type, T0, {"priority": [3, 1], "status": [None, {"id": 5}]})
        assert apply(state, event, ctx()) is state
    for event_type in FOLDED_TYPES - {"ticket.created"}:
        changed = Event(99, event_type, T0 + timedelta(hours=1), {"priority": [3, 1]})
        assert event_type in TicketEventType.values
        apply(state, changed, ctx())  # handled without error
