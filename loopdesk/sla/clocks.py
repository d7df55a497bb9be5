"""The SLA state of a ticket as a pure fold over its event log.

`apply(state, event, ctx)` folds one ticket event (plain data: id, type, created_at,
changes) into a JSON-serialisable state; `compute(events, ctx)` folds them all.
`project(state, ctx)` turns the state into clock views (due, warn, used, fulfilled…) for
the policy in force. No database access and no "now": the same events and context always
give the same clocks, which is what lets the service apply events incrementally and a
property test prove it equals recomputation from scratch.

The state keeps raw facts (status category timeline, when each response cycle started and
ended, the matching attributes) rather than derived deadlines, so a re-matched policy or a
new priority re-targets every clock from its ORIGINAL start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from .calendars import (
    CalendarSpec,
    NoWorkingTime,
    add_business_seconds,
    business_seconds_between,
)
from .constants import DEFAULT_PAUSE, ClockState, Metric
from .matching import Attributes, PolicyRule, first_match

DONE = ("solved", "closed")
# The event types the fold reads; any other event leaves the state unchanged.
FOLDED_TYPES = frozenset(
    {
        "ticket.created",
        "ticket.status_changed",
        "ticket.reopened",
        "ticket.priority_changed",
        "ticket.type_changed",
        "ticket.team_changed",
        "ticket.tags_changed",
        "message.reply_sent",
        "message.customer_replied",
    }
)
STATE_VERSION = 1


class TimeBase(Protocol):
    """Calendar arithmetic for one target: business time or plain wall-clock time."""

    def add(self, start: datetime, seconds: int) -> datetime: ...

    def between(self, start: datetime, end: datetime) -> int: ...


class WallClock:
    """Calendar time (24/7)."""

    def add(self, start: datetime, seconds: int) -> datetime:
        return start + timedelta(seconds=seconds)

    def between(self, start: datetime, end: datetime) -> int:
        return max(0, int((end - start).total_seconds()))


WALL_CLOCK = WallClock()


class SpecBase:
    """Business time of a calendar (see sla.calendars)."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec

    def add(self, start: datetime, seconds: int) -> datetime:
        return add_business_seconds(self.spec, start, seconds)

    def between(self, start: datetime, end: datetime) -> int:
        return business_seconds_between(self.spec, start, end)


@dataclass(frozen=True)
class Event:
    id: int
    type: str
    created_at: datetime
    changes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """Everything besides the events: the policies (with their time bases), the status →
    category map, and ticket facts that no event carries (organisation, customer tier)."""

    policies: tuple[PolicyRule, ...] = ()
    status_categories: Mapping[int, str] = field(default_factory=dict)
    organization: int | None = None
    tier: str = "standard"
    initial_type: str = "question"  # for events written before ticket.created carried the type


@dataclass(frozen=True)
class ClockView:
    metric: str
    cycle: int
    policy_id: int
    target_minutes: int
    business_hours: bool
    state: str
    started_at: datetime
    due_at: datetime | None
    warn_at: datetime | None
    paused_at: datetime | None
    used_seconds: int
    fulfilled_at: datetime | None
    breached: bool


def empty_state() -> dict:
    return {
        "v": STATE_VERSION,
        "created_at": None,
        "attrs": {"priority": None, "type": None, "channel": None, "team": None, "tags": []},
        "timeline": [],  # [[iso instant, status category], ...] — only changes of category
        "replied": False,  # has an agent sent a public reply yet?
        "first_response": None,  # {"start": iso, "end": iso | None}
        "next_response": [],  # cycles, same shape
        "policy": None,
    }


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _ref_id(value: Any) -> int | None:
    if isinstance(value, dict):
        return value.get("id")
    return value


def _new(changes: Mapping[str, Any], key: str, default: Any = None) -> Any:
    pair = changes.get(key)
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return pair[1]
    return default


def _category(ctx: Context, status: Any) -> str | None:
    if isinstance(status, dict):
        if status.get("category"):
            return status["category"]
        return ctx.status_categories.get(status.get("id"))
    return None


