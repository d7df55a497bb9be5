"""Time rules: indexed due times, minute precision, once per ticket per condition window.

A time rule's 'all' group has 'hours since X greater than N' conditions; their instants
(created, updated, last customer message, last agent reply) plus N hours — business hours
from the ticket's calendar when asked — give the rule's due time on that ticket. One
`RuleDue` row per (rule, ticket) holds it, written when the ticket changes (the ticket
hook) and when a rule is saved. The scheduler reads only unclaimed rows whose due time
has passed (a partial index), claims them with a conditional update (so two workers never
run one row twice), checks the full conditions at that moment and runs the actions.

`anchor` is the condition window: the instants the due time was computed from. While it
stays the same a rule that fired does not fire again; a new agent reply, for example,
moves the instant and opens a new window.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopdesk.tickets.constants import StatusCategory

from . import calendar
from .conditions import Facts, matches
from .constants import TICK_BATCH, TICK_SECONDS, Outcome, RuleKind
from .definition import HOURS_FIELDS
from .engine import CompiledRule, active_rules, execute_rule, load_ticket
from .models import RuleDue

logger = logging.getLogger(__name__)


def due_for(rule: CompiledRule, facts: Facts) -> tuple[datetime, str] | None:
    """(due_at, anchor) of the rule on the ticket, or None when a window has not opened."""
    due = None
    anchor_parts = []
    for cond in rule.all:
        if cond.field not in HOURS_FIELDS or cond.op != "greater_than":
            continue
        base = facts.basis(cond.field)
        if base is None:
            return None
        spec = facts.spec if cond.business_hours else None
        at = calendar.add_seconds(spec, base, int(cond.value * 3600))
        due = at if due is None or at > due else due
        anchor_parts.append(f"{cond.field}={base.isoformat()}")
    if due is None:
        return None
    return due, "|".join(anchor_parts)[:200]


def _refresh(rules: list[CompiledRule], ticket, now: datetime) -> None:
    if ticket is None:
        return
    if ticket.status_category == StatusCategory.CLOSED:
        RuleDue.objects.filter(ticket_id=ticket.pk).delete()
        return
    facts = Facts(ticket=ticket, now=now)
    existing = {row.rule_id: row for row in RuleDue.objects.filter(ticket_id=ticket.pk)}
    for rule in rules:
        result = due_for(rule, facts)
        row = existing.get(rule.id)
        if result is None:
            if row is not None:
                row.delete()
            continue
        due_at, anchor = result
        if row is None:
            try:
                with transaction.atomic():
                    RuleDue.objects.create(
                        rule_id=rule.id, ticket_id=ticket.pk, due_at=due_at, anchor=anchor
                    )
            except IntegrityError:  # another process wrote it first: it computed the same
                pass
            continue
        if row.anchor == anchor and row.fired_at is not None:
            continue  # fired in this window: not again
        if row.anchor == anchor and row.due_at == due_at and row.claimed_at is None:
            continue
        # A new window, or the same one re-armed because the ticket changed since a check
        # found the conditions false (it may match now).
        RuleDue.objects.filter(pk=row.pk).update(
            due_at=due_at,
            anchor=anchor,
            claimed_at=None,
            fired_at=None if row.anchor != anchor else row.fired_at,
        )
    stale = set(existing) - {r.id for r in rules}
    if stale:
        RuleDue.objects.filter(ticket_id=ticket.pk, rule_id__in=stale).delete()


def _time_rules() -> list[CompiledRule]:
    return [r for r in active_rules() if r.kind == RuleKind.TIME]


def due_refresh_ticket(*, ticket_id: int, now: datetime | None = None) -> None:
    rules = _time_rules()
    if not rules:  # rows of deactivated or deleted rules are removed with them
        return
    _refresh(rules, load_ticket(ticket_id), now or timezone.now())


def due_refresh_rule(*, rule_id: int, now: datetime | None = None) -> int:
    """After a rule is saved: its due time on every ticket that is not closed."""
    from loopdesk.tickets.models import Ticket

    rules = [r for r in _time_rules() if r.id == rule_id]
    if not rules:
        RuleDue.objects.filter(rule_id=rule_id).delete()
        return 0
    now = now or timezone.now()
    count = 0
    tickets = (
        Ticket.objects.exclude(status_category=StatusCategory.CLOSED)
        .select_related("status", "contact__organization", "team", "organization")
        .order_by("pk")
    )
    rule = rules[0]
    for ticket in tickets.iterator(chunk_size=500):
        facts = Facts(ticket=ticket, now=now)
        result = due_for(rule, facts)
        if result is None:
            continue
        RuleDue.objects.update_or_create(
            rule_id=rule.id,
            ticket_id=ticket.pk,
            defaults={
                "due_at": result[0],
                "anchor": result[1],
                "claimed_at": None,
                "fired_at": None,
            },
        )
        count += 1
    return count


@dataclass
class TickResult:
    checked: int = 0
    fired: int = 0


def automation_tick(*, now: datetime | None = None, batch_size: int = TICK_BATCH) -> TickResult:
    """Run every time rule that is due at `now`. Safe to run in several workers at once."""
    now = now or timezone.now()
    result = TickResult()
    rules = {r.id: r for r in _time_rules()}
    rows = list(
        RuleDue.objects.filter(claimed_at__isnull=True, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", "rule_id", "ticket_id")[:batch_size]
    )
    for pk, rule_id, ticket_id in rows:
        if not RuleDue.objects.filter(pk=pk, claimed_at__isnull=True).update(claimed_at=now):
            continue  # another worker claimed it
        result.checked += 1
        rule = rules.get(rule_id)
        ticket = load_ticket(ticket_id)
        if rule is None or ticket is None:
            continue
        facts = Facts(ticket=ticket, now=now)
        if not matches(rule.all, rule.any, facts):
            continue
        # Marked fired before the actions run: their own ticket events refresh this row
        # and must see the window as used.
        RuleDue.objects.filter(pk=pk).update(fired_at=now)
        execution = execute_rule(rule, ticket_id=ticket_id, source="time")
        if execution.outcome == Outcome.APPLIED:
            result.fired += 1
        else:
            RuleDue.objects.filter(pk=pk).update(fired_at=None)
    if result.checked:
        logger.info("automation tick checked=%s fired=%s", result.checked, result.fired)
    return result


def automation_scheduler_loop(
    *, interval: float = TICK_SECONDS, stop: threading.Event | None = None, once: bool = False
) -> None:
    """The worker's time-rule loop: a tick every `interval` seconds; a failing tick is
    logged and the loop goes on."""
    from django.db import close_old_connections

    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            automation_tick()
        except Exception:
            logger.exception("automation tick failed")
        finally:
            close_old_connections()
        if once:
            return
        stop.wait(interval)
