"""The SLA scheduler tick: fire warnings and breaches of due clocks, exactly once.

`sla_tick(now=...)` finds running clocks whose warn_at / due_at has passed through the two
partial indexes on TicketClock (clock_warn_pending, clock_due_pending) — it never scans
tickets — and handles each in the tick's transaction:

1. claim it with a conditional UPDATE (`... WHERE pk = X AND breach_fired_at IS NULL`);
   only the worker whose UPDATE changed the row goes on, so two workers or a rerun after
   a crash never fire one twice (the claim, the event and the actions commit together);
2. record `sla.warning` / `sla.breached` on the ticket with the policy as cause;
3. run the policy's escalation actions for that moment (notify, raise priority, set team,
   add tag); ticket changes go through `ticket_update` so they are events too.

On PostgreSQL the candidates are read with FOR UPDATE SKIP LOCKED, so a second worker
skips rows the first is handling instead of queueing behind them; on SQLite the
IMMEDIATE transaction serialises the ticks.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from loopdesk.accounts.models import Team
from loopdesk.core.exceptions import LoopdeskError
from loopdesk.tickets import events
from loopdesk.tickets.constants import Priority
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket, TicketEventType
from loopdesk.tickets.services import ticket_update

from ..constants import ClockState
from ..models import SlaPolicy, TicketClock
from .notify import RECIPIENT_KINDS, NotificationBatch

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000  # clocks per kind per tick; the loop runs again at once when one is full
WARNING, BREACH = "warning", "breach"


@dataclass
class TickResult:
    warnings: int = 0
    breaches: int = 0
    skipped: int = 0  # claimed by another worker between our read and our UPDATE
    full: bool = False  # a batch was full: more may be due right now
    action_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def sla_actor(policy: SlaPolicy | None) -> Actor:
    return Actor.rule(f"SLA policy: {policy.name}" if policy else "SLA")


def _candidates(kind: str, now: datetime, batch_size: int) -> QuerySet[TicketClock]:
    # The filters repeat the partial index conditions, with the state written into the SQL
    # (core/lookups.py: a bound parameter hides the condition from SQLite's planner).
    if kind == BREACH:
        qs = TicketClock.objects.filter(
            state__lit=ClockState.RUNNING, breach_fired_at__isnull=True, due_at__lte=now
        ).order_by("due_at")
    else:
        qs = TicketClock.objects.filter(
            state__lit=ClockState.RUNNING, warning_fired_at__isnull=True, warn_at__lte=now
        ).order_by("warn_at")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return qs[:batch_size]


def _claim(kind: str, ids: list[int], now: datetime) -> set[int]:
    """The conditional UPDATE that makes firing idempotent, for a batch at once:
    `UPDATE ... WHERE id IN (...) AND state = 'running' AND <fired_at> IS NULL RETURNING id`.
    Only rows this statement changed come back; a row another worker (or an earlier run)
    already claimed no longer matches. Both databases support RETURNING (SQLite ≥ 3.35)."""
    if not ids:
        return set()
    table = connection.ops.quote_name(TicketClock._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    marks = ", ".join(["%s"] * len(ids))
    if kind == BREACH:
        # A breach also settles the warning: one that was never sent is stale now.
        sets = (
            "breach_fired_at = %s, breached = %s, warning_fired_at = COALESCE(warning_fired_at, %s)"
        )
        params = [stamp, True, stamp]
        pending = "breach_fired_at IS NULL"
    else:
        sets = "warning_fired_at = %s"
        params = [stamp]
        pending = "warning_fired_at IS NULL AND breach_fired_at IS NULL"
    sql = (
        f"UPDATE {table} SET {sets} WHERE id IN ({marks}) AND state = %s AND {pending} "  # noqa: S608 — identifiers are ours, values bound
        "RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *ids, ClockState.RUNNING.value])
        return {row[0] for row in cursor.fetchall()}


def _run_actions(
    *,
    ticket: Ticket,
    clock: TicketClock,
    actions: list,
    event_type: str,
    actor: Actor,
    notices: NotificationBatch,
) -> list[str]:
    """Run one moment's escalation actions. Notifications are collected into the tick's
    batch; a ticket change that fails is logged and skipped (in its own savepoint) so it
    cannot block the others or roll back the event."""
    errors: list[str] = []
    notified: set[int] = set()
    for action in actions:
        if not isinstance(action, dict):
            continue
        name = action.get("action")
        if name == "notify":
            to = action.get("to", "assignee")
            if to in RECIPIENT_KINDS:
                notices.add(
                    ticket=ticket,
                    users=notices.recipients(ticket=ticket, to=to),
                    kind=event_type,
                    metric=clock.metric,
                    seen=notified,
                )
            else:
                errors.append(f"notify: unknown recipients {to!r}")
            continue
        try:
            with transaction.atomic():
                if name == "raise_priority":
                    # Priorities run P1 (urgent) .. P4: one step up is one number down.
                    if ticket.priority > min(Priority.values):
                        ticket = ticket_update(
                            ticket=ticket, actor=actor, changes={"priority": ticket.priority - 1}
                        )
                elif name == "set_team":
                    # A malformed id must not raise here: one poisoned policy would fail
                    # every tick and hold back all other breaches.
                    team_id = action.get("team")
                    valid = isinstance(team_id, int) and not isinstance(team_id, bool)
                    team = Team.objects.filter(pk=team_id).first() if valid else None
                    if team is None:
                        errors.append(f"set_team: team {action.get('team')!r} does not exist")
                    elif team.pk != ticket.team_id:
                        ticket = ticket_update(ticket=ticket, actor=actor, changes={"team": team})
                elif name == "add_tag":
                    tags = sorted(ticket.tags.values_list("name", flat=True))
                    tag = str(action.get("tag", "")).strip()
                    if tag and tag.casefold() not in tags:
                        ticket = ticket_update(
                            ticket=ticket, actor=actor, changes={"tags": [*tags, tag]}
                        )
                else:
                    errors.append(f"unknown action {name!r}")
        except LoopdeskError as exc:
            errors.append(f"{name}: {exc.message}")
    for error in errors:
        logger.warning("sla escalation ticket=%s clock=%s %s", ticket.pk, clock.pk, error)
    return errors


def _event_changes(kind: str, clock: TicketClock) -> dict:
    moment = clock.due_at if kind == BREACH else clock.warn_at
    return {
        "metric": [None, clock.metric],
        "cycle": [None, clock.cycle],
        "due_at": [None, clock.due_at.isoformat() if clock.due_at else None],
        ("breached_at" if kind == BREACH else "warn_at"): [None, moment.isoformat()],
    }


def _actions(policy: SlaPolicy | None, kind: str) -> list:
    escalation = (policy.escalation if policy else None) or {}
    actions = escalation.get(kind, []) if isinstance(escalation, dict) else []
    return actions if isinstance(actions, list) else []


def _process(kind: str, now: datetime, batch_size: int, result: TickResult) -> None:
    event_type = TicketEventType.SLA_BREACHED if kind == BREACH else TicketEventType.SLA_WARNING
    with transaction.atomic():
        clocks = list(_candidates(kind, now, batch_size))
        if len(clocks) >= batch_size:
            result.full = True
        claimed = _claim(kind, [c.pk for c in clocks], now)
        result.skipped += len(clocks) - len(claimed)
        clocks = [c for c in clocks if c.pk in claimed]
        if not clocks:
            return
        policies = SlaPolicy.objects.in_bulk({c.policy_id for c in clocks if c.policy_id})
        tickets = Ticket.objects.select_related("team", "assignee").in_bulk(
            {c.ticket_id for c in clocks}
        )
        for clock in clocks:
            clock.policy = policies.get(clock.policy_id)
        # The events first, in one INSERT; then each clock's actions, whose own events
        # (priority raised, tag added) follow the breach in the ticket's history.
        events.record_many(
            items=[
                (tickets[c.ticket_id], event_type, sla_actor(c.policy), _event_changes(kind, c))
                for c in clocks
            ]
        )
        notices = NotificationBatch()
        for clock in clocks:
            actions = _actions(clock.policy, kind)
            if actions:
                result.action_errors += _run_actions(
                    ticket=tickets[clock.ticket_id],
                    clock=clock,
                    actions=actions,
                    event_type=event_type,
                    actor=sla_actor(clock.policy),
                    notices=notices,
                )
        notices.flush()
        if kind == BREACH:
            result.breaches += len(clocks)
        else:
            result.warnings += len(clocks)


def sla_tick(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> TickResult:
    """Fire what is due at `now`: breaches first (a breach settles a pending warning),
    then warnings. Safe to run from any number of workers at once."""
    started = time.perf_counter()
    now = now or timezone.now()
    result = TickResult()
    _process(BREACH, now, batch_size, result)
    _process(WARNING, now, batch_size, result)
    result.seconds = time.perf_counter() - started
    if result.breaches or result.warnings:
        logger.info(
            "sla tick breaches=%s warnings=%s skipped=%s seconds=%.3f",
            result.breaches,
            result.warnings,
            result.skipped,
            result.seconds,
        )
    return result


TICK_SECONDS = 20  # warnings and breaches fire within this (well under a minute) of due


def sla_scheduler_loop(*, interval: float = TICK_SECONDS, stop=None, once: bool = False) -> None:
    """Tick every `interval` seconds until `stop` (a threading.Event) is set. A full
    batch means more is due: tick again at once. Errors are logged and the next tick
    retries, so neither a database restart nor one bad ticket ends the loop (which runs
    as a thread inside `loopdesk worker` and would otherwise die silently)."""
    from django.db import DatabaseError, close_old_connections

    while True:
        close_old_connections()  # a long-lived loop must not keep a dead connection
        try:
            result = sla_tick()
        except DatabaseError:
            logger.exception("sla tick failed; retrying at the next tick")
            result = TickResult()
        except Exception:  # noqa: BLE001 — the loop supervises ticks: one bad tick must not end it
            logger.exception("sla tick crashed; retrying at the next tick")
            result = TickResult()
        if once:
            return
        if result.full:
            continue
        if stop is not None:
            if stop.wait(interval):
                return
        else:
            time.sleep(interval)
