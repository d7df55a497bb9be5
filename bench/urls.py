"""The product's URLs plus one trivial page, measured as the floor every page stands on."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def hello(request: HttpRequest) -> HttpResponse:
    # Touch the user like every real page does (session + user lookups), render nothing.
    return HttpResponse(f"hello {request.user.is_authenticated}", content_type="text/plain")


urlpatterns = [
    path("bench/hello", hello),
    path("", include("config.urls")),
]
