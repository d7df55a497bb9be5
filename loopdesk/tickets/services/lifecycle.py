"""Create tickets and change their fields, status and assignment.

Every function runs in one transaction, locks the ticket row it changes, and writes one
TicketEvent per kind of change with the actor and cause.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Role, Team, User
from loopdesk.core import search
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.core.sequences import TICKET_NUMBER, next_value
from loopdesk.customers.models import Contact

from .. import events
from ..config import ticket_config
from ..constants import Channel, Priority, StatusCategory, TicketType
from ..events import Actor
from ..lock_objects import ticket_lock
from ..models import Category, Status, Ticket, TicketEventType
from .fields import tags_get_or_create, tags_normalise, validate_custom_fields
from .text import clean_subject

UPDATABLE_FIELDS = {
    "subject",
    "priority",
    "type",
    "category",
    "status",
    "team",
    "assignee",
    "tags",
    "custom_fields",
}


@dataclass
class TicketFields:
    """Optional fields for a new ticket (from a form, the API or a channel adapter)."""

    priority: int = Priority.P3
    type: str = TicketType.QUESTION
    category: Category | None = None
    team: Team | None = None
    assignee: User | None = None
    tags: list[str] = field(default_factory=list)
    custom_fields: dict = field(default_factory=dict)
    status: Status | None = None


def status_default(category: str) -> Status:
    status = ticket_config().default_status(category)
    if status is None:
        raise ValidationFailed(
            _("No active status in category %(category)s; check the admin.")
            % {"category": f"{category!r}"}
        )
    return status


def _check_priority(value: Any) -> int:
    try:
        priority = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("Priority must be 1 (P1) to 4 (P4)."), field="priority") from exc
    if priority not in Priority.values:
        raise ValidationFailed(_("Priority must be 1 (P1) to 4 (P4)."), field="priority")
    return priority


def _check_type(value: Any) -> str:
    if value not in TicketType.values:
        raise ValidationFailed(
            _("Unknown ticket type: %(value)s") % {"value": f"{str(value)[:40]}"}, field="type"
        )
    return value


def _check_assignee(assignee: User | None, team: Team | None) -> None:
    if assignee is None:
        return
    if not assignee.is_active or assignee.role not in (
        Role.ADMIN,
        Role.SUPERVISOR,
        Role.AGENT,
        Role.TECHNICIAN,
    ):
        raise ValidationFailed(
            _("%(assignee)s cannot be assigned tickets.") % {"assignee": assignee}, field="assignee"
        )
    if (
        team is not None
        and not assignee.is_admin
        and not team.members.filter(pk=assignee.pk).exists()
    ):
        raise ValidationFailed(
            _("%(assignee)s is not a member of team %(team)s.")
            % {"assignee": assignee, "team": team},
            field="assignee",
        )


# No savepoint: its one caller (intake) runs it inside its own transaction, which rolls
# back as a whole when anything here fails.
@transaction.atomic(savepoint=False)
def ticket_create(
    *,
    subject: str,
    contact: Contact,
    channel: str,
    actor: Actor,
    fields: TicketFields | None = None,
    strict_subject: bool = True,
    parent: Ticket | None = None,
) -> Ticket:
    """A new ticket with its `ticket.created` event. Messages are added by the caller."""
    fields = fields or TicketFields()
    if channel not in Channel.values:
        raise ValidationFailed(
            _("Unknown channel: %(channel)s") % {"channel": channel}, field="channel"
        )
    subject = clean_subject(subject, strict=strict_subject)
    priority = _check_priority(fields.priority)
    ticket_type = _check_type(fields.type)
    tag_names = tags_normalise(fields.tags)
    custom = validate_custom_fields(fields.custom_fields, ticket_type=ticket_type, creating=True)
    _check_assignee(fields.assignee, fields.team)
    status = fields.status or status_default(
        StatusCategory.OPEN if fields.assignee else StatusCategory.NEW
    )
    ticket = Ticket.objects.create(
        number=next_value(TICKET_NUMBER),
        subject=subject,
        status=status,
        status_category=status.category,
        priority=priority,
        type=ticket_type,
        category=fields.category,
        channel=channel,
        contact=contact,
        organization_id=contact.organization_id,
        team=fields.team,
        assignee=fields.assignee,
        custom_fields=custom,
        parent=parent,
    )
    if tag_names:
        ticket.tags.add(*tags_get_or_create(tag_names))  # a new ticket has none to compare
    search.index_ticket(ticket)
    events.record(
        ticket=ticket,
        type=TicketEventType.CREATED,
        actor=actor,
        changes={
            "channel": [None, channel],
            "status": [None, events.ref(status)],
            "priority": [None, priority],
            # The type is an SLA matching condition; the fold reads it from here.
            "type": [None, ticket_type],
            "team": [None, events.ref(fields.team)],
            "assignee": [None, events.ref(fields.assignee)],
            **({"tags": [[], tag_names]} if tag_names else {}),
            **({"parent": [None, parent.number]} if parent else {}),
        },
    )
    return ticket


def _apply_status(ticket: Ticket, status: Status, actor: Actor, *, reopen: bool = False) -> bool:
    old = ticket.status
    if status.pk == old.pk:
        return False
    if not status.is_active:
        raise ValidationFailed(
            _("Status %(status)s is not active.") % {"status": status}, field="status"
        )
    if old.category == StatusCategory.CLOSED:
        raise ValidationFailed(
            _("A closed ticket cannot change status; open a follow-up instead."), field="status"
        )
    allowed = list(old.allowed_next.values_list("pk", flat=True))
    if allowed and status.pk not in allowed and not reopen:
        raise ValidationFailed(
            _("Status %(old)s cannot move to %(status)s.") % {"old": old, "status": status},
            field="status",
        )
    now = timezone.now()
    was_done = old.category == StatusCategory.SOLVED
    ticket.status = status
    ticket.status_category = status.category
    if status.category == StatusCategory.SOLVED:
        ticket.solved_at = now
    elif status.category == StatusCategory.CLOSED:
        ticket.closed_at = now
        ticket.solved_at = ticket.solved_at or now
    elif was_done:
        ticket.solved_at = None
    event_type = (
        TicketEventType.REOPENED
        if was_done and status.category != StatusCategory.CLOSED
        else TicketEventType.STATUS_CHANGED
    )
    events.record(
        ticket=ticket,
        type=event_type,
        actor=actor,
        changes={"status": [events.ref(old), events.ref(status)]},
    )
    return True


def _apply_assignment(
    ticket: Ticket, *, team: Team | None, assignee: User | None, actor: Actor
) -> list[str]:
    _check_assignee(assignee, team)
    changed: list[str] = []
    if team != ticket.team:
        events.record(
            ticket=ticket,
            type=TicketEventType.TEAM_CHANGED,
            actor=actor,
            changes={"team": [events.ref(ticket.team), events.ref(team)]},
        )
        ticket.team = team
        changed.append("team")
    if assignee != ticket.assignee:
        events.record(
            ticket=ticket,
            type=TicketEventType.ASSIGNED,
            actor=actor,
            changes={"assignee": [events.ref(ticket.assignee), events.ref(assignee)]},
        )
        ticket.assignee = assignee
        changed.append("assignee")
        if assignee is not None and ticket.status_category == StatusCategory.NEW:
            _apply_status(ticket, status_default(StatusCategory.OPEN), actor)
            changed += ["status", "status_category"]
    return changed


def ticket_update(*, ticket: Ticket, actor: Actor, changes: dict[str, Any]) -> Ticket:
    """Apply several field changes at once (inline edits, API PATCH, macros).

    Keys: subject, priority, type, category, status, team, assignee, tags, custom_fields.
    Related objects are passed as instances (the caller resolves and authorises ids).
    """
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(unknown)s") % {"unknown": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        locked = ticket_lock(ticket_id=ticket.pk)
        dirty: list[str] = []
        if "subject" in changes:
            subject = clean_subject(changes["subject"], strict=True)
            if subject != locked.subject:
                events.record(
                    ticket=locked,
                    type=TicketEventType.SUBJECT_CHANGED,
                    actor=actor,
                    changes={"subject": [locked.subject, subject]},
                )
                locked.subject = subject
                dirty.append("subject")
                search.index_ticket(locked)
        if "priority" in changes:
            priority = _check_priority(changes["priority"])
            if priority != locked.priority:
                events.record(
                    ticket=locked,
                    type=TicketEventType.PRIORITY_CHANGED,
                    actor=actor,
                    changes={"priority": [locked.priority, priority]},
                )
                locked.priority = priority
                dirty.append("priority")
        if "type" in changes:
            ticket_type = _check_type(changes["type"])
            if ticket_type != locked.type:
                events.record(
                    ticket=locked,
                    type=TicketEventType.TYPE_CHANGED,
                    actor=actor,
                    changes={"type": [locked.type, ticket_type]},
                )
                locked.type = ticket_type
                dirty.append("type")
        if "category" in changes and changes["category"] != locked.category:
            events.record(
                ticket=locked,
                type=TicketEventType.CATEGORY_CHANGED,
                actor=actor,
                changes={
                    "category": [events.ref(locked.category), events.ref(changes["category"])]
                },
            )
            locked.category = changes["category"]
            dirty.append("category")
        if "team" in changes or "assignee" in changes:
            team = changes.get("team", locked.team)
            assignee = changes.get("assignee", locked.assignee)
            if (
                "team" in changes
                and "assignee" not in changes
                and assignee is not None
                and team is not None
                and not assignee.is_admin
                and not team.members.filter(pk=assignee.pk).exists()
            ):
                assignee = None  # moving to another team drops an assignee who is not in it
            dirty += _apply_assignment(locked, team=team, assignee=assignee, actor=actor)
        if "status" in changes:
            status = changes["status"]
            if not isinstance(status, Status):
                raise ValidationFailed(_("Unknown status."), field="status")
            if _apply_status(locked, status, actor):
                dirty += ["status", "status_category", "solved_at", "closed_at"]
        if "custom_fields" in changes:
            merged = validate_custom_fields(
                changes["custom_fields"], ticket_type=locked.type, existing=locked.custom_fields
            )
            if merged != locked.custom_fields:
                diff = {
                    k: [locked.custom_fields.get(k), merged.get(k)]
                    for k in sorted(set(merged) | set(locked.custom_fields))
                    if locked.custom_fields.get(k) != merged.get(k)
                }
                events.record(
                    ticket=locked,
                    type=TicketEventType.CUSTOM_FIELDS_CHANGED,
                    actor=actor,
                    changes=diff,
                )
                locked.custom_fields = merged
                dirty.append("custom_fields")
        if "tags" in changes:
            names = tags_normalise(changes["tags"])
            current = sorted(locked.tags.values_list("name", flat=True))
            if sorted(names) != current:
                locked.tags.set(tags_get_or_create(names))
                events.record(
                    ticket=locked,
                    type=TicketEventType.TAGS_CHANGED,
                    actor=actor,
                    changes={"tags": [current, sorted(names)]},
                )
                dirty.append("updated_at")
        if dirty:
            locked.save(update_fields=sorted({*dirty, "updated_at"}))
    return locked


def ticket_set_status(*, ticket: Ticket, status: Status, actor: Actor) -> Ticket:
    return ticket_update(ticket=ticket, actor=actor, changes={"status": status})


def ticket_assign(
    *,
    ticket: Ticket,
    actor: Actor,
    assignee: User | None,
    team: Team | None = None,
    keep_team: bool = True,
) -> Ticket:
    changes: dict[str, Any] = {"assignee": assignee}
    if not keep_team:
        changes["team"] = team
    return ticket_update(ticket=ticket, actor=actor, changes=changes)


@dataclass
class BulkResult:
    updated: list[int]
    errors: dict[int, str]


def tickets_bulk_update(
    *, tickets: list[Ticket], actor: Actor, changes: dict[str, Any]
) -> BulkResult:
    """Apply the same change to many tickets; each ticket commits (or fails) on its own,
    so one invalid ticket does not block the rest and the result says which failed."""
    result = BulkResult(updated=[], errors={})
    for ticket in tickets:
        try:
            ticket_update(ticket=ticket, actor=actor, changes=changes)
        except ValidationFailed as exc:
            result.errors[ticket.number] = exc.message
        else:
            result.updated.append(ticket.number)
    return result
