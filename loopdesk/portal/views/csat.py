"""The survey by signed email link (no login, for that one ticket) and the rating card
agents see on the ticket page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from loopdesk.core.exceptions import LoopdeskError, NotFound
from loopdesk.tickets.constants import DONE_CATEGORIES
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.views.common import ticket_or_404

from .. import throttle
from ..forms import RatingForm
from ..selectors import csat_editable, csat_for_ticket
from ..services.csat import csat_respond, rating_bucket, survey_token_read


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket_id, contact_id = survey_token_read(token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    ticket = (
        Ticket.objects.select_related("contact").filter(pk=ticket_id, contact_id=contact_id).first()
    )
    if ticket is None:
        raise Http404
    response = csat_for_ticket(ticket=ticket)
    preset = request.GET.get("score", "")
    form = RatingForm(
        request.POST or None,
        initial={"comment": response.comment if response else "", "score": preset},
    )
    saved = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                throttle.check(rating_bucket(ticket))
                response = csat_respond(
                    ticket=ticket,
                    contact=ticket.contact,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except LoopdeskError as exc:
                form.add_error(None, exc.message)
                status = 422
            else:
                saved = True
        else:
            status = 422
    chosen = str(response.score) if response else preset
    if request.method == "POST" and not saved:
        chosen = request.POST.get("score", "")
    return render(
        request,
        "portal/survey.html",
        {
            "ticket": ticket,
            "form": form,
            "rating": response,
            "saved": saved,
            "chosen": chosen,
            "scores": range(1, 6),
            "can_rate": ticket.status_category in DONE_CATEGORIES and csat_editable(response),
        },
        status=status,
    )


@login_required
@require_GET
def staff_ticket_csat(request: HttpRequest, number: int) -> HttpResponse:
    """The rating card on the agent's ticket page (loaded by htmx, so the page's own
    query count is unchanged). Scoped like the ticket page itself."""
    ticket = ticket_or_404(request, number)
    return render(
        request,
        "portal/staff/_ticket_csat.html",
        {"ticket": ticket, "rating": csat_for_ticket(ticket=ticket)},
    )
