"""The customer's requests: list, one request (public messages only), reply, close,
reopen, rate, and attachment downloads."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from loopdesk.core.exceptions import LoopdeskError, NotFound
from loopdesk.tickets.constants import DONE_CATEGORIES, StatusCategory
from loopdesk.tickets.forms import uploads_from

from .. import throttle
from ..forms import RatingForm, ReplyForm
from ..selectors import (
    csat_editable,
    csat_for_ticket,
    is_org_admin,
    portal_attachment_get,
    portal_thread,
    portal_ticket_page,
)
from ..services.csat import csat_respond, rating_bucket
from ..services.tickets import portal_reply, portal_ticket_close, portal_ticket_reopen
from ..session import portal_contact, portal_login_required
from .common import portal_ticket_or_404


@never_cache
@portal_login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    contact = portal_contact(request)
    try:
        page = portal_ticket_page(contact=contact, after=request.GET.get("after"))
    except LoopdeskError as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "portal/home.html",
        {
            "contact": contact,
            "page": page,
            "org_admin": is_org_admin(contact),
            "is_first_page": not request.GET.get("after"),
        },
    )


def _detail_context(request: HttpRequest, ticket, *, reply_form=None, rating_form=None) -> dict:
    contact = portal_contact(request)
    response = csat_for_ticket(ticket=ticket)
    done = ticket.status_category in DONE_CATEGORIES
    is_requester = ticket.contact_id == contact.pk
    return {
        "contact": contact,
        "ticket": ticket,
        "thread": portal_thread(ticket=ticket),
        "reply_form": reply_form or ReplyForm(),
        "rating_form": rating_form
        or RatingForm(initial={"comment": response.comment if response else ""}),
        "rating": response,
        "can_close": ticket.is_open,
        "can_reopen": ticket.status_category == StatusCategory.SOLVED,
        "is_closed": ticket.status_category == StatusCategory.CLOSED,
        "can_rate": done and is_requester and csat_editable(response),
        "scores": range(1, 6),
    }


@never_cache
@portal_login_required
@require_GET
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    ticket = portal_ticket_or_404(request, number)
    return render(request, "portal/ticket.html", _detail_context(request, ticket))


@portal_login_required
@require_POST
def ticket_reply(request: HttpRequest, number: int) -> HttpResponse:
    ticket = portal_ticket_or_404(request, number)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            attachments = uploads_from(request.FILES.getlist("attachments"))
            result = portal_reply(
                ticket=ticket,
                contact=portal_contact(request),
                text=form.cleaned_data["body"],
                attachments=attachments,
            )
        except LoopdeskError as exc:
            form.add_error("body", exc.message)
        else:
            if result.ticket.pk != ticket.pk:
                messages.info(
                    request,
                    _("That request was closed, so your reply opened a new one: #%(n)s.")
                    % {"n": result.ticket.number},
                )
            return redirect("portal:ticket", number=result.ticket.number)
    context = _detail_context(request, ticket, reply_form=form)
    return render(request, "portal/ticket.html", context, status=422)


@portal_login_required
@require_POST
def ticket_close(request: HttpRequest, number: int) -> HttpResponse:
    return _status_action(request, number, portal_ticket_close, _("Your request is closed."))


@portal_login_required
@require_POST
def ticket_reopen(request: HttpRequest, number: int) -> HttpResponse:
    return _status_action(request, number, portal_ticket_reopen, _("Your request is open again."))


def _status_action(request: HttpRequest, number: int, action, done_message: str) -> HttpResponse:
    ticket = portal_ticket_or_404(request, number)
    try:
        action(ticket=ticket, contact=portal_contact(request))
    except LoopdeskError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done_message)
    return redirect("portal:ticket", number=ticket.number)


@portal_login_required
@require_POST
def ticket_rate(request: HttpRequest, number: int) -> HttpResponse:
    ticket = portal_ticket_or_404(request, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            throttle.check(rating_bucket(ticket))
            csat_respond(
                ticket=ticket,
                contact=portal_contact(request),
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except LoopdeskError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("portal:ticket", number=ticket.number)
    context = _detail_context(request, ticket, rating_form=form)
    return render(request, "portal/ticket.html", context, status=422)


@portal_login_required
@require_GET
def attachment_download(request: HttpRequest, public_id) -> FileResponse:
    try:
        attachment = portal_attachment_get(contact=portal_contact(request), public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Attachment file is missing.") from exc
    # As in the workspace: always a download, never rendered in our origin.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
