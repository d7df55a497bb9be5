"""Keep a ticket's SLA state and clocks in step with its event log.

`sla_apply_events` runs inside the transaction of every ticket change (called by
tickets.events.record after a non-SLA event is written): it folds the events the ticket's
TicketSla has not seen yet into its state (sla.clocks), projects the state to TicketClock
rows and records what changed (policy applied, clock started/paused/resumed/fulfilled) as
sla.* events with the policy as cause. `sla_recompute` folds the whole log from scratch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.db import transaction
from django.db.models import Prefetch

from loopdesk.customers.models import Contact, Tier
from loopdesk.tickets import events
from loopdesk.tickets.events import Actor
from loopdesk.tickets.lock_objects import ticket_lock
from loopdesk.tickets.models import Status, Ticket, TicketEvent, TicketEventType
from loopdesk.tickets.models.ticket import OPEN_Q

from ..calendars import ALWAYS_OPEN, spec_for
from ..clocks import (
    FOLDED_TYPES,
    ClockView,
    Context,
    Event,
    SpecBase,
    compute,
    empty_state,
    project,
)
from ..config_cache import SLA_CONFIG
from ..constants import ClockState
from ..matching import PolicyRule, TargetRule
from ..models import BusinessCalendar, SlaPolicy, TicketClock, TicketSla

# Set while an import writes events that get their real timestamps only afterwards: the
# sync then runs once, after the backdating (see channels.intake.import_backdate).
_deferred: ContextVar[bool] = ContextVar("sla_sync_deferred", default=False)


@contextmanager
def sla_sync_deferred() -> Iterator[None]:
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


PROJECTED_FIELDS = (
    "policy_id",
    "target_minutes",
    "business_hours",
    "state",
    "started_at",
    "due_at",
    "warn_at",
    "paused_at",
    "used_seconds",
    "fulfilled_at",
)


def policy_rule(policy: SlaPolicy) -> PolicyRule:
    """A policy (targets and calendar intervals/exceptions prefetched) as pure data."""
    spec = spec_for(policy.calendar) if policy.calendar_id else ALWAYS_OPEN
    return PolicyRule(
        id=policy.pk,
        name=policy.name,
        conditions=dict(policy.conditions or {}),
        targets=tuple(
            TargetRule(
                metric=t.metric,
                priority=t.priority,
                minutes=t.minutes,
                business_hours=t.business_hours,
            )
            for t in policy.targets.all()
        ),
        pause=dict(policy.pause_categories or {}),
        warn_at_percent=policy.warn_at_percent,
        business_base=SpecBase(spec),
    )


def active_policies() -> list[SlaPolicy]:
    calendars = BusinessCalendar.objects.prefetch_related("intervals", "exceptions")
    return list(
        SlaPolicy.objects.filter(is_active=True)
        .order_by("order", "pk")
        .prefetch_related("targets", Prefetch("calendar", queryset=calendars))
    )


def _rules_for(policies: list[SlaPolicy]) -> tuple[PolicyRule, ...]:
    cached, rules, _categories = compiled_policies()
    if [p.pk for p in cached] == [p.pk for p in policies]:
        return rules
    return tuple(policy_rule(p) for p in policies)


def compiled_policies() -> tuple[list[SlaPolicy], tuple[PolicyRule, ...], dict[int, str]]:
    """Active policies, their compiled rules and the status -> category map, cached per
    configuration version (statuses bump it too: see SlaConfig.ready)."""

    def build() -> tuple[list[SlaPolicy], tuple[PolicyRule, ...], dict[int, str]]:
        policies = active_policies()
        categories = dict(Status.objects.values_list("pk", "category"))
        return policies, tuple(policy_rule(p) for p in policies), categories

    return SLA_CONFIG.compiled(build)


def _contact(ticket: Ticket) -> Contact:
    """The requester with its organisation: the one the caller already holds (intake) when
    both are loaded, else one query."""
    if Ticket.contact.is_cached(ticket):
        contact = ticket.contact
        if contact.organization_id is None or Contact.organization.is_cached(contact):
            return contact
    return (
        Contact.objects.select_related("organization")
        .only("tier", "organization__tier")
        .get(pk=ticket.contact_id)
    )


def ticket_context(ticket: Ticket, policies: list[SlaPolicy]) -> Context:
    contact = _contact(ticket)
    vip = contact.tier == Tier.VIP or (
        contact.organization is not None and contact.organization.tier == Tier.VIP
    )
    return Context(
        policies=_rules_for(policies),
        status_categories=compiled_policies()[2],
        organization=ticket.organization_id,
        tier=Tier.VIP if vip else Tier.STANDARD,
        initial_type=ticket.type,
    )


def event_data(row: dict) -> Event:
    return Event(
        id=row["id"], type=row["type"], created_at=row["created_at"], changes=row["changes"]
    )


def _new_events(ticket: Ticket, after: int) -> list[Event]:
    rows = (
        TicketEvent.objects.filter(ticket_id=ticket.pk, pk__gt=after)
        .exclude(type__startswith="sla.")
        .order_by("pk")
        .values("id", "type", "created_at", "changes")
    )
    return [event_data(r) for r in rows]


def sla_apply_events(
    *, ticket: Ticket, event_type: str | None = None, new_ticket: bool = False
) -> TicketSla | None:
    """Fold the ticket's unseen events into its SLA state (call inside the transaction that
    wrote them; the caller holds the ticket lock). With `event_type` (the event just
    written) events the fold ignores cost nothing; they are read and skipped next time.
    `new_ticket=True`: the caller created the ticket in this transaction, so it has no SLA
    state and no clocks yet, and neither is read."""
    if _deferred.get() or (event_type is not None and event_type not in FOLDED_TYPES):
        return None
    with transaction.atomic(savepoint=False):  # joins the caller's transaction
        policies = compiled_policies()[0]
        if new_ticket:
            sla = None
        else:
            sla = TicketSla.objects.select_for_update().filter(ticket_id=ticket.pk).first()
        if sla is None and not policies:
            return None  # SLA unused: nothing to keep; a later fold starts from the first event
        return _fold_and_store(ticket, sla, policies, from_scratch=False, new_ticket=new_ticket)


def sla_recompute(*, ticket: Ticket) -> TicketSla | None:
    """Recompute from the whole event log (after a policy or calendar change, or events
    that were backdated)."""
    with transaction.atomic():
        # The ticket lock first, as every ticket change takes it: a change committing
        # meanwhile would otherwise fold its events into a state this then overwrites.
        ticket = ticket_lock(ticket_id=ticket.pk)
        sla = TicketSla.objects.select_for_update().filter(ticket_id=ticket.pk).first()
        return _fold_and_store(ticket, sla, compiled_policies()[0], from_scratch=True)


def _fold_and_store(
    ticket: Ticket,
    sla: TicketSla | None,
    policies: list[SlaPolicy],
    *,
    from_scratch: bool,
    new_ticket: bool = False,
) -> TicketSla | None:
    if sla is None:
        sla = TicketSla(ticket_id=ticket.pk, state=empty_state(), last_event_id=0)
    if from_scratch:
        sla.state, sla.last_event_id = empty_state(), 0
    new_events = _new_events(ticket, sla.last_event_id)
    if not new_events and sla.pk is not None and not from_scratch:
        return sla
    ctx = ticket_context(ticket, policies)
    state = compute(new_events, ctx, state=sla.state or empty_state())
    old_policy_id = sla.policy_id
    sla.state = state
    sla.policy_id = state["policy"]
    if new_events:
        sla.last_event_id = new_events[-1].id
    sla.save()
    by_id = {p.pk: p for p in policies}
    views = project(state, ctx)
    _store_clocks(ticket, views, by_id, old_policy_id, state["policy"], new_ticket=new_ticket)
    return sla


def _policy_actor(policy: SlaPolicy | None) -> Actor:
    name = policy.name if policy else "-"
    return Actor.rule(f"SLA policy: {name}")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _store_clocks(
    ticket: Ticket,
    views: list[ClockView],
    policies: dict[int, SlaPolicy],
    old_policy_id: int | None,
    new_policy_id: int | None,
    *,
    new_ticket: bool = False,
) -> None:
    """Write the projected clocks and the sla.* events of what changed: new clocks in one
    INSERT and the events in another (a new ticket's fold writes two clocks and three
    events)."""
    policy = policies.get(new_policy_id) if new_policy_id else None
    actor = _policy_actor(policy)
    pending: list[tuple[Ticket, str, Actor, dict]] = []
    if old_policy_id != new_policy_id and (policy is not None or old_policy_id is not None):
        old = SlaPolicy.objects.filter(pk=old_policy_id).first() if old_policy_id else None
        pending.append(
            (
                ticket,
                TicketEventType.SLA_POLICY_APPLIED,
                actor if policy else _policy_actor(old),
                {"policy": [events.ref(old), events.ref(policy)]},
            )
        )
    rows = (
        {}
        if new_ticket
        else {(c.metric, c.cycle): c for c in TicketClock.objects.filter(ticket_id=ticket.pk)}
    )
    seen = set()
    added: list[TicketClock] = []
    for view in views:
        key = (view.metric, view.cycle)
        seen.add(key)
        row = rows.get(key)
        old_state = row.state if row else None
        values = {f: getattr(view, f) for f in PROJECTED_FIELDS}
        if row is None:
            row = TicketClock(ticket_id=ticket.pk, metric=view.metric, cycle=view.cycle, **values)
            row.breached = view.breached
            added.append(row)
        else:
            # A breach the scheduler recorded on a running clock stays; a fulfilled clock's
            # result is exactly whether it was late.
            breached = (
                view.breached
                if view.state == ClockState.FULFILLED
                else view.breached or row.breached
            )
            dirty = [f for f, v in values.items() if getattr(row, f) != v]
            if breached != row.breached:
                dirty.append("breached")
                row.breached = breached
            if dirty:
                for f in dirty:
                    if f != "breached":
                        setattr(row, f, values[f])
                row.save(update_fields=[*dirty, "updated_at"])
        pending.extend(_transition_events(ticket, actor, view, old_state))
    if added:
        TicketClock.objects.bulk_create(added)
    for key, row in rows.items():
        if key not in seen and row.state != ClockState.CANCELLED:
            # The policy in force no longer has this target: the clock stops counting.
            row.state = ClockState.CANCELLED
            row.due_at = row.warn_at = None
            row.save(update_fields=["state", "due_at", "warn_at", "updated_at"])
    if pending:
        events.record_many(items=pending)


def _transition_events(
    ticket: Ticket, actor: Actor, view: ClockView, old: str | None
) -> list[tuple[Ticket, str, Actor, dict]]:
    """The sla.* events of one clock going from state `old` to the view's state."""
    if old == view.state:
        return []
    base = {"metric": [None, view.metric]}
    if view.cycle > 1:
        base["cycle"] = [None, view.cycle]
    due = {"due_at": [None, _iso(view.due_at)]}
    found = []
    if old is None:
        started = {**base, "target_minutes": [None, view.target_minutes], **due}
        found.append((ticket, TicketEventType.SLA_STARTED, actor, started))
        if view.state == ClockState.RUNNING:
            return found
    if view.state == ClockState.PAUSED:
        found.append((ticket, TicketEventType.SLA_PAUSED, actor, base))
    elif view.state == ClockState.RUNNING:
        found.append((ticket, TicketEventType.SLA_RESUMED, actor, {**base, **due}))
    elif view.state == ClockState.FULFILLED:
        found.append(
            (
                ticket,
                TicketEventType.SLA_FULFILLED,
                actor,
                {**base, "breached": [None, view.breached]},
            )
        )
    return found


def sla_recompute_open_tickets(*, policy_id: int | None = None, chunk: int = 500) -> int:
    """Recompute every open ticket (or, with `policy_id`, those whose SLA is under that
    policy): after policies were added, re-ordered or changed, which otherwise reaches a
    ticket only at its next event. One transaction per ticket; returns the count."""
    tickets = Ticket.objects.filter(OPEN_Q)
    if policy_id is not None:
        tickets = tickets.filter(sla__policy_id=policy_id)
    count, after = 0, 0
    while True:
        ids = list(tickets.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            return count
        for ticket in Ticket.objects.filter(pk__in=ids).order_by("pk"):
            sla_recompute(ticket=ticket)
            count += 1
        after = ids[-1]