def _set_category(state: dict, when: str, category: str | None) -> None:
    if category is None:
        return
    timeline = state["timeline"]
    if not timeline or timeline[-1][1] != category:
        timeline.append([when, category])


def attributes(state: dict, ctx: Context) -> Attributes:
    attrs = state["attrs"]
    return Attributes(
        priority=attrs["priority"],
        type=attrs["type"] or ctx.initial_type,
        channel=attrs["channel"],
        team=attrs["team"],
        organization=ctx.organization,
        tier=ctx.tier,
        tags=tuple(attrs["tags"]),
    )


def apply(state: dict, event: Event, ctx: Context) -> dict:
    """Fold one event into a new state (the input is not modified)."""
    if event.type not in FOLDED_TYPES:
        return state  # notes, subjects, assignments… and never its own sla.* output
    state = {
        **state,
        "attrs": dict(state["attrs"]),
        "timeline": list(state["timeline"]),
        "next_response": [dict(c) for c in state["next_response"]],
        "first_response": dict(state["first_response"]) if state["first_response"] else None,
    }
    when = _iso(event.created_at)
    changes = event.changes or {}
    attrs = state["attrs"]
    kind = event.type
    if kind == "ticket.created":
        state["created_at"] = when
        attrs["priority"] = _new(changes, "priority", attrs["priority"])
        attrs["type"] = _new(changes, "type", attrs["type"])
        attrs["channel"] = _new(changes, "channel", attrs["channel"])
        attrs["team"] = _ref_id(_new(changes, "team"))
        attrs["tags"] = sorted(_new(changes, "tags", []) or [])
        _set_category(state, when, _category(ctx, _new(changes, "status")))
        state["first_response"] = {"start": when, "end": None}
    elif kind in ("ticket.status_changed", "ticket.reopened"):
        _set_category(state, when, _category(ctx, _new(changes, "status")))
    elif kind == "ticket.priority_changed":
        attrs["priority"] = _new(changes, "priority", attrs["priority"])
    elif kind == "ticket.type_changed":
        attrs["type"] = _new(changes, "type", attrs["type"])
    elif kind == "ticket.team_changed":
        attrs["team"] = _ref_id(_new(changes, "team"))
    elif kind == "ticket.tags_changed":
        attrs["tags"] = sorted(_new(changes, "tags", []) or [])
    elif kind == "message.reply_sent":
        # A public agent reply, whatever the channel (notes are message.note_added).
        state["replied"] = True
        if state["first_response"] and state["first_response"]["end"] is None:
            state["first_response"]["end"] = when
        cycles = state["next_response"]
        if cycles and cycles[-1]["end"] is None:
            cycles[-1]["end"] = when
    elif kind == "message.customer_replied":
        cycles = state["next_response"]
        if state["replied"] and (not cycles or cycles[-1]["end"] is not None):
            cycles.append({"start": when, "end": None})
    else:
        return state
    policy = first_match(ctx.policies, attributes(state, ctx)) if state["created_at"] else None
    state["policy"] = policy.id if policy else None
    return state


def compute(events: Iterable[Event], ctx: Context, state: dict | None = None) -> dict:
    state = state if state is not None else empty_state()
    for event in events:
        state = apply(state, event, ctx)
    return state


# --- projection -------------------------------------------------------------------------


def _running_segments(
    timeline: list, start: datetime, end: datetime | None, stops: set[str]
) -> list[tuple[datetime, datetime | None]]:
    """The parts of [start, end) during which the status category was not in `stops`.
    The last segment is open (None) if the clock is still running."""
    segments: list[tuple[datetime, datetime | None]] = []
    points = [(_dt(t), c) for t, c in timeline]
    category = None
    for t, c in points:
        if t <= start:
            category = c
    running_since = start if category not in stops else None
    for t, c in points:
        if t <= start:
            continue
        if end is not None and t >= end:
            break
        if c in stops and running_since is not None:
            segments.append((running_since, t))
            running_since = None
        elif c not in stops and running_since is None:
            running_since = t
    if running_since is not None:
        segments.append((running_since, end))
    return segments


