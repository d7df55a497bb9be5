"""Ticket mutations from the ticket page: reply/note, one field, take. POST only; each
parses, authorises (scope + predicate), calls one service and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loopdesk.accounts.selectors import teams_visible_to
from loopdesk.core.exceptions import NotFound, ValidationFailed

from .. import permissions, selectors
from ..events import Actor
from ..forms import MessageForm, custom_field_value, split_tags, uploads_from
from ..models import Ticket
from ..services import message_add, ticket_update
from ..services.fields import custom_field_definitions
from .common import go, ticket_or_404
from .detail import respond

SIMPLE_FIELDS = ("status", "priority", "type", "team", "assignee", "tags")
REASSIGN_FIELDS = ("team", "assignee")


def _first_error(form) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Invalid input.")


@login_required
@require_POST
def ticket_message(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    if not permissions.can_edit(request.user, ticket):
        raise PermissionDenied
    form = MessageForm(request.POST)
    kind = request.POST.get("kind") if request.POST.get("kind") in ("reply", "note") else "reply"
    body = request.POST.get("body", "")
    # Keep what the user typed if anything is rejected (but never echo a huge body back).
    composer = {"kind": kind, f"{kind}_body": body if len(body) <= 100_000 else ""}
    try:
        if not form.is_valid():
            raise ValidationFailed(_first_error(form), field="body")
        key = form.cleaned_data["set_status"]
        set_status = selectors.status_by_key(key) if key else None
        message_add(
            ticket=ticket,
            actor=Actor.person(request.user),
            kind=form.cleaned_data["kind"],
            body_text=form.cleaned_data["body"],
            author_user=request.user,
            attachments=uploads_from(request.FILES.getlist("attachments")),
            set_status=set_status,
        )
    except ValidationFailed as exc:
        composer["error"] = exc.message
        return respond(request, ticket, part="conversation", status=422, composer=composer)
    ticket = ticket_or_404(request, number)
    if not request.htmx:
        messages.success(request, _("Note added.") if kind == "note" else _("Reply sent."))
    return respond(request, ticket, part="conversation", composer={"kind": kind})


def _field_change(request: HttpRequest, ticket: Ticket) -> tuple[str, dict]:
    """(error key, changes) for the one field this form posts."""
    name = request.POST.get("field", "")
    value = (request.POST.get("value") or "").strip()
    if name == "cf":
        key = request.POST.get("key", "")[:50]
        definition = next((d for d in custom_field_definitions() if d.key == key), None)
        if definition is None:
            raise ValidationFailed(_("Unknown custom field."), field="cf")
        return f"cf:{key}", {
            "custom_fields": {key: custom_field_value(definition, request.POST, "value")}
        }
    if name not in SIMPLE_FIELDS:
        raise ValidationFailed(_("Unknown field."), field="field")
    if name in REASSIGN_FIELDS and not permissions.can_reassign(request.user, ticket):
        raise PermissionDenied
    if name == "status":
        return name, {"status": selectors.status_by_key(value)}
    if name == "tags":
        return name, {"tags": split_tags(value)}
    if name == "team":
        team = None
        if value:
            team = teams_visible_to(request.user).filter(pk=value if value.isdigit() else 0).first()
            if team is None:
                raise ValidationFailed(_("Unknown team."), field="team")
        return name, {"team": team}
    if name == "assignee":
        return name, {"assignee": _assignee(request, value)}
    return name, {name: value}  # priority, type: the service checks the values


def _assignee(request: HttpRequest, value: str):
    if value == "me":
        return request.user
    if not value:
        return None
    user = selectors.assignable_users().filter(pk=value if value.isdigit() else 0).first()
    if user is None:
        raise ValidationFailed(_("Unknown assignee."), field="assignee")
    return user


def _update(request: HttpRequest, ticket: Ticket, error_key: str, changes: dict) -> HttpResponse:
    try:
        ticket_update(ticket=ticket, actor=Actor.person(request.user), changes=changes)
    except ValidationFailed as exc:
        return respond(
            request, ticket, part="fields", status=422, field_errors={error_key: exc.message}
        )
    try:
        ticket = selectors.ticket_get_for_page(user=request.user, number=ticket.number)
    except NotFound:
        # Moved to a team the user is not in: the ticket left their scope.
        messages.info(
            request, _("Ticket #%(number)s moved out of your teams.") % {"number": ticket.number}
        )
        return go(request, reverse("tickets:inbox"))
    return respond(request, ticket, part="fields", saved=error_key)


@login_required
@require_POST
def ticket_fields(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    if not permissions.can_edit(request.user, ticket):
        raise PermissionDenied
    name = request.POST.get("field", "")
    error_key = name if name in SIMPLE_FIELDS else "field"
    try:
        error_key, changes = _field_change(request, ticket)
    except ValidationFailed as exc:
        return respond(
            request, ticket, part="fields", status=422, field_errors={error_key: exc.message}
        )
    return _update(request, ticket, error_key, changes)


@login_required
@require_POST
def ticket_take(request: HttpRequest, number: int) -> HttpResponse:
    """Assign to me (the "a" shortcut)."""
    ticket = ticket_or_404(request, number)
    if not permissions.can_reassign(request.user, ticket):
        raise PermissionDenied
    return _update(request, ticket, "assignee", {"assignee": request.user})
