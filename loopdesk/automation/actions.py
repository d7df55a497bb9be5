"""Rule and macro actions: `plan()` says what would change (dry run, no writes);
`apply_actions()` makes the changes through the ticket services, in the caller's
transaction, and queues side effects (mail, webhooks) for after the commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Notification, Role, Team, User
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.tickets import events
from loopdesk.tickets.constants import MessageKind
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Category, Status, Ticket
from loopdesk.tickets.services import message_add, ticket_update

from . import placeholders


@dataclass
class Plan:
    """What a list of actions does to one ticket: field changes for ticket_update, and
    side effects (notes, mail, webhooks, notifications) described for people."""

    changes: dict[str, Any] = field(default_factory=dict)  # ticket_update arguments
    diff: dict[str, list] = field(default_factory=dict)  # {field: [old, new]} readable
    effects: list[str] = field(default_factory=list)
    strategy_team: Any = None  # assign_by_strategy: (team_id or None,)
    wants_strategy: bool = False


def _label(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Status | Category | Team | User):
        return str(value)
    return value


def _supervisors(ticket: Ticket, team: Team | None = None) -> list[User]:
    """The supervisors of the team (the ticket's by default); all supervisors when the
    ticket has no team. Active users only."""
    team_id = team.pk if team else ticket.team_id
    qs = User.objects.filter(role=Role.SUPERVISOR, is_active=True)
    if team_id:
        qs = qs.filter(teams=team_id)
    return list(qs.order_by("pk"))


def _team_members(team_id: int | None) -> list[User]:
    if not team_id:
        return []
    return list(User.objects.filter(teams=team_id, is_active=True).order_by("pk"))


def plan(actions: list, ticket: Ticket) -> Plan:
    """Resolve actions against the ticket's current state (no writes)."""
    result = Plan()
    tags = sorted(ticket.tags.values_list("name", flat=True))
    working_tags = list(tags)
    for action in actions:
        kind = action.type
        if kind == "set_field":
            if action.field == "status":
                status = Status.objects.filter(key=str(action.value), is_active=True).first()
                if status is None:
                    raise ValidationFailed(
                        _("No active status with the key %(v)s.") % {"v": str(action.value)[:50]}
                    )
                result.changes["status"] = status
                if status.pk != ticket.status_id:
                    result.diff["status"] = [str(ticket.status), str(status)]
            elif action.field == "priority":
                result.changes["priority"] = int(action.value)
                if int(action.value) != ticket.priority:
                    result.diff["priority"] = [ticket.priority, int(action.value)]
            elif action.field == "type":
                result.changes["type"] = action.value
                if action.value != ticket.type:
                    result.diff["type"] = [ticket.type, action.value]
            elif action.field == "category":
                category = (
                    Category.objects.filter(pk=int(action.value)).first()
                    if action.value is not None
                    else None
                )
                result.changes["category"] = category
                if (category.pk if category else None) != ticket.category_id:
                    result.diff["category"] = [_label(ticket.category), _label(category)]
            elif action.field == "custom_field":
                custom = result.changes.setdefault("custom_fields", {})
                custom[action.key] = action.value
                old = (ticket.custom_fields or {}).get(action.key)
                if old != action.value:
                    result.diff[f"custom_fields.{action.key}"] = [old, action.value]
        elif kind == "assign_agent":
            user = User.objects.filter(pk=action.user_id, is_active=True).first()
            if user is None:
                raise ValidationFailed(_("The agent of this rule no longer exists."))
            result.changes["assignee"] = user
            if user.pk != ticket.assignee_id:
                result.diff["assignee"] = [_label(ticket.assignee), str(user)]
        elif kind == "assign_team":
            team = Team.objects.filter(pk=action.team_id).first()
            if team is None:
                raise ValidationFailed(_("The team of this rule no longer exists."))
            result.changes["team"] = team
            if team.pk != ticket.team_id:
                result.diff["team"] = [_label(ticket.team), str(team)]
        elif kind == "assign_by_strategy":
            result.wants_strategy = True
            result.strategy_team = action.team_id
            result.effects.append(_("assign by the team's strategy"))
        elif kind in ("add_tags", "remove_tags"):
            names = [t.strip().casefold() for t in action.tags if t.strip()]
            if kind == "add_tags":
                working_tags = sorted(set(working_tags) | set(names))
            else:
                working_tags = sorted(set(working_tags) - set(names))
            result.changes["tags"] = working_tags
            if working_tags != tags:
                result.diff["tags"] = [tags, working_tags]
            else:
                result.diff.pop("tags", None)
        elif kind == "add_note":
            result.effects.append(_("add an internal note"))
        elif kind == "email_contact":
            result.effects.append(
                _("email the customer %(to)s") % {"to": ticket.contact.primary_email or "-"}
            )
        elif kind == "email_agent":
            result.effects.append(_("email an agent"))
        elif kind == "email_team":
            result.effects.append(
                _("email the team's supervisors")
                if action.to == "supervisors"
                else _("email the team's members")
            )
        elif kind == "webhook":
            result.effects.append(_("POST a webhook to %(url)s") % {"url": action.url[:100]})
        elif kind == "escalate":
            names = ", ".join(u.display_name for u in _supervisors(ticket)) or "-"
            result.effects.append(_("notify supervisors: %(names)s") % {"names": names})
    return result


def _note_author(rule_owner: User | None) -> User:
    if rule_owner is not None and rule_owner.is_active:
        return rule_owner
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise ValidationFailed(_("No active admin to write the rule's note as."))
    return admin


def _enqueue_email(*, to: list[str], subject: str, body: str, ticket: Ticket) -> None:
    from .tasks import rule_email_task

    if not to:
        return
    number = ticket.number
    transaction.on_commit(
        lambda: rule_email_task.enqueue(to=to, subject=subject, body=body, ticket_number=number)
    )


def apply_actions(
    *,
    actions: list,
    ticket: Ticket,
    actor: Actor,
    title: str,
    owner: User | None = None,
    execution_id_holder: list | None = None,
) -> dict:
    """Apply actions to the (locked) ticket inside the caller's transaction. Returns the
    recorded changes: {field: [old, new]} plus side effects under "effects"."""
    the_plan = plan(actions, ticket)
    if the_plan.changes:
        ticket = ticket_update(ticket=ticket, actor=actor, changes=the_plan.changes)
    diff: dict[str, Any] = dict(the_plan.diff)
    effects: list[str] = []
    if the_plan.wants_strategy:
        try:
            from loopdesk.routing.services import route_ticket
        except ImportError as exc:
            raise ValidationFailed(_("Assignment strategies are not available.")) from exc
        decision = route_ticket(ticket_id=ticket.pk, actor=actor, team_id=the_plan.strategy_team)
        outcome = (
            getattr(decision, "reason", "")
            or ("waiting" if getattr(decision, "waiting", False) else "")
            or f"assignee {getattr(decision, 'assignee_id', None)}"
        )
        effects.append(
            _("routed (%(strategy)s): %(outcome)s")
            % {"strategy": getattr(decision, "strategy", "?"), "outcome": str(outcome)[:150]}
        )
        ticket = Ticket.objects.select_related("status", "contact", "team", "organization").get(
            pk=ticket.pk
        )
    values = placeholders.context_for(ticket=ticket, agent=actor.user)
    for action in actions:
        kind = action.type
        if kind == "add_note":
            message_add(
                ticket=ticket,
                actor=actor,
                kind=MessageKind.NOTE,
                body_text=placeholders.render(action.body, values),
                author_user=actor.user or _note_author(owner),
            )
            effects.append(_("added an internal note"))
        elif kind == "email_contact":
            to = [ticket.contact.primary_email] if ticket.contact.primary_email else []
            _enqueue_email(
                to=to,
                subject=placeholders.render(action.subject, values),
                body=placeholders.render(action.body, values),
                ticket=ticket,
            )
            effects.append(_("emailed the customer"))
        elif kind in ("email_agent", "email_team"):
            if kind == "email_agent":
                user_id = action.user_id or ticket.assignee_id
                users = list(User.objects.filter(pk=user_id, is_active=True)) if user_id else []
            elif action.to == "supervisors":
                team = Team.objects.filter(pk=action.team_id).first() if action.team_id else None
                users = _supervisors(ticket, team)
            else:
                users = _team_members(action.team_id or ticket.team_id)
            _enqueue_email(
                to=[u.email for u in users if u.email],
                subject=placeholders.render(action.subject, values),
                body=placeholders.render(action.body, values),
                ticket=ticket,
            )
            effects.append(
                _("emailed %(names)s") % {"names": ", ".join(u.display_name for u in users) or "-"}
            )
        elif kind == "webhook":
            from .tasks import rule_webhook_task

            payload = {
                "event": "automation.rule",
                "rule": title,
                "ticket": {
                    "number": ticket.number,
                    "subject": ticket.subject,
                    "status": ticket.status.key,
                    "priority": ticket.priority,
                    "team": ticket.team.name if ticket.team_id else None,
                },
            }
            url = action.url
            holder = execution_id_holder if execution_id_holder is not None else [0]
            transaction.on_commit(
                lambda url=url, payload=payload, holder=holder: rule_webhook_task.enqueue(
                    url=url, payload=payload, execution_id=holder[0] if holder else 0
                )
            )
            effects.append(_("webhook queued"))
        elif kind == "escalate":
            users = _supervisors(ticket)
            rows = []
            for user in users:
                with translation.override(user.language or settings.LANGUAGE_CODE):
                    text = action.message or _("#%(number)s needs attention (%(rule)s): %(s)s") % {
                        "number": ticket.number,
                        "rule": title,
                        "s": ticket.subject,
                    }
                rows.append(
                    Notification(
                        user=user,
                        ticket=ticket,
                        kind="automation.escalated",
                        text=placeholders.render(text, values)[:500],
                    )
                )
            Notification.objects.bulk_create(rows)
            _enqueue_email(
                to=[u.email for u in users if u.email],
                subject=_("Escalated: #%(number)s %(s)s")
                % {"number": ticket.number, "s": ticket.subject},
                body=(
                    (action.message and placeholders.render(action.message, values))
                    or _("%(rule)s escalated this ticket: %(url)s")
                    % {"rule": title, "url": values["ticket.url"]}
                ),
                ticket=ticket,
            )
            diff["notified"] = [None, [events.ref(u) for u in users]]
            effects.append(_("escalated to supervisors"))
    if effects:
        diff["effects"] = effects
    return diff


def history_changes(diff: dict) -> dict:
    """What the rule/macro event on the ticket keeps: a one-line summary of what was done
    (the field changes have their own events) and who was notified."""
    parts = [
        f"{name}: {_plain(pair[0])} → {_plain(pair[1])}"
        for name, pair in diff.items()
        if name not in ("effects", "notified") and isinstance(pair, list) and len(pair) == 2
    ]
    parts += [str(e) for e in diff.get("effects", [])]
    out: dict = {"actions": [None, "; ".join(parts)[:1000] or "—"]}
    if diff.get("notified"):
        out["notified"] = diff["notified"]
    return out


def _plain(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
