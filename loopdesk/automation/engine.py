"""The one rule engine: compiled rules (cached per rule-set version), trigger evaluation
on ticket events, rule execution with its log and history event, and the loop guard.

Triggers run as the ticket hook "automation" (order 10) after each commit. The loop guard:
- within one chain of reactions (a person's change and the rule changes it causes), each
  rule fires at most once per ticket, and never on events it caused itself;
- per ticket, at most LOOPDESK_AUTOMATION_HOURLY_CAP rule executions per rolling hour; the
  next one is refused, logged, and an `automation.loop_capped` event alerts on the ticket.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from loopdesk.core.config_cache import ConfigCache
from loopdesk.core.exceptions import LoopdeskError
from loopdesk.tickets import events as ticket_events
from loopdesk.tickets.constants import CauseKind
from loopdesk.tickets.events import Actor
from loopdesk.tickets.hooks import TicketChange
from loopdesk.tickets.lock_objects import ticket_lock
from loopdesk.tickets.models import Status, Ticket, TicketEvent, TicketEventType

from .actions import apply_actions, history_changes
from .conditions import CompiledCondition, Facts, compile_conditions, matches
from .constants import DEFAULT_HOURLY_CAP, EventKind, Outcome, RuleKind
from .definition import Definition
from .models import Rule, RuleExecution

logger = logging.getLogger(__name__)


_TYPE_TO_KINDS: dict[str, tuple[str, ...]] = {
    TicketEventType.CREATED: (EventKind.CREATED,),
    TicketEventType.CUSTOMER_REPLIED: (EventKind.CUSTOMER_REPLIED,),
    TicketEventType.REPLY_SENT: (EventKind.AGENT_REPLIED,),
    TicketEventType.SLA_WARNING: (EventKind.SLA_WARNING,),
    TicketEventType.SLA_BREACHED: (EventKind.SLA_BREACH,),
}
for _type in (
    TicketEventType.STATUS_CHANGED,
    TicketEventType.REOPENED,
    TicketEventType.ASSIGNED,
    TicketEventType.TEAM_CHANGED,
    TicketEventType.PRIORITY_CHANGED,
    TicketEventType.TYPE_CHANGED,
    TicketEventType.CATEGORY_CHANGED,
    TicketEventType.SUBJECT_CHANGED,
    TicketEventType.TAGS_CHANGED,
    TicketEventType.CUSTOM_FIELDS_CHANGED,
):
    _TYPE_TO_KINDS[_type] = (EventKind.UPDATED, EventKind.FIELD_CHANGED)


def event_kinds(types: tuple[str, ...] | list[str]) -> set[str]:
    kinds: set[str] = set()
    for type_ in types:
        kinds.update(_TYPE_TO_KINDS.get(type_, ()))
    return kinds


@dataclass(frozen=True)
class CompiledRule:
    id: int
    name: str
    kind: str
    events: frozenset[str]
    all: tuple[CompiledCondition, ...]
    any: tuple[CompiledCondition, ...]
    actions: tuple
    stop_processing: bool
    revision: int
    owner_id: int | None

    @property
    def actor_ref(self) -> str:
        return f"Rule: {self.name}"


def compile_rule(rule: Rule, status_ids: dict[str, int] | None = None) -> CompiledRule:
    definition = Definition.model_validate({"conditions": rule.conditions, "actions": rule.actions})
    all_, any_ = compile_conditions(definition.conditions, status_ids)
    return CompiledRule(
        id=rule.pk,
        name=rule.name,
        kind=rule.kind,
        events=frozenset(rule.events or []),
        all=all_,
        any=any_,
        actions=tuple(definition.actions),
        stop_processing=rule.stop_processing,
        revision=rule.revision,
        owner_id=rule.created_by_id,
    )


# --- the compiled rule set, per process, keyed by a shared version --------------------------

# Rules and the statuses they name (the apps' signals and the services mark writes).
RULES_CONFIG = ConfigCache("automation")
_local = threading.local()


def rules_changed() -> None:
    """Call after writing rules or statuses: every process recompiles at its next use (the
    writing one at once, until its transaction commits or rolls back)."""
    RULES_CONFIG.changed()


def _load_rules() -> tuple[CompiledRule, ...]:
    status_ids = dict(Status.objects.values_list("key", "pk"))
    compiled = []
    for rule in Rule.objects.filter(is_active=True).order_by("order", "pk"):
        try:
            compiled.append(compile_rule(rule, status_ids))
        except ValueError:  # stored before a schema change: skip it, say so
            logger.error("automation: rule %s does not match the schema; skipped", rule.pk)
    return tuple(compiled)


def active_rules() -> tuple[CompiledRule, ...]:
    return RULES_CONFIG.compiled(_load_rules)


def reset() -> None:
    RULES_CONFIG.reset()
    _local.chains = {}


# --- loop guard ---------------------------------------------------------------------------


def _chain(ticket_id: int, depth: int) -> set[int]:
    chains = getattr(_local, "chains", None)
    if chains is None:
        chains = _local.chains = {}
    if depth == 0 or ticket_id not in chains:
        chains[ticket_id] = set()
    return chains[ticket_id]


def _hourly_cap() -> int:
    return int(getattr(settings, "LOOPDESK_AUTOMATION_HOURLY_CAP", DEFAULT_HOURLY_CAP))


def _over_cap(ticket_id: int, now: datetime) -> bool:
    recent = RuleExecution.objects.filter(
        ticket_id=ticket_id,
        rule__isnull=False,
        outcome=Outcome.APPLIED,
        created_at__gte=now - timedelta(hours=1),
    ).count()
    return recent >= _hourly_cap()


def _record_capped(rule: CompiledRule, ticket_id: int, source: str, depth: int, now) -> None:
    logger.warning(
        "automation loop guard: ticket=%s reached %s rule executions in an hour; rule %s stopped",
        ticket_id,
        _hourly_cap(),
        rule.id,
    )
    with transaction.atomic():
        already = RuleExecution.objects.filter(
            ticket_id=ticket_id, outcome=Outcome.CAPPED, created_at__gte=now - timedelta(hours=1)
        ).exists()
        RuleExecution.objects.create(
            rule_id=rule.id,
            ticket_id=ticket_id,
            source=source,
            outcome=Outcome.CAPPED,
            depth=depth,
            rule_revision=rule.revision,
        )
        if not already:  # one alert per hour, not one per refused rule
            ticket = ticket_lock(ticket_id=ticket_id)
            ticket_events.record(
                ticket=ticket,
                type=TicketEventType.RULE_LOOP_CAPPED,
                actor=Actor.system("automation loop guard"),
                changes={"rule": [None, {"id": rule.id, "name": rule.name}]},
            )


# --- execution -------------------------------------------------------------------------------


def execute_rule(
    rule: CompiledRule, *, ticket_id: int, source: str, depth: int = 0
) -> RuleExecution:
    """Run the rule's actions on the ticket in one transaction, with the history event and
    the log row; a failure (a status that no longer exists, a closed ticket) rolls the
    actions back and is logged as a failed execution."""
    from loopdesk.accounts.models import User

    actor = Actor.rule(rule.actor_ref)
    owner = User.objects.filter(pk=rule.owner_id).first() if rule.owner_id else None
    holder: list[int] = []
    try:
        with transaction.atomic():
            ticket = ticket_lock(ticket_id=ticket_id)
            diff = apply_actions(
                actions=list(rule.actions),
                ticket=ticket,
                actor=actor,
                title=rule.actor_ref,
                owner=owner,
                execution_id_holder=holder,
            )
            ticket_events.record(
                ticket=ticket,
                type=TicketEventType.RULE_APPLIED,
                actor=actor,
                changes={
                    "rule": [None, {"id": rule.id, "name": rule.name}],
                    **history_changes(diff),
                },
            )
            execution = RuleExecution.objects.create(
                rule_id=rule.id,
                ticket_id=ticket_id,
                source=source,
                outcome=Outcome.APPLIED,
                changes=diff,
                depth=depth,
                rule_revision=rule.revision,
            )
            holder.append(execution.pk)
    except LoopdeskError as exc:
        logger.warning("automation: rule %s failed on ticket %s: %s", rule.id, ticket_id, exc)
        execution = RuleExecution.objects.create(
            rule_id=rule.id,
            ticket_id=ticket_id,
            source=source,
            outcome=Outcome.FAILED,
            error=str(exc.message)[:500],
            depth=depth,
            rule_revision=rule.revision,
        )
    return execution


FACT_FIELDS = (
    "number",
    "subject",
    "status_id",
    "status_category",
    "priority",
    "type",
    "category_id",
    "channel",
    "team_id",
    "assignee_id",
    "organization_id",
    "custom_fields",
    "created_at",
    "updated_at",
    "last_customer_message_at",
    "last_agent_message_at",
    "contact__name",
    "contact__primary_email",
    "contact__tier",
    "contact__organization__tier",
    "sla__policy_id",
)


def load_ticket(ticket_id: int) -> Ticket | None:
    return (
        # Only what conditions read (ids suffice for status, team, …); the actions work on
        # a freshly locked row. Each join costs on the hot path of every ticket event.
        Ticket.objects.select_related("contact__organization", "sla")
        .only(*FACT_FIELDS)
        .filter(pk=ticket_id)
        .first()
    )


def run_triggers(change: TicketChange, *, now: datetime | None = None) -> list[RuleExecution]:
    """Evaluate the active triggers for one ticket's committed events, in rule order."""
    kinds = event_kinds(change.types)
    if not kinds:
        return []
    rules = [r for r in active_rules() if r.kind == RuleKind.TRIGGER and r.events & kinds]
    if not rules:
        return []
    ticket = load_ticket(change.ticket_id)
    if ticket is None:
        return []
    now = now or timezone.now()
    event_rows = list(
        TicketEvent.objects.filter(pk__in=change.event_ids)
        .select_related("message")  # the message text comes with its event: one query
        .only(
            "pk", "type", "changes", "message_id", "cause_kind", "cause_ref", "message__body_text"
        )
    )
    facts = Facts(ticket=ticket, now=now, events=event_rows)
    chain = _chain(change.ticket_id, change.depth)
    causes = {(e.cause_kind, e.cause_ref) for e in event_rows}
    source = sorted(kinds)[0]
    executed = []
    for rule in rules:
        if rule.id in chain or causes == {(CauseKind.RULE, rule.actor_ref)}:
            continue  # loop guard: not again in this chain, never on its own changes
        if not matches(rule.all, rule.any, facts):
            continue
        chain.add(rule.id)
        if _over_cap(change.ticket_id, now):
            _record_capped(rule, change.ticket_id, source, change.depth, now)
            break
        execution = execute_rule(
            rule, ticket_id=change.ticket_id, source=source, depth=change.depth
        )
        executed.append(execution)
        if execution.outcome == Outcome.APPLIED:
            ticket = load_ticket(change.ticket_id)
            if ticket is None:
                break
            facts = Facts(ticket=ticket, now=now, events=event_rows)
        if rule.stop_processing:
            break
    return executed


def on_ticket_change(change: TicketChange) -> None:
    """The ticket hook: triggers first, then the time rules' due times of this ticket."""
    from .timerules import due_refresh_ticket

    run_triggers(change)
    due_refresh_ticket(ticket_id=change.ticket_id)
