"""The ticket page: thread, composer, side panel; history and related tickets load lazily
so the page itself stays at a constant, small number of queries."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loopdesk.accounts.directory import directory
from loopdesk.accounts.models import Role
from loopdesk.core.htmx import htmx_partial, render_page
from loopdesk.customers.selectors import contact_identities

from .. import permissions, selectors
from ..constants import Priority, StatusCategory, TicketType
from ..models import CustomFieldKind, Ticket
from ..services.fields import custom_field_definitions
from .common import ticket_or_404
from .presenters import event_rows
from .rows import thread_rows

RESPOND_TEMPLATES = {
    "conversation": "tickets/partials/_respond_conversation.html",
    "fields": "tickets/partials/_respond_fields.html",
}


def _custom_field_rows(ticket: Ticket, definitions, errors: dict) -> list[dict]:
    rows = []
    for definition in definitions:
        value = ticket.custom_fields.get(definition.key)
        rows.append(
            {
                "definition": definition,
                "key": definition.key,
                "kind": definition.kind,
                "value": "" if value is None else value,
                "selected": [str(v) for v in value] if isinstance(value, list) else [str(value)],
                "options": [str(o) for o in definition.options or []],
                "error": errors.get(f"cf:{definition.key}", ""),
                "is_multi": definition.kind == CustomFieldKind.MULTISELECT,
            }
        )
    return rows


def _reply_statuses(statuses) -> list:
    """The "Send and mark …" buttons: the default pending and solved statuses."""
    chosen = []
    for category in (StatusCategory.PENDING, StatusCategory.SOLVED):
        candidates = [s for s in statuses if s.category == category]
        candidates.sort(key=lambda s: (not s.is_default, s.order, s.pk))
        if candidates:
            chosen.append(candidates[0])
    return chosen


def workspace_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    with_thread: bool,
    field_errors: dict | None = None,
    saved: str = "",
    composer: dict | None = None,
) -> dict:
    user = request.user
    field_errors = field_errors or {}
    can_edit = permissions.can_edit(user, ticket)
    can_reassign = permissions.can_reassign(user, ticket)
    statuses = selectors.statuses_active()
    # Only what the pickers and @mention handles read, cached per process.
    people = directory()  # one read: uncommitted user changes rebuild it on every call
    staff = people.staff
    composer = composer or {}
    signature = (user.signature or "").strip()
    tag_names = selectors.ticket_tag_names(ticket=ticket)
    context = {
        "ticket": ticket,
        "contact": ticket.contact,
        "identities": contact_identities(contact=ticket.contact),
        "tag_text": ", ".join(tag_names),
        "can_edit": can_edit,
        "can_reassign": can_reassign,
        "can_take": can_reassign and ticket.assignee_id != user.pk,
        "statuses": statuses,
        # (value, label) pairs for the side panel's pickers (one tag call per <select>)
        "status_options": [(s.key, s.label) for s in statuses],
        "team_options": people.teams if can_reassign else (),
        "user_options": [(s.pk, s.label) for s in staff],
        "handles": [s.handle for s in staff if s.role != Role.TECHNICIAN],
        "priorities": Priority.choices,
        "types": TicketType.choices,
        "custom_fields": _custom_field_rows(
            ticket, custom_field_definitions(ticket.type), field_errors
        ),
        "field_errors": field_errors,
        "saved": saved,
        "reply_statuses": _reply_statuses(statuses),
        "composer_kind": composer.get("kind", "reply"),
        "composer_error": composer.get("error", ""),
        "reply_body": composer.get("reply_body", f"\n\n{signature}" if signature else ""),
        "note_body": composer.get("note_body", ""),
        "is_closed": ticket.status_category == StatusCategory.CLOSED,
    }
    # One masked CSRF token for the page's forms (each mask draws 32 random characters).
    csrf = csrf_input(request)
    # The side panel opens one form per property: the same tag, built once.
    context["field_form_open"] = format_html(
        '<form method="post" action="{0}" hx-post="{0}" hx-target="#ticket-fields" '
        'hx-swap="outerHTML" hx-trigger="change, submit">{1}',
        reverse("tickets:fields", args=[ticket.number]),
        csrf,
    )
    if with_thread:
        context["thread"] = thread_rows(
            selectors.ticket_thread(ticket=ticket),
            can_edit=can_edit,
            ticket_number=ticket.number,
            csrf_input=csrf,
        )
        context["csrf_input"] = csrf
        context["labels"] = {
            "to_article": _("Turn into article"),
            "show_quoted": _("Show quoted text"),
            "attachments": _("Attachments"),
        }
    return context


def respond(
    request: HttpRequest, ticket: Ticket, *, part: str, status: int = 200, **kwargs
) -> HttpResponse:
    """Answer a ticket mutation: htmx gets the changed part (with out-of-band updates of
    the header and side panel); a plain form post gets a redirect, or the full page
    with the errors when something was rejected."""
    if not htmx_partial(request):
        if status == 200:
            return redirect("tickets:detail", number=ticket.number)
        context = workspace_context(request, ticket, with_thread=True, **kwargs)
        return render_page(
            request,
            full="tickets/detail.html",
            partial="tickets/detail.html",
            context=context,
            status=status,
        )
    context = workspace_context(request, ticket, with_thread=part == "conversation", **kwargs)
    return render_page(
        request,
        full=RESPOND_TEMPLATES[part],
        partial=RESPOND_TEMPLATES[part],
        context=context,
        status=status,
    )


@login_required
@require_GET
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    context = workspace_context(request, ticket, with_thread=True)
    return render_page(
        request,
        full="tickets/detail.html",
        partial="tickets/partials/_conversation.html",
        context=context,
    )


@login_required
@require_GET
def ticket_history(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    rows = event_rows(selectors.ticket_events(ticket=ticket), custom_field_definitions())
    return render_page(
        request,
        full="tickets/history.html",
        partial="tickets/partials/_history.html",
        context={"ticket": ticket, "rows": rows},
    )


@login_required
@require_GET
def ticket_related(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    others = selectors.contact_other_tickets(user=request.user, ticket=ticket)
    return render_page(
        request,
        full="tickets/related.html",
        partial="tickets/partials/_related.html",
        context={"ticket": ticket, "others": others},
    )
