"""The one NinjaAPI instance: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger

from loopdesk.accounts.api import router as accounts_router
from loopdesk.accounts.api_auth import RATELIMIT_ATTR
from loopdesk.automation.api import router as automation_router
from loopdesk.core import ratelimit
from loopdesk.core.api_errors import install_problem_handlers, problem
from loopdesk.customers.api import router as customers_router
from loopdesk.knowledge.api import router as knowledge_router
from loopdesk.portal.api import router as portal_router
from loopdesk.routing.api import router as routing_router
from loopdesk.sla.api.calendars import router as sla_calendars_router
from loopdesk.sla.api.policies import router as sla_policies_router
from loopdesk.tickets.api import router as tickets_router

DESCRIPTION = """REST API of Loopdesk.

* Authenticate with `Authorization: Bearer <api key>`; keys carry scopes
  (tickets:read, tickets:write, contacts:read, contacts:write).
* Errors are `application/problem+json` with `type`, `title`, `status`, `detail`
  and, for invalid input, `errors: [{field, message}]`.
* Lists are cursor-paginated: `page[size]` (1–100) and `page[after]`; follow `links.next`.
* Rate limit per key and minute; see the `X-RateLimit-*` headers.

See docs/api.md in the repository for examples.
"""


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _api_view(view: Callable) -> Callable:
    """Wraps every API URL: refuse oversized bodies before anything reads them, give
    405s the problem format, and stamp the caller's rate-limit state on every answer."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return problem(413, _("The request body is too large."))
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = problem(
                405,
                _("Allowed methods: %(methods)s.") % {"methods": allowed},
                headers={"Allow": allowed},
            )
        state = getattr(request, RATELIMIT_ATTR, None)
        if state is not None:
            ratelimit.apply_headers(response, state)
        return response

    return wrapped


def _unknown_path(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problem(404, _("No API endpoint at this path; see /api/v1/docs."))


_unknown_path.csrf_exempt = True  # type: ignore[attr-defined]


class LoopdeskAPI(NinjaAPI):
    def _get_urls(self) -> list[URLPattern | URLResolver]:
        # ninja has no public hook around the URL views; wrapping them here is the one
        # place that sees 405s and every response (the OpenAPI snapshot test and the
        # API tests break loudly if a ninja upgrade changes this).
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                # ninja's root view raises Http404 outside its error handling (an HTML page).
                view = _unknown_path if pattern.name == "api-root" else pattern.callback
                pattern.callback = _api_view(view)
        urls.append(path("<path:rest>", _unknown_path, name="unknown"))
        return urls


api = LoopdeskAPI(
    title="Loopdesk API",
    version="1.0.0",
    urls_namespace="api",
    description=DESCRIPTION,
    # The page loads Swagger UI from ninja's bundled static files (ninja is in
    # INSTALLED_APPS, else ninja falls back to a CDN); no validator badge, which would
    # send our schema URL to an outside host.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
install_problem_handlers(api)

api.add_router("", tickets_router)
api.add_router("", customers_router)
api.add_router("", accounts_router)
api.add_router("", sla_policies_router)
api.add_router("", sla_calendars_router)
api.add_router("", knowledge_router)
api.add_router("", automation_router)
api.add_router("", portal_router)
api.add_router("", routing_router)
