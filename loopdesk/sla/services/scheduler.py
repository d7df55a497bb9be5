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
from .notify import RECIPIENT_KINDS, sla_notify, sla_recipients

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
    # The filters repeat the partial index conditions literally so both planners use them.
    if kind == BREACH:
        qs = TicketClock.objects.filter(
            state=ClockState.RUNNING, breach_fired_at__isnull=True, due_at__lte=now
        ).order_by("due_at")
    else:
        qs = TicketClock.objects.filter(
            state=ClockState.RUNNING, warning_fired_at__isnull=True, warn_at__lte=now
        ).order_by("warn_at")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return qs[:batch_size]


def _claim(kind: str, clock: TicketClock, now: datetime) -> bool:
    base = TicketClock.objects.filter(pk=clock.pk, state=ClockState.RUNNING)
    if kind == BREACH:
        # A breach also settles the warning: one that was never sent is stale now.
        claimed = base.filter(breach_fired_at__isnull=True).update(
            breach_fired_at=now,
            breached=True,
            warning_fired_at=clock.warning_fired_at or now,
        )
    else:
        claimed = base.filter(warning_fired_at__isnull=True, breach_fired_at__isnull=True).update(
            warning_fired_at=now
        )
    return claimed == 1


def _run_actions(
    *, ticket: Ticket, clock: TicketClock, actions: list, event_type: str, actor: Actor
) -> list[str]:
    """Run one moment's escalation actions; a failing action is logged and skipped so it
    cannot block the others or roll back the event (it runs in its own savepoint)."""
    errors: list[str] = []
    notified: set[int] = set()
    for action in actions if isinstance(actions, list) else []:
        if not isinstance(action, dict):
            continue
        name = action.get("action")
        try:
            with transaction.atomic():
                if name == "notify":
                    to = action.get("to", "assignee")
                    if to in RECIPIENT_KINDS:
                        sla_notify(
                            ticket=ticket,
                            users=sla_recipients(ticket=ticket, to=to),
                            kind=event_type,
                            metric=clock.metric,
                            seen=notified,
                        )
                elif name == "raise_priority":
                    # Priorities run P1 (urgent) .. P4: one step up is one number down.
                    if ticket.priority > min(Priority.values):
                        ticket = ticket_update(
                            ticket=ticket, actor=actor, changes={"priority": ticket.priority - 1}
                        )
                elif name == "set_team":
                    team = Team.objects.filter(pk=action.get("team")).first()
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


def _fire(kind: str, clock: TicketClock, now: datetime) -> list[str]:
    ticket = Ticket.objects.select_related("team", "assignee").get(pk=clock.ticket_id)
    policy = clock.policy
    actor = sla_actor(policy)
    event_type = TicketEventType.SLA_BREACHED if kind == BREACH else TicketEventType.SLA_WARNING
    moment = clock.due_at if kind == BREACH else clock.warn_at
    events.record(
        ticket=ticket,
        type=event_type,
        actor=actor,
        changes={
            "metric": [None, clock.metric],
            "cycle": [None, clock.cycle],
            "due_at": [None, clock.due_at.isoformat() if clock.due_at else None],
            ("breached_at" if kind == BREACH else "warn_at"): [None, moment.isoformat()],
        },
    )
    escalation = (policy.escalation if policy else None) or {}
    if not isinstance(escalation, dict):
        return []
    return _run_actions(
        ticket=ticket,
        clock=clock,
        actions=escalation.get(kind, []),
        event_type=event_type,
        actor=actor,
    )


def _process(kind: str, now: datetime, batch_size: int, result: TickResult) -> None:
    with transaction.atomic():
        clocks = list(_candidates(kind, now, batch_size))
        if len(clocks) >= batch_size:
            result.full = True
        policies = {p.pk: p for p in SlaPolicy.objects.filter(pk__in={c.policy_id for c in clocks})}
        for clock in clocks:
            if not _claim(kind, clock, now):
                result.skipped += 1
                continue
            clock.policy = policies.get(clock.policy_id)
            result.action_errors += _fire(kind, clock, now)
            if kind == BREACH:
                result.breaches += 1
            else:
                result.warnings += 1


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
    batch means more is due: tick again at once. Database errors are logged and retried
    at the next tick so a restart of the database does not end the loop."""
    from django.db import DatabaseError, close_old_connections

    while True:
        close_old_connections()  # a long-lived loop must not keep a dead connection
        try:
            result = sla_tick()
        except DatabaseError:
            logger.exception("sla tick failed; retrying at the next tick")
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