def _reach(base: TimeBase, segments: list, seconds: int) -> datetime | None:
    """The instant at which the running segments add up to `seconds`, if they do."""
    used = 0
    for a, b in segments:
        span = base.between(a, b) if b is not None else None
        if span is None or used + span >= seconds:
            return base.add(a, seconds - used)
        used += span
    return None


def _used(base: TimeBase, segments: list) -> int:
    return sum(base.between(a, b) for a, b in segments if b is not None)


def _current_category(timeline: list) -> str | None:
    return timeline[-1][1] if timeline else None


def project(state: dict, ctx: Context) -> list[ClockView]:
    """The clocks of the policy in force, one view per (metric, cycle)."""
    policy = next((p for p in ctx.policies if p.id == state.get("policy")), None)
    if policy is None or state["created_at"] is None:
        return []
    priority = state["attrs"]["priority"]
    timeline = state["timeline"]
    current = _current_category(timeline)
    windows: list[tuple[str, int, datetime, datetime | None]] = []
    if state["first_response"]:
        fr = state["first_response"]
        windows.append((Metric.FIRST_RESPONSE, 1, _dt(fr["start"]), _dt(fr["end"])))
    for n, cyc in enumerate(state["next_response"], start=1):
        windows.append((Metric.NEXT_RESPONSE, n, _dt(cyc["start"]), _dt(cyc["end"])))
    windows.append((Metric.RESOLUTION, 1, _dt(state["created_at"]), None))

    views = []
    for metric, cycle, start, end in windows:
        target = policy.target(metric, priority)
        if target is None:
            continue
        base = policy.business_base if target.business_hours else WALL_CLOCK
        pause = set(policy.pause.get(metric, DEFAULT_PAUSE[Metric(metric)]))
        segments = _running_segments(timeline, start, end, pause | set(DONE))
        total = target.minutes * 60
        fulfilled_at = end
        if metric == Metric.RESOLUTION and current in DONE:
            fulfilled_at = _last_entry_into_done(timeline)
        running = bool(segments) and segments[-1][1] is None
        used = _used(base, segments)
        try:
            due_at = _reach(base, segments, total)
        except NoWorkingTime:
            due_at = None  # a calendar without hours: no deadline rather than no ticket writes
        warn_at = None
        if fulfilled_at is not None:
            state_name = ClockState.FULFILLED
            breached = used > total
            if segments and not breached:
                # The deadline it had when it was met: as if the last stretch ran on.
                try:
                    due_at = _reach(base, [*segments[:-1], (segments[-1][0], None)], total)
                except NoWorkingTime:
                    due_at = None
        elif running:
            state_name = ClockState.RUNNING
            warn_at = due_at and _reach(base, segments, -(-total * policy.warn_at_percent // 100))
            breached = False
        elif current in DONE:
            state_name = ClockState.CANCELLED  # solved or closed before any response
            due_at = None
            breached = False
        else:
            state_name = ClockState.PAUSED
            due_at = None
            breached = used > total
        paused_at = segments[-1][1] if (state_name == ClockState.PAUSED and segments) else None
        if state_name == ClockState.PAUSED and not segments:
            paused_at = start
        views.append(
            ClockView(
                metric=str(metric),
                cycle=cycle,
                policy_id=policy.id,
                target_minutes=target.minutes,
                business_hours=target.business_hours,
                state=str(state_name),
                started_at=start,
                due_at=due_at,
                warn_at=warn_at,
                paused_at=paused_at,
                used_seconds=used,
                fulfilled_at=fulfilled_at,
                breached=breached,
            )
        )
    return views


def _last_entry_into_done(timeline: list) -> datetime:
    entry = None
    for t, c in timeline:
        if c in DONE and entry is None:
            entry = t
        elif c not in DONE:
            entry = None
    return _dt(entry)
