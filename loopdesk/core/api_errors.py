"""problem+json (RFC 9457) for every error the REST API returns.

One module maps domain errors, ninja's own errors and HTTP-level failures to
`{"type", "title", "status", "detail", "errors"?}` with `application/problem+json`,
so clients parse one error shape whatever went wrong.
"""

import json
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from .exceptions import LoopdeskError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("django.request")  # where Django itself reports 5xx

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:loopdesk:problem:"

# Parts of a pydantic error location that say where the value came from, not which field.
_LOCATION_ROOTS = {"body", "query", "path", "header", "payload", "filters", "params", "data"}


def _titles() -> dict[int, str]:
    # Built per call so the titles follow the request's language.
    return {
        400: _("Invalid request"),
        401: _("Authentication required"),
        403: _("Permission denied"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Request too large"),
        422: _("Unprocessable request"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


def problem(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    errors: list[dict[str, str]] | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """An application/problem+json response. `kind` names the problem type (a URN)."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_PREFIX}{kind}" if kind else "about:blank",
        "title": str(title or _titles().get(status, _("Error"))),
        "status": status,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_path(loc: tuple | list) -> str:
    """("body", "payload", "requester", "email") -> "requester.email"."""
    parts = [str(p) for p in loc]
    while parts and parts[0] in _LOCATION_ROOTS:
        parts.pop(0)
    return ".".join(parts) or "body"


class RateLimited(HttpError):
    """Raised by the API authentication when a key has used up its window."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            429, _("Rate limit exceeded; retry after %(s)s seconds.") % {"s": retry_after}
        )


class ScopeMissing(AuthorizationError):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(403, _("This API key lacks the scope %(scope)s.") % {"scope": scope})


def _on_domain_error(request: HttpRequest, exc: LoopdeskError) -> HttpResponse:
    errors = [{"field": exc.field, "message": str(exc.message)}] if exc.field else None
    kind = getattr(exc, "problem_kind", None) or ("validation" if exc.status_code == 400 else None)
    return problem(exc.status_code, exc.message, kind=kind, errors=errors)


def _on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": field_path(error.get("loc", ())), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problem(
        400, _("The request has invalid or unknown fields."), kind="validation", errors=errors
    )


def _on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        401,
        _("Send a valid, active API key as `Authorization: Bearer <key>`."),
        headers={"WWW-Authenticate": 'Bearer realm="loopdesk"'},
    )


def _on_scope_missing(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
    return problem(403, exc.message, kind="scope")


def _on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    return problem(
        429, exc.message, kind="rate-limit", headers={"Retry-After": str(exc.retry_after)}
    )


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, exc.message)


def _on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, _("Not found."))


def _on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem(413, _("The request body is too large."))


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug, not a client error: report it where Django reports 5xx (log handlers,
    # admin mail) and still answer in the API's error format.
    logger.error("Unhandled API error: %s %s", request.method, request.path, exc_info=exc)
    return problem(500, _("An unexpected error occurred; it has been logged."))


def install_problem_handlers(api: "NinjaAPI") -> None:
    """Replace ninja's default JSON errors with problem+json for every error class."""
    api.add_exception_handler(Exception, _on_unexpected)
    api.add_exception_handler(LoopdeskError, _on_domain_error)
    api.add_exception_handler(ValidationError, _on_validation_error)
    api.add_exception_handler(AuthenticationError, _on_authentication_error)
    api.add_exception_handler(ScopeMissing, _on_scope_missing)
    api.add_exception_handler(RateLimited, _on_rate_limited)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(Http404, _on_404)
    api.add_exception_handler(RequestDataTooBig, _on_too_big)
