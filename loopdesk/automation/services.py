"""The only writers of automation data: rules, macros, canned replies; plus macro
application and the dry run (which writes nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Team, User
from loopdesk.core.exceptions import LoopdeskError, NotFound, PermissionDenied, ValidationFailed
from loopdesk.tickets import events as ticket_events
from loopdesk.tickets.events import Actor
from loopdesk.tickets.lock_objects import ticket_lock
from loopdesk.tickets.models import Ticket, TicketEventType
from loopdesk.tickets.permissions import can_edit

from . import actions as rule_actions
from .conditions import Facts, compile_conditions, matches
from .constants import DRY_RUN_SAMPLE, DRY_RUN_SCAN, SCHEMA_VERSION, Language, Outcome
from .definition import dump
from .engine import rules_changed
from .models import CannedReply, Macro, Rule, RuleExecution
from .permissions import can_edit_shared, can_manage_rules, can_use_macros
from .placeholders import context_for, render, unknown_names
from .validation import parse_macro, parse_rule

RULE_FIELDS = {
    "name",
    "kind",
    "events",
    "conditions",
    "actions",
    "order",
    "is_active",
    "stop_processing",
}


def _require_manager(user: User) -> None:
    if not can_manage_rules(user):
        raise PermissionDenied(_("Only admins and supervisors can change rules."))


def _clean_name(name: Any) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > 100:
        raise ValidationFailed(_("Name must be 1–100 characters."), field="name")
    return name


def _after_rule_write(rule: Rule) -> None:
    rules_changed()
    from .tasks import rule_due_refresh_task

    rule_id = rule.pk
    transaction.on_commit(lambda: rule_due_refresh_task.enqueue(rule_id=rule_id))


def rule_create(
    *,
    user: User,
    name: str,
    kind: str,
    events: list[str] | None = None,
    conditions: dict | None = None,
    actions: list | None = None,
    order: int | None = None,
    is_active: bool = True,
    stop_processing: bool = False,
) -> Rule:
    _require_manager(user)
    name = _clean_name(name)
    event_list, definition = parse_rule(
        kind=kind, events=events or [], conditions=conditions or {}, actions=actions or []
    )
    try:
        with transaction.atomic():
            if order is None:
                last = Rule.objects.order_by("-order").values_list("order", flat=True).first()
                order = (last or 0) + 10
            rule = Rule.objects.create(
                name=name,
                kind=kind,
                events=event_list,
                conditions=dump(definition.conditions),
                actions=[dump(a) for a in definition.actions],
                schema_version=SCHEMA_VERSION,
                order=max(0, int(order)),
                is_active=bool(is_active),
                stop_processing=bool(stop_processing),
                created_by=user,
            )
            _after_rule_write(rule)
    except IntegrityError as exc:
        raise ValidationFailed(_("A rule with this name already exists."), field="name") from exc
    return rule


def rule_update(*, user: User, rule: Rule, changes: dict[str, Any]) -> Rule:
    _require_manager(user)
    unknown = set(changes) - RULE_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    kind = changes.get("kind", rule.kind)
    event_list, definition = parse_rule(
        kind=kind,
        events=changes.get("events", rule.events),
        conditions=changes.get("conditions", rule.conditions),
        actions=changes.get("actions", rule.actions),
    )
    if "name" in changes:
        rule.name = _clean_name(changes["name"])
    rule.kind = kind
    rule.events = event_list
    rule.conditions = dump(definition.conditions)
    rule.actions = [dump(a) for a in definition.actions]
    rule.schema_version = SCHEMA_VERSION
    for key in ("order", "is_active", "stop_processing"):
        if key in changes:
            value = changes[key]
            setattr(rule, key, max(0, int(value)) if key == "order" else bool(value))
    rule.revision = F("revision") + 1
    try:
        with transaction.atomic():
            rule.save()
            _after_rule_write(rule)
    except IntegrityError as exc:
        raise ValidationFailed(_("A rule with this name already exists."), field="name") from exc
    rule.refresh_from_db()
    return rule


def rule_set_active(*, user: User, rule: Rule, active: bool) -> Rule:
    return rule_update(user=user, rule=rule, changes={"is_active": active})


def rule_move(*, user: User, rule: Rule, direction: str) -> None:
    """Swap the rule with its neighbour above ("up") or below ("down")."""
    _require_manager(user)
    ordered = list(Rule.objects.order_by("order", "pk"))
    index = next(i for i, r in enumerate(ordered) if r.pk == rule.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    with transaction.atomic():
        for position, item in enumerate(ordered):
            if item.order != (position + 1) * 10:
                Rule.objects.filter(pk=item.pk).update(order=(position + 1) * 10)
        rules_changed()


def rule_delete(*, user: User, rule: Rule) -> None:
    _require_manager(user)
    with transaction.atomic():
        rule.delete()
        rules_changed()


# --- dry run -------------------------------------------------------------------------------


@dataclass
class DryRunResult:
    scanned: int = 0
    matched: int = 0
    sample: list[dict] = field(default_factory=list)


def rule_dry_run(
    *,
    user: User,
    kind: str,
    events: list[str] | None,
    conditions: dict | None,
    actions: list | None,
    now=None,
    limit: int = DRY_RUN_SCAN,
) -> DryRunResult:
    """Which of the most recent tickets the user can see match the (unsaved) rule now, and
    what it would change on each. Writes nothing. Trigger conditions on changes
    ('changed', 'changed to') are false here: no event is being reacted to."""
    _require_manager(user)
    _events, definition = parse_rule(
        kind=kind, events=events or [], conditions=conditions or {}, actions=actions or []
    )
    all_, any_ = compile_conditions(definition.conditions)
    now = now or timezone.now()
    result = DryRunResult()
    tickets = (
        Ticket.objects.visible_to(user)
        .select_related(
            "status", "contact__organization", "team", "organization", "assignee", "sla"
        )
        .prefetch_related("tags")
        .order_by("-updated_at", "-pk")[:limit]
    )
    for ticket in tickets:
        result.scanned += 1
        if not matches(all_, any_, Facts(ticket=ticket, now=now)):
            continue
        result.matched += 1
        if len(result.sample) < DRY_RUN_SAMPLE:
            try:
                the_plan = rule_actions.plan(list(definition.actions), ticket)
                diff, effects, error = the_plan.diff, the_plan.effects, ""
            except LoopdeskError as exc:
                diff, effects, error = {}, [], exc.message
            result.sample.append(
                {
                    "number": ticket.number,
                    "subject": ticket.subject,
                    "diff": diff,
                    "effects": effects,
                    "error": error,
                }
            )
    return result


# --- macros --------------------------------------------------------------------------------


def _scope(user: User, *, personal: bool, team: Team | None) -> tuple[User | None, Team | None]:
    if personal:
        return user, None
    if not can_edit_shared(user, team.pk if team else None):
        raise PermissionDenied(
            _("Only admins (and supervisors for their teams) can share macros and replies.")
        )
    return None, team


def macro_create(
    *, user: User, name: str, actions: list, personal: bool = True, team: Team | None = None
) -> Macro:
    if not can_use_macros(user):
        raise PermissionDenied(_("Only staff can create macros."))
    name = _clean_name(name)
    definition = parse_macro(actions)
    owner, team = _scope(user, personal=personal, team=team)
    return Macro.objects.create(
        name=name, actions=[dump(a) for a in definition.actions], owner=owner, team=team
    )


def _require_macro_editor(user: User, macro: Macro) -> None:
    if macro.owner_id == user.pk:
        return
    if macro.owner_id is None and can_edit_shared(user, macro.team_id):
        return
    raise PermissionDenied(_("You cannot change this macro."))


def macro_update(*, user: User, macro: Macro, changes: dict[str, Any]) -> Macro:
    _require_macro_editor(user, macro)
    unknown = set(changes) - {"name", "actions", "is_active"}
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    fields = []
    if "name" in changes:
        macro.name = _clean_name(changes["name"])
        fields.append("name")
    if "actions" in changes:
        macro.actions = [dump(a) for a in parse_macro(changes["actions"]).actions]
        fields.append("actions")
    if "is_active" in changes:
        macro.is_active = bool(changes["is_active"])
        fields.append("is_active")
    if fields:
        macro.save(update_fields=[*fields, "updated_at"])
    return macro


def macro_delete(*, user: User, macro: Macro) -> None:
    _require_macro_editor(user, macro)
    macro.delete()


def macro_apply(
    *, user: User, macro: Macro, ticket: Ticket, actor: Actor | None = None
) -> RuleExecution:
    """Apply a macro as the agent (history shows the agent and "Macro: <name>"). The caller
    found the ticket through visible_to(user) and the macro through macros_visible_to."""
    if not macro.is_active:
        raise ValidationFailed(_("This macro is disabled."))
    if not can_edit(user, ticket):
        raise PermissionDenied(_("You cannot change this ticket."))
    definition = parse_macro(macro.actions)
    if actor is None:
        actor = Actor.person(user, reason=f"Macro: {macro.name}")
    with transaction.atomic():
        locked = ticket_lock(ticket_id=ticket.pk)
        diff = rule_actions.apply_actions(
            actions=list(definition.actions), ticket=locked, actor=actor, title=macro.name
        )
        ticket_events.record(
            ticket=locked,
            type=TicketEventType.MACRO_APPLIED,
            actor=actor,
            changes={
                "macro": [None, {"id": macro.pk, "name": macro.name}],
                **rule_actions.history_changes(diff),
            },
        )
        return RuleExecution.objects.create(
            macro=macro, ticket=locked, source="macro", outcome=Outcome.APPLIED, changes=diff
        )


# --- canned replies ------------------------------------------------------------------------


def _clean_canned(title: Any, body: Any, language: Any) -> tuple[str, str, str]:
    title = _clean_name(title) if isinstance(title, str) else _clean_name("")
    if not isinstance(body, str) or not body.strip() or len(body) > 20_000:
        raise ValidationFailed(_("The reply text must be 1–20,000 characters."), field="body")
    if language not in Language.values:
        raise ValidationFailed(_("Language must be zh-hans or en."), field="language")
    unknown = unknown_names(body)
    if unknown:
        raise ValidationFailed(
            _("Unknown placeholders: %(names)s") % {"names": ", ".join(unknown)}, field="body"
        )
    return title, body, language


def canned_create(
    *,
    user: User,
    title: str,
    body: str,
    language: str,
    personal: bool = True,
    team: Team | None = None,
) -> CannedReply:
    if not can_use_macros(user):
        raise PermissionDenied(_("Only staff can create canned replies."))
    title, body, language = _clean_canned(title, body, language)
    owner, team = _scope(user, personal=personal, team=team)
    return CannedReply.objects.create(
        title=title, body=body, language=language, owner=owner, team=team
    )


def _require_canned_editor(user: User, reply: CannedReply) -> None:
    if reply.owner_id == user.pk:
        return
    if reply.owner_id is None and can_edit_shared(user, reply.team_id):
        return
    raise PermissionDenied(_("You cannot change this canned reply."))


def canned_update(*, user: User, reply: CannedReply, changes: dict[str, Any]) -> CannedReply:
    _require_canned_editor(user, reply)
    unknown = set(changes) - {"title", "body", "language"}
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    title, body, language = _clean_canned(
        changes.get("title", reply.title),
        changes.get("body", reply.body),
        changes.get("language", reply.language),
    )
    reply.title, reply.body, reply.language = title, body, language
    reply.save(update_fields=["title", "body", "language", "updated_at"])
    return reply


def canned_delete(*, user: User, reply: CannedReply) -> None:
    _require_canned_editor(user, reply)
    reply.delete()


def canned_render(*, reply: CannedReply, ticket: Ticket, agent: User) -> str:
    """The reply's text for this ticket: whitelisted placeholders only (see placeholders)."""
    return render(reply.body, context_for(ticket=ticket, agent=agent))


def get_or_404(queryset, pk: Any, message: str):
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, OverflowError, queryset.model.DoesNotExist) as exc:
        raise NotFound(message) from exc
