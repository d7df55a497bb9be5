"""SLA screens of the workspace: the ticket's SLA panel (loaded lazily, so the ticket page
keeps its query budget), the notifications bell and list."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.core.htmx import render_page
from loopdesk.core.pagination import Page
from loopdesk.tickets.views.common import safe_next, ticket_or_404

from . import workspace
from .services.notify import notifications_mark_read

BELL_CAP = 100


@login_required
@require_GET
def ticket_sla(request: HttpRequest, number: int) -> HttpResponse:
    ticket = ticket_or_404(request, number)
    rows = workspace.ticket_clock_rows(ticket=ticket)
    return render_page(
        request,
        full="sla/ticket_sla.html",
        partial="sla/_ticket_sla.html",
        context={"ticket": ticket, "rows": rows},
    )


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    count = workspace.notifications_unread_count(user=request.user, cap=BELL_CAP)
    return render(
        request,
        "sla/_bell.html",
        {"count": count, "count_text": f"{BELL_CAP - 1}+" if count >= BELL_CAP else str(count)},
    )


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    error = ""
    try:
        page = workspace.notifications_page(user=request.user, after=request.GET.get("after"))
    except ValidationFailed as exc:
        error = exc.message
        page = Page(items=[], next_cursor=None)
    return render(
        request,
        "sla/notifications.html",
        {"page": page, "error": error, "is_first_page": not request.GET.get("after")},
        status=422 if error else 200,
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read and open its ticket, or mark all read."""
    raw = request.POST.get("id", "")
    if raw.isdigit() and len(raw) < 19:
        notifications_mark_read(user=request.user, ids=[int(raw)])
        number = request.POST.get("ticket", "")
        if number.isdigit() and len(number) < 19:
            return redirect(reverse("tickets:detail", args=[int(number)]))
    elif request.POST.get("all"):
        notifications_mark_read(user=request.user)
    return redirect(safe_next(request, reverse("sla:notifications")))
