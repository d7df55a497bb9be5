"""One code path for full pages and htmx partials (NetBox's utilities/htmx.py idea)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def htmx_partial(request: HttpRequest) -> bool:
    """True when htmx asks for a fragment: not a boosted navigation and not a history
    restore (after Back, htmx asks for the URL again and needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(
    request: HttpRequest, *, full: str, partial: str, context: dict, status: int = 200
) -> HttpResponse:
    template = partial if htmx_partial(request) else full
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
