"""Who caused a change, and the one writer of TicketEvent rows.

Services call `record()` inside their transaction; nothing derives events from signals,
which could not know why something changed.
"""

from dataclasses import dataclass
from typing import Any

from . import hooks
from .constants import CauseKind
from .models import Message, Ticket, TicketEvent, TicketEventType


@dataclass(frozen=True)
class Actor:
    """The person, rule, channel or system behind a change, and why."""

    kind: str = CauseKind.SYSTEM
    user: Any = None  # accounts.User
    contact: Any = None  # customers.Contact
    ref: str = ""

    @classmethod
    def person(cls, user, reason: str = "") -> "Actor":
        return cls(kind=CauseKind.PERSON, user=user, ref=reason[:200])

    @classmethod
    def api(cls, user, key_name: str = "") -> "Actor":
        return cls(kind=CauseKind.API, user=user, ref=f"API key: {key_name}"[:200])

    @classmethod
    def channel(cls, channel: str, contact=None, user=None) -> "Actor":
        return cls(kind=CauseKind.CHANNEL, contact=contact, user=user, ref=channel)

    @classmethod
    def rule(cls, rule_ref: str) -> "Actor":
        return cls(kind=CauseKind.RULE, ref=rule_ref[:200])

    @classmethod
    def system(cls, reason: str) -> "Actor":
        return cls(kind=CauseKind.SYSTEM, ref=reason[:200])


def ref(obj) -> dict | None:
    """How a related object is kept in an event: id and the name it had then. Objects
    named in both languages (statuses) keep both, so history reads right in either."""
    if obj is None:
        return None
    if hasattr(obj, "name_zh_hans"):
        return {"id": obj.pk, "name": obj.name, "name_zh_hans": obj.name_zh_hans}
    return {"id": obj.pk, "name": str(obj)}


def record(
    *,
    ticket: Ticket,
    type: TicketEventType,
    actor: Actor,
    changes: dict | None = None,
    message: Message | None = None,
) -> TicketEvent:
    TicketEventType(type)  # an unknown type is a programming error: fail loudly
    event = TicketEvent.objects.create(
        ticket=ticket,
        type=type,
        actor_user=actor.user,
        actor_contact=actor.contact,
        cause_kind=actor.kind,
        cause_ref=actor.ref,
        changes=changes or {},
        message=message,
    )
    if not str(type).startswith("sla."):
        # The SLA clocks follow the event log in the same transaction; the sla.* events the
        # sync itself records must not trigger it again.
        from loopdesk.sla.services.clocks import sla_apply_events

        sla_apply_events(ticket=ticket, event_type=str(type))
    hooks.note_event(ticket_id=ticket.pk, event_id=event.pk, type=str(type))
    return event


def record_many(*, items: list[tuple[Ticket, str, Actor, dict]]) -> list[TicketEvent]:
    """Many SLA events in one INSERT: the scheduler's warnings and breaches (up to a
    thousand per tick, where one INSERT each cost most of the tick). Only sla.* types, which
    never trigger the SLA sync, so this writes exactly what record() would."""
    rows = []
    for ticket, type_, actor, changes in items:
        if not str(type_).startswith("sla."):
            raise ValueError(f"record_many takes sla.* events only, not {type_}")
        rows.append(
            TicketEvent(
                ticket=ticket,
                type=type_,
                actor_user=actor.user,
                actor_contact=actor.contact,
                cause_kind=actor.kind,
                cause_ref=actor.ref,
                changes=changes or {},
            )
        )
    created = TicketEvent.objects.bulk_create(rows)
    for event in created:
        hooks.note_event(ticket_id=event.ticket_id, event_id=event.pk, type=event.type)
    return created
