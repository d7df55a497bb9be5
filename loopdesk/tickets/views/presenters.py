"""Turn stored events into readable timeline rows (names, labels, old → new)."""

from dataclasses import dataclass, field

from django.utils import dateformat, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loopdesk.portal import display as portal_display
from loopdesk.routing import display as routing_display
from loopdesk.sla.constants import Metric

from ..constants import CauseKind, Channel, Priority, TicketType
from ..models import CustomFieldDefinition, TicketEvent


def _field_labels() -> dict[str, str]:
    return {
        "status": _("Status"),
        "priority": _("Priority"),
        "type": _("Type"),
        "team": _("Team"),
        "assignee": _("Assignee"),
        "tags": _("Tags"),
        "subject": _("Subject"),
        "category": _("Category"),
        "channel": _("Channel"),
        "parent": _("Follow-up of"),
        "mentioned": _("Mentioned"),
        # SLA events (sla.started/warning/breached/…): which clock, and its times.
        "metric": _("SLA target"),
        "cycle": _("Cycle"),
        "target_minutes": _("Target (minutes)"),
        "due_at": _("Due"),
        "warn_at": _("Warn at"),
        "breached_at": _("Breached at"),
        "policy": _("SLA policy"),
        # automation.rule_applied / macro_applied
        "rule": _("Rule"),
        "macro": _("Macro"),
        "actions": _("Actions"),
        "notified": _("Notified"),
    }


_CHOICES = {"priority": Priority, "type": TicketType, "channel": Channel, "metric": Metric}
# SLA events store instants as ISO 8601 strings; shown in the viewer's time zone.
_INSTANTS = {"due_at", "warn_at", "breached_at"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class EventRow:
    event: TicketEvent
    actor: str
    verb: str
    cause: str
    changes: list[Change] = field(default_factory=list)


def display_value(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name in routing_display.FORMATTERS:  # routing.decision: candidates, scores, why
        return routing_display.FORMATTERS[name](value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dict):
        if value.get("name_zh_hans") and (get_language() or "").startswith("zh"):
            return str(value["name_zh_hans"])
        return str(value.get("name") or "—")
    if isinstance(value, list):
        return ", ".join(display_value(name, v) for v in value) or "—"
    if name in _INSTANTS and isinstance(value, str):
        instant = parse_datetime(value)
        if instant is not None and timezone.is_aware(instant):
            return dateformat.format(timezone.localtime(instant), "Y-m-d H:i")
    choices = _CHOICES.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value)


def _cause(event: TicketEvent) -> str:
    """Why it happened, unless a person simply did it: "Channel: Email", "Rule: VIP first"."""
    if event.cause_kind == CauseKind.PERSON and not event.cause_ref:
        return ""
    kind = (
        CauseKind(event.cause_kind).label
        if event.cause_kind in CauseKind.values
        else event.cause_kind
    )
    ref = event.cause_ref
    if event.cause_kind == CauseKind.CHANNEL and ref in Channel.values:
        ref = Channel(ref).label
    if event.cause_kind == CauseKind.RULE and ref.startswith("Rule: "):
        ref = ref.removeprefix("Rule: ")  # automation refs name themselves "Rule: <name>"
    return f"{kind}: {ref}" if ref else str(kind)


def event_rows(
    events: list[TicketEvent], definitions: list[CustomFieldDefinition]
) -> list[EventRow]:
    labels = _field_labels()
    labels.update(routing_display.labels())
    labels.update(portal_display.labels())
    labels.update({d.key: d.display_label for d in definitions})
    rows = []
    for event in events:
        if event.actor_user_id:
            actor = str(event.actor_user)
        elif event.actor_contact_id:
            actor = str(event.actor_contact)
        else:
            actor = _("System")
        changes = [
            Change(label=labels.get(name, name), old=old, new=new)
            for name, pair in (event.changes or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2
            for old, new in [(display_value(name, pair[0]), display_value(name, pair[1]))]
            if old != new  # e.g. "assignee: none → none" on creation says nothing
        ]
        cause = _cause(event)
        rows.append(
            EventRow(
                event=event,
                actor=actor,
                verb=event.get_type_display(),
                cause=cause,
                changes=changes,
            )
        )
    return rows
