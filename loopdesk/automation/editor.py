"""The form-based rule editor: rows of (field, operator, value) and (action, value, …) in
a plain HTML form, converted to the rule definition JSON and back. Names are accepted
where people think in names (team "Finance", agent email, status key or name) and turned
into ids here; the engine's validation then reports anything left, row by row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Team, User
from loopdesk.customers.models import Organization
from loopdesk.tickets.models import Category, Status

from .constants import ACTION_LABELS, FIELD_LABELS, OPERATOR_LABELS
from .definition import BOOL_FIELDS, HOURS_FIELDS, OPERATORS_BY_FIELD

MAX_ROWS = 30
_ROW_LOC = re.compile(r"^(conditions\.(all|any)|actions)\.(\d+)")

EDITOR_FIELDS = [f for f in FIELD_LABELS if f != "custom_field"]
SET_FIELDS = ["status", "priority", "type", "category"]


@dataclass
class CondRow:
    group: str = "all"
    field: str = "subject"
    op: str = "contains"
    value: str = ""
    business_hours: bool = False
    error: str = ""


@dataclass
class ActRow:
    type: str = "set_field"
    field: str = "priority"
    value: str = ""
    to: str = "supervisors"
    subject: str = ""
    body: str = ""
    error: str = ""


@dataclass
class EditorState:
    name: str = ""
    kind: str = "trigger"
    events: list[str] = field(default_factory=list)
    is_active: bool = True
    stop_processing: bool = False
    conditions: list[CondRow] = field(default_factory=list)
    actions: list[ActRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)


def choices() -> dict:
    return {
        "fields": [(f, FIELD_LABELS[f]) for f in EDITOR_FIELDS],
        "operators": list(OPERATOR_LABELS.items()),
        "action_types": list(ACTION_LABELS.items()),
        "set_fields": [(f, FIELD_LABELS[f]) for f in SET_FIELDS],
        "statuses": list(Status.objects.filter(is_active=True).values_list("key", "name")),
        "teams": list(Team.objects.order_by("name").values_list("name", flat=True)),
    }


# --- POST -> state ---------------------------------------------------------------------------


def _count(data: QueryDict, name: str) -> int:
    try:
        return max(0, min(MAX_ROWS, int(data.get(name, "0"))))
    except ValueError:
        return 0


def state_from_post(data: QueryDict) -> EditorState:
    state = EditorState(
        name=data.get("name", "").strip()[:100],
        kind=data.get("kind", "trigger"),
        events=data.getlist("events"),
        is_active=data.get("is_active") == "on",
        stop_processing=data.get("stop_processing") == "on",
    )
    removed_c = data.get("remove_condition")
    for i in range(_count(data, "cond_count")):
        if removed_c == str(i):
            continue
        state.conditions.append(
            CondRow(
                group="any" if data.get(f"c{i}_group") == "any" else "all",
                field=data.get(f"c{i}_field", ""),
                op=data.get(f"c{i}_op", ""),
                value=data.get(f"c{i}_value", "")[:500],
                business_hours=data.get(f"c{i}_bh") == "on",
            )
        )
    removed_a = data.get("remove_action")
    for i in range(_count(data, "act_count")):
        if removed_a == str(i):
            continue
        state.actions.append(
            ActRow(
                type=data.get(f"a{i}_type", ""),
                field=data.get(f"a{i}_field", ""),
                value=data.get(f"a{i}_value", "")[:500],
                to=data.get(f"a{i}_to", "supervisors"),
                subject=data.get(f"a{i}_subject", "")[:200],
                body=data.get(f"a{i}_body", "")[:5000],
            )
        )
    intent = data.get("intent", "")
    if intent == "add_condition" and len(state.conditions) < MAX_ROWS:
        state.conditions.append(CondRow())
    if intent == "add_action" and len(state.actions) < MAX_ROWS:
        state.actions.append(ActRow())
    return state


class RowError(ValueError):
    pass


def _lookup(model, value: str, *, by: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    found = model.objects.filter(**{f"{by}__iexact": value}).values_list("pk", flat=True).first()
    if found is None:
        raise RowError(_("Not found: %(v)s") % {"v": value[:60]})
    return found


def _status_key(value: str) -> str:
    value = value.strip()
    match = (
        Status.objects.filter(Q(key__iexact=value) | Q(name__iexact=value) | Q(name_zh_hans=value))
        .values_list("key", flat=True)
        .first()
    )
    return match or value


def _bool(value: str) -> bool:
    text = value.strip().casefold()
    if text in ("yes", "true", "1", "是", "y"):
        return True
    if text in ("no", "false", "0", "否", "n"):
        return False
    raise RowError(_("Write yes or no."))


def _scalar(field_name: str, text: str) -> Any:
    text = text.strip()
    if field_name == "team":
        return _lookup(Team, text, by="name")
    if field_name == "assignee":
        return _lookup(User, text, by="email")
    if field_name == "category":
        return _lookup(Category, text, by="name")
    if field_name == "organization":
        return _lookup(Organization, text, by="name")
    if field_name == "status":
        return _status_key(text)
    if field_name == "priority":
        text = text.upper().removeprefix("P")
        if not text.isdigit():
            raise RowError(_("Priority must be 1 (P1) to 4 (P4)."))
        return int(text)
    if field_name in HOURS_FIELDS:
        try:
            return float(text) if "." in text else int(text)
        except ValueError as exc:
            raise RowError(_("Write a number of hours.")) from exc
    return text


def _condition(row: CondRow) -> dict:
    cond: dict[str, Any] = {"field": row.field, "op": row.op}
    if row.op == "changed":
        return cond
    if row.field in BOOL_FIELDS:
        cond["value"] = _bool(row.value)
    elif row.op == "in_list" or (row.field == "tags" and "," in row.value):
        cond["value"] = [_scalar(row.field, part) for part in row.value.split(",") if part.strip()]
    else:
        cond["value"] = _scalar(row.field, row.value)
    if row.field in HOURS_FIELDS:
        cond["business_hours"] = row.business_hours
    return cond


def _action(row: ActRow) -> dict:
    kind = row.type
    value = row.value.strip()
    if kind == "set_field":
        return {"type": kind, "field": row.field, "value": _scalar(row.field, value)}
    if kind == "assign_agent":
        return {"type": kind, "user_id": _lookup(User, value, by="email")}
    if kind == "assign_team":
        return {"type": kind, "team_id": _lookup(Team, value, by="name")}
    if kind == "assign_by_strategy":
        return {"type": kind, "team_id": _lookup(Team, value, by="name")}
    if kind in ("add_tags", "remove_tags"):
        return {"type": kind, "tags": [t.strip() for t in value.split(",") if t.strip()]}
    if kind == "add_note":
        return {"type": kind, "body": row.body}
    if kind == "email_contact":
        return {"type": kind, "subject": row.subject, "body": row.body}
    if kind == "email_agent":
        return {
            "type": kind,
            "user_id": _lookup(User, value, by="email"),
            "subject": row.subject,
            "body": row.body,
        }
    if kind == "email_team":
        return {
            "type": kind,
            "team_id": _lookup(Team, value, by="name"),
            "to": row.to if row.to in ("supervisors", "members") else "supervisors",
            "subject": row.subject,
            "body": row.body,
        }
    if kind == "webhook":
        return {"type": kind, "url": value}
    if kind == "escalate":
        return {"type": kind, "message": row.body}
    return {"type": kind}


def to_definition(state: EditorState) -> tuple[dict, list, dict[str, int]] | None:
    """(conditions, actions, location -> row) or None when a row could not be read (the
    row's error is set)."""
    conditions: dict[str, list] = {"all": [], "any": []}
    where: dict[str, int] = {}
    ok = True
    for i, row in enumerate(state.conditions):
        try:
            cond = _condition(row)
        except RowError as exc:
            row.error, ok = str(exc), False
            continue
        where[f"conditions.{row.group}.{len(conditions[row.group])}"] = i
        conditions[row.group].append(cond)
    actions = []
    for i, row in enumerate(state.actions):
        try:
            actions.append(_action(row))
        except RowError as exc:
            row.error, ok = str(exc), False
            continue
        where[f"actions.{len(actions) - 1}"] = i
    return (conditions, actions, where) if ok else None


def attach_errors(state: EditorState, errors: list[tuple[str, str]], where: dict[str, int]) -> None:
    for loc, message in errors:
        match = _ROW_LOC.match(loc or "")
        if match:
            key = (
                f"conditions.{match.group(2)}.{match.group(3)}"
                if match.group(2)
                else (f"actions.{match.group(3)}")
            )
            index = where.get(key)
            rows = state.conditions if key.startswith("conditions") else state.actions
            if index is not None and index < len(rows):
                rows[index].error = (rows[index].error + " " + message).strip()
                continue
        if loc in ("name", "events", "kind"):
            state.field_errors[loc] = message
        else:
            state.errors.append(message)


# --- stored rule -> state ------------------------------------------------------------------


def _name_of(model, pk: Any, attr: str) -> str:
    if pk is None:
        return ""
    return str(model.objects.filter(pk=pk).values_list(attr, flat=True).first() or pk)


def _text_value(field_name: str, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text_value(field_name, v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field_name == "team":
        return _name_of(Team, value, "name")
    if field_name == "assignee":
        return _name_of(User, value, "email")
    if field_name == "category":
        return _name_of(Category, value, "name")
    if field_name == "organization":
        return _name_of(Organization, value, "name")
    return "" if value is None else str(value)


def state_from_rule(rule) -> EditorState:
    state = EditorState(
        name=rule.name,
        kind=rule.kind,
        events=list(rule.events),
        is_active=rule.is_active,
        stop_processing=rule.stop_processing,
    )
    for group in ("all", "any"):
        for cond in (rule.conditions or {}).get(group, []):
            state.conditions.append(
                CondRow(
                    group=group,
                    field=cond["field"],
                    op=cond["op"],
                    value=_text_value(cond["field"], cond.get("value")),
                    business_hours=bool(cond.get("business_hours")),
                )
            )
    for action in rule.actions:
        state.actions.append(action_row(action))
    return state


def action_row(action: dict) -> ActRow:
    kind = action["type"]
    row = ActRow(type=kind)
    if kind == "set_field":
        row.field = action["field"]
        row.value = _text_value(action["field"], action.get("value"))
    elif kind in ("assign_agent", "email_agent"):
        row.value = _name_of(User, action.get("user_id"), "email")
    elif kind in ("assign_team", "assign_by_strategy", "email_team"):
        row.value = _name_of(Team, action.get("team_id"), "name")
        row.to = action.get("to", "supervisors")
    elif kind in ("add_tags", "remove_tags"):
        row.value = ", ".join(action.get("tags", []))
    elif kind == "webhook":
        row.value = action.get("url", "")
    row.subject = action.get("subject", "")
    row.body = action.get("body", "") or action.get("message", "")
    return row


def operators_for(field_name: str) -> set[str]:
    return OPERATORS_BY_FIELD.get(field_name, set())
