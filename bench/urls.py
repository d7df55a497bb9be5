"""The product's URLs plus two trivial views, measured as the floor every page stands on.

Only loaded by the benchmarks (bench/settings.py for the HTTP server, bench/pages.py
in-process); production's ROOT_URLCONF is config.urls, which has neither view.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    # Touch the user like every real page does (session + user lookups), render nothing.
    return HttpResponse(f"hello {request.user.is_authenticated}", content_type="text/plain")


def hello_json(request: HttpRequest) -> JsonResponse:
    # The framework's ceiling: every middleware runs, no session or database touched.
    return JsonResponse({"hello": "world"})


urlpatterns = [
    path("bench/hello", hello),
    path("bench/hello.json", hello_json),
    path("", include("config.urls")),
]
