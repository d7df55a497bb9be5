"""Evaluate conditions against the facts of one ticket at one moment.

Rules are compiled once per rule-set version (status keys resolved to ids, text values
case-folded), so evaluating fifty triggers on an event is a loop over small closures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from loopdesk.tickets.models import Message, Status, Ticket, TicketEvent

from . import calendar
from .definition import HOURS_FIELDS, Condition, Conditions

# Event changes keys whose values are {id, name} refs.
_REF_FIELDS = {"status", "team", "assignee", "category"}
_CHANGE_KEYS = {
    "status",
    "priority",
    "type",
    "category",
    "team",
    "assignee",
    "tags",
    "subject",
}


def _ref_id(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("id")
    return value


@dataclass
class Facts:
    """What conditions look at: the ticket (with status, contact and organisation), its
    tags, the events being reacted to (none in time rules and dry runs), and `now`."""

    ticket: Ticket
    now: datetime
    events: list[TicketEvent] = field(default_factory=list)

    @cached_property
    def tags(self) -> list[str]:
        if "tags" in getattr(self.ticket, "_prefetched_objects_cache", {}):
            return sorted(t.name for t in self.ticket.tags.all())  # dry run: prefetched
        return sorted(self.ticket.tags.values_list("name", flat=True))

    @cached_property
    def changes(self) -> dict[str, tuple[Any, Any]]:
        """field -> (old, new) over the events reacted to (first old, last new)."""
        out: dict[str, tuple[Any, Any]] = {}
        for event in self.events:
            for key, pair in (event.changes or {}).items():
                if key not in _CHANGE_KEYS or not isinstance(pair, list | tuple) or len(pair) != 2:
                    continue
                old, new = pair
                if key in _REF_FIELDS:
                    old, new = _ref_id(old), _ref_id(new)
                out[key] = (out[key][0] if key in out else old, new)
        return out

    @cached_property
    def message_text(self) -> str:
        """The messages of the events reacted to; else the latest customer message."""
        ids = [e.message_id for e in self.events if e.message_id]
        if ids and all("message" in e._state.fields_cache for e in self.events if e.message_id):
            return "\n".join(e.message.body_text for e in self.events if e.message_id)
        if ids:
            texts = (
                Message.objects.filter(pk__in=ids)
                .order_by("pk")
                .values_list("body_text", flat=True)
            )
            return "\n".join(texts)
        latest = (
            Message.objects.filter(ticket_id=self.ticket.pk, author_contact__isnull=False)
            .order_by("-pk")
            .values_list("body_text", flat=True)
            .first()
        )
        return latest or ""

    @cached_property
    def spec(self):
        return calendar.spec_for_ticket(self.ticket)

    def value(self, name: str, key: str | None = None) -> Any:
        t = self.ticket
        if name == "status":
            return t.status_id
        if name == "status_category":
            return t.status_category
        if name == "priority":
            return t.priority
        if name == "type":
            return t.type
        if name == "category":
            return t.category_id
        if name == "channel":
            return t.channel
        if name == "team":
            return t.team_id
        if name == "assignee":
            return t.assignee_id
        if name == "organization":
            return t.organization_id
        if name == "subject":
            return t.subject
        if name == "message":
            return self.message_text
        if name == "subject_or_message":
            return f"{t.subject}\n{self.message_text}"
        if name == "contact_email":
            return t.contact.primary_email
        if name == "tags":
            return self.tags
        if name == "customer_vip":
            return t.contact.is_vip
        if name == "within_business_hours":
            return calendar.within(self.spec, self.now)
        if name == "custom_field":
            return (t.custom_fields or {}).get(key)
        raise KeyError(name)

    def seconds_since(self, name: str, *, business: bool) -> int:
        """Seconds from the field's instant to now (business seconds when asked); computed
        once per facts, however many rules ask."""
        key = (name, business)
        cache = self.__dict__.setdefault("_seconds", {})
        if key not in cache:
            base = self.basis(name)
            spec = self.spec if business else None
            cache[key] = calendar.seconds_between(spec, base, self.now) if base else 0
        return cache[key]

    def basis(self, name: str) -> datetime | None:
        """The instant an 'hours since' field counts from (None: not started)."""
        t = self.ticket
        if name == "hours_since_created":
            return t.created_at
        if name == "hours_since_updated":
            return t.updated_at
        if name == "hours_since_last_customer_message":
            return t.last_customer_message_at
        if name == "hours_since_last_agent_reply":
            # Never replied: counted from the ticket's creation.
            return t.last_agent_message_at or t.created_at
        raise KeyError(name)


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _norm(value: Any) -> Any:
    """Compare numbers given as text ("1") equal to numbers."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return _fold(value)


