"""Turn submitted rule/macro JSON into a checked Definition, or a ValidationFailed that
lists every problem (shape errors from pydantic, then names and ids against the database).
Nothing is saved unless this passes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from pydantic import ValidationError

from loopdesk.accounts.models import Role, Team, User
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.customers.models import Organization
from loopdesk.tickets.constants import Channel, Priority, StatusCategory, TicketType
from loopdesk.tickets.models import Category, Status
from loopdesk.tickets.services import validate_custom_fields

from .constants import EventKind, RuleKind
from .definition import HOURS_FIELDS, Definition, MacroDefinition


class DefinitionInvalid(ValidationFailed):
    """Carries every problem as (location, message); `message` joins them for the API."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        text = "; ".join(f"{loc}: {msg}" if loc else msg for loc, msg in errors)
        super().__init__(text[:2000], field=errors[0][0] if errors else None)


def _loc(parts: tuple) -> str:
    return ".".join(str(p) for p in parts if not str(p).startswith(("function-", "tagged-")))


def _pydantic_errors(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for error in exc.errors():
        msg = str(error.get("msg", ""))
        msg = msg.removeprefix("Value error, ")
        out.append((_loc(error.get("loc", ())), msg))
    return out


def parse_rule(
    *, kind: str, events: Any, conditions: Any, actions: Any
) -> tuple[list[str], Definition]:
    errors: list[tuple[str, str]] = []
    if kind not in RuleKind.values:
        errors.append(("kind", _("Kind must be 'trigger' or 'time'.")))
    event_list: list[str] = []
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        errors.append(("events", _("Events must be a list of event kinds.")))
    else:
        event_list = list(dict.fromkeys(events))
        for event in event_list:
            if event not in EventKind.values:
                errors.append(("events", _("Unknown event: %(e)s") % {"e": event[:40]}))
    try:
        definition = Definition.model_validate(
            {"conditions": conditions if conditions is not None else {}, "actions": actions}
        )
    except ValidationError as exc:
        raise DefinitionInvalid(errors + _pydantic_errors(exc)) from None
    if kind == RuleKind.TRIGGER and not event_list:
        errors.append(("events", _("A trigger needs at least one event.")))
    if kind == RuleKind.TIME:
        if event_list:
            errors.append(("events", _("A time rule has no events; it is checked every minute.")))
        if not any(
            c.field in HOURS_FIELDS and c.op == "greater_than" for c in definition.conditions.all
        ):
            errors.append(
                (
                    "conditions.all",
                    _(
                        "A time rule needs an 'hours since … greater than' condition "
                        "in its 'all' group: that is what makes it due."
                    ),
                )
            )
    if EventKind.FIELD_CHANGED in event_list and not any(
        c.op in ("changed", "changed_to")
        for c in [*definition.conditions.all, *definition.conditions.any]
    ):
        errors.append(
            ("events", _("'Field changed to' needs a 'changed' or 'changed to' condition."))
        )
    errors += _check_conditions(definition)
    errors += check_actions(definition.actions)
    if errors:
        raise DefinitionInvalid(errors)
    return event_list, definition


def parse_macro(actions: Any) -> MacroDefinition:
    try:
        definition = MacroDefinition.model_validate({"actions": actions})
    except ValidationError as exc:
        raise DefinitionInvalid(_pydantic_errors(exc)) from None
    errors = check_actions(definition.actions)
    if errors:
        raise DefinitionInvalid(errors)
    return definition


def _values(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _check_conditions(definition: Definition) -> list[tuple[str, str]]:
    errors = []
    for group in ("all", "any"):
        for i, cond in enumerate(getattr(definition.conditions, group)):
            loc = f"conditions.{group}.{i}.value"
            if cond.op == "changed":
                continue
            for value in _values(cond.value):
                problem = _check_value(cond.field, value, key=cond.key)
                if problem:
                    errors.append((loc, problem))
    return errors


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _check_value(field: str, value: Any, *, key: str | None = None) -> str | None:
    """A message if `value` cannot be a value of `field`, else None."""
    if field == "status":
        if not Status.objects.filter(key=str(value)).exists():
            return _("No status with the key %(v)s.") % {"v": str(value)[:50]}
    elif field == "status_category":
        if value not in StatusCategory.values:
            return _("Unknown status category: %(v)s") % {"v": str(value)[:50]}
    elif field == "type":
        if value not in TicketType.values:
            return _("Unknown ticket type: %(v)s") % {"v": str(value)[:50]}
    elif field == "channel":
        if value not in Channel.values:
            return _("Unknown channel: %(v)s") % {"v": str(value)[:50]}
    elif field == "priority":
        if _int(value) not in Priority.values:
            return _("Priority must be 1 (P1) to 4 (P4).")
    elif field in ("category", "team", "assignee", "organization"):
        if value is None:
            return None
        pk = _int(value)
        model = {
            "category": Category,
            "team": Team,
            "assignee": User,
            "organization": Organization,
        }[field]
        if pk is None or not model.objects.filter(pk=pk).exists():
            return _("No %(f)s with id %(v)s.") % {"f": field, "v": str(value)[:30]}
    elif field == "custom_field":
        from loopdesk.tickets.services.fields import custom_field_definitions

        if key not in {d.key for d in custom_field_definitions()}:
            return _("Unknown custom field: %(k)s") % {"k": str(key)[:50]}
    return None


def _staff(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.role not in Role.values:
        return _("No active staff user with id %(v)s.") % {"v": user_id}
    return None


def check_actions(actions: list) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    for i, action in enumerate(actions):
        loc = f"actions.{i}"
        problem = None
        if action.type == "set_field":
            if action.field == "custom_field":
                if not action.key:
                    problem = _("Say which custom field (key).")
                else:
                    try:
                        validate_custom_fields(
                            {action.key: action.value}, ticket_type=TicketType.QUESTION
                        )
                    except ValidationFailed as exc:
                        problem = exc.message
            elif action.field == "status":
                status = Status.objects.filter(key=str(action.value)).first()
                if status is None:
                    problem = _("No status with the key %(v)s.") % {"v": str(action.value)[:50]}
                elif not status.is_active:
                    problem = _("Status %(v)s is not active.") % {"v": status.key}
            else:
                problem = _check_value(action.field, action.value)
                if action.value is None and action.field != "category":
                    problem = _("A value is required.")
        elif action.type in ("assign_agent", "email_agent"):
            problem = _staff(action.user_id)
        elif action.type in ("assign_team", "assign_by_strategy", "email_team"):
            if action.team_id is not None and not Team.objects.filter(pk=action.team_id).exists():
                problem = _("No team with id %(v)s.") % {"v": action.team_id}
        elif action.type == "webhook":
            parts = urlsplit(action.url)
            if parts.scheme not in ("https", "http") or not parts.hostname:
                problem = _("The webhook needs an https:// URL.")
            elif parts.username or parts.password:
                problem = _("Put no credentials in the webhook URL.")
        if problem:
            errors.append((f"{loc}.value" if action.type == "set_field" else loc, problem))
    return errors
