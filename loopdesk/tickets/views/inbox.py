"""The inbox: saved views, filters, keyset pages, search and bulk actions."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from loopdesk.accounts.directory import directory
from loopdesk.core.exceptions import ValidationFailed
from loopdesk.core.htmx import htmx_partial, render_page
from loopdesk.core.pagination import Page

from .. import permissions, selectors
from ..constants import Channel, Priority, TicketType
from ..events import Actor
from ..forms import BulkForm, InboxParams, parse_ticket_number, split_tags
from ..services import tags_normalise, tickets_bulk_update
from .common import go, safe_next
from .rows import inbox_rows

VIEW_LABELS = [
    ("mine", gettext_lazy("Mine")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("my_teams", gettext_lazy("My teams")),
    ("open", gettext_lazy("All open")),
    ("recent", gettext_lazy("Recently updated")),
]
# Drawn after the saved views, set apart: it is a view over SLA clocks, not a queue.
SLA_VIEW = ("sla_at_risk", gettext_lazy("Breaching soon"))
FILTER_KEYS = ("status", "priority", "team", "assignee", "channel", "type", "tag", "sort")
SORT_LABELS = [
    ("-updated", gettext_lazy("Recently updated")),
    ("updated", gettext_lazy("Least recently updated")),
    ("-created", gettext_lazy("Newest")),
    ("created", gettext_lazy("Oldest")),
    ("priority", gettext_lazy("Priority")),
]


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    query = request.GET.get("q", "").strip()
    number = parse_ticket_number(query) if query else None
    if (
        number is not None
        and selectors.ticket_queryset(
            user=user, filters=selectors.TicketFilters(view="all", number=number)
        ).exists()
    ):
        return go(request, reverse("tickets:detail", args=[number]))

    error = ""
    try:
        params = InboxParams.from_query(request.GET)
        page = selectors.inbox_page(
            user=user, filters=params.filters, sort=params.sort, after=params.after
        )
    except ValidationFailed as exc:
        error = exc.message
        params = None
        page = Page(items=[], next_cursor=None)

    view = params.filters.view if params else request.GET.get("view", "open")
    counts = selectors.inbox_counts_with_sla(user=user)
    context = {
        "tickets": inbox_rows(page.items),
        "next_cursor": page.next_cursor,
        "is_first_page": not (params and params.after),
        "error": error,
        "view": view,
        "view_title": dict([*VIEW_LABELS, SLA_VIEW]).get(view, _("All tickets")),
        "sla_tab": {"key": SLA_VIEW[0], "label": SLA_VIEW[1], "count": counts.get(SLA_VIEW[0])},
        "tabs": [
            {"key": key, "label": label, "count": counts.get(key, "")} for key, label in VIEW_LABELS
        ],
        "q": query,
        # A plain dict with every key the filter form reads: a missing key in a QueryDict
        # costs the template engine a KeyError, an AttributeError and a dir() per lookup.
        "current": {key: request.GET.get(key, "") for key in FILTER_KEYS},
        "can_reassign": permissions.can_reassign(user, None),  # role-based: no ticket needed
        "next_url": request.get_full_path(),
    }
    if not htmx_partial(request):
        # The filter and bulk-action choices: only the full page draws them.
        people = directory()  # one read: uncommitted user changes rebuild it on every call
        context.update(
            statuses=[(s.key, s.label) for s in selectors.statuses_active()],
            # Only what the pickers draw (pk and name), cached per process.
            teams=people.teams,
            users=people.staff_choices(),
            priorities=Priority.choices,
            channels=Channel.choices,
            types=TicketType.choices,
            sorts=SORT_LABELS,
        )
    return render_page(
        request,
        full="tickets/inbox.html",
        partial="tickets/partials/_ticket_list.html",
        context=context,
        status=422 if error else 200,
    )


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one change to the selected tickets. Each ticket succeeds or fails on its
    own; the user gets one summary line and one line per failure."""
    user = request.user
    back = safe_next(request, reverse("tickets:inbox"))
    form = BulkForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Choose an action."))
        numbers = form.numbers(request.POST)
        if not numbers:
            raise ValidationFailed(_("Select at least one ticket."))
        tickets = list(
            selectors.ticket_queryset(user=user, filters=selectors.TicketFilters(view="all"))
            .filter(number__in=numbers)
            .select_related("status", "team", "assignee")
            .prefetch_related("tags")
        )
        actor = Actor.person(user)
        action = form.cleaned_data["action"]
        if action == "assign":
            result_updated, errors = _bulk_assign(
                user, tickets, form.cleaned_data["assignee"], actor
            )
        elif action == "status":
            status = selectors.status_by_key(form.cleaned_data["status"])
            result = tickets_bulk_update(tickets=tickets, actor=actor, changes={"status": status})
            result_updated, errors = result.updated, result.errors
        else:
            result_updated, errors = _bulk_add_tags(tickets, form.cleaned_data["tags"], actor)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return go(request, back)

    selectors.inbox_counts_forget(user=user)  # the redirect shows this change's counts
    found = {t.number for t in tickets}
    for number in numbers:
        if number not in found:
            errors[number] = _("Ticket not found.")
    if result_updated:
        messages.success(request, _("%(n)d ticket(s) updated.") % {"n": len(result_updated)})
    for number, reason in sorted(errors.items()):
        messages.error(
            request, _("#%(number)s not updated: %(reason)s") % {"number": number, "reason": reason}
        )
    return go(request, back)


def _bulk_assign(user, tickets, raw: str, actor) -> tuple[list[int], dict[int, str]]:
    if not permissions.can_reassign(user, None):
        raise ValidationFailed(_("You cannot reassign tickets."))
    if raw == "me":
        assignee = user
    elif raw in ("", "none"):
        assignee = None
    else:
        assignee = selectors.assignable_users().filter(pk=raw if raw.isdigit() else 0).first()
        if assignee is None:
            raise ValidationFailed(_("Unknown assignee."))
    result = tickets_bulk_update(tickets=tickets, actor=actor, changes={"assignee": assignee})
    return result.updated, result.errors


def _bulk_add_tags(tickets, raw: str, actor) -> tuple[list[int], dict[int, str]]:
    """Adding (not replacing) tags: tickets that share a tag set get one bulk call."""
    new = tags_normalise(split_tags(raw))
    if not new:
        raise ValidationFailed(_("Enter at least one tag."))
    groups: dict[tuple[str, ...], list] = defaultdict(list)
    for ticket in tickets:
        groups[tuple(sorted(t.name for t in ticket.tags.all()))].append(ticket)
    updated: list[int] = []
    errors: dict[int, str] = {}
    for current, group in groups.items():
        result = tickets_bulk_update(
            tickets=group, actor=actor, changes={"tags": sorted({*current, *new})}
        )
        updated += result.updated
        errors.update(result.errors)
    return updated, errors
