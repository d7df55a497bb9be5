"""Helpers shared by the ticket screens."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from loopdesk.core.exceptions import NotFound
from loopdesk.core.htmx import htmx_partial

from .. import selectors
from ..models import Ticket


def ticket_or_404(request: HttpRequest, number: int) -> Ticket:
    """The ticket if the user may see it; otherwise 404 (never 403: numbers can't be probed)."""
    try:
        return selectors.ticket_get_for_page(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def go(request: HttpRequest, url: str) -> HttpResponse:
    """Navigate: a client-side redirect for htmx (a 302 would be swapped in place)."""
    if htmx_partial(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