@dataclass(frozen=True)
class CompiledCondition:
    field: str
    op: str
    value: Any
    key: str | None
    business_hours: bool

    def test(self, facts: Facts) -> bool:
        op = self.op
        if self.field in HOURS_FIELDS:
            base = facts.basis(self.field)
            if base is None:
                return False
            seconds = facts.seconds_since(self.field, business=self.business_hours)
            limit = float(self.value) * 3600
            # "greater than N hours" is reached at N hours exactly (minute precision).
            return seconds >= limit if op == "greater_than" else seconds < limit
        if op in ("changed", "changed_to"):
            if self.field not in facts.changes:
                return False
            if op == "changed":
                return True
            new = facts.changes[self.field][1]
            if self.field == "tags":
                return self.value in [_fold(v) for v in (new or [])]
            return _norm(new) == self.value
        actual = facts.value(self.field, self.key)
        if self.field == "tags":
            present = set(actual)
            wanted = self.value if isinstance(self.value, list) else [self.value]
            has = any(w in present for w in wanted)
            return has if op == "contains" else not has
        if op in ("contains", "starts_with"):
            if actual is None:
                return False
            text = str(actual).casefold()
            return self.value in text if op == "contains" else text.startswith(self.value)
        if op == "is":
            return _norm(actual) == self.value
        if op == "is_not":
            return _norm(actual) != self.value
        if op == "in_list":
            return _norm(actual) in self.value
        if op in ("greater_than", "less_than"):
            try:
                number = float(actual)
            except (TypeError, ValueError):
                return False
            return number > self.value if op == "greater_than" else number < self.value
        return False


def _compile_value(cond: Condition, status_ids: dict[str, int]) -> Any:
    def one(value: Any) -> Any:
        if cond.field == "status" and value is not None:
            return status_ids.get(str(value), -1)
        if cond.field in HOURS_FIELDS or cond.op in ("greater_than", "less_than"):
            return float(value)
        if cond.field == "tags" and isinstance(value, str):
            return value.strip().casefold()
        return _norm(value)

    if isinstance(cond.value, list):
        values = [one(v) for v in cond.value]
        return values if cond.op == "in_list" or cond.field == "tags" else values
    return one(cond.value)


def compile_conditions(
    conditions: Conditions, status_ids: dict[str, int] | None = None
) -> tuple[tuple[CompiledCondition, ...], tuple[CompiledCondition, ...]]:
    if status_ids is None:
        status_ids = dict(Status.objects.values_list("key", "pk"))

    def build(cond: Condition) -> CompiledCondition:
        return CompiledCondition(
            field=cond.field,
            op=cond.op,
            value=_compile_value(cond, status_ids),
            key=cond.key,
            business_hours=cond.business_hours,
        )

    return tuple(build(c) for c in conditions.all), tuple(build(c) for c in conditions.any)


def matches(
    all_: tuple[CompiledCondition, ...], any_: tuple[CompiledCondition, ...], facts: Facts
) -> bool:
    if not all(c.test(facts) for c in all_):
        return False
    return not any_ or any(c.test(facts) for c in any_)
