"""Self-service figures for supervisors and admins: CSAT and requests avoided."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..permissions import can_view_self_service_figures
from ..selectors import (
    csat_summary,
    deflection_summary,
    deflection_top_articles,
)

PERIODS = (7, 30, 90)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    if not can_view_self_service_figures(request.user):
        raise Http404
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    if days not in PERIODS:
        days = 30
    since = timezone.now() - timedelta(days=days)
    csat, per_team = csat_summary(user=request.user, since=since)
    return render(
        request,
        "portal/staff/overview.html",
        {
            "days": days,
            "periods": PERIODS,
            "csat": csat,
            "per_team": per_team,
            "deflection": deflection_summary(since=since),
            "articles": deflection_top_articles(since=since),
        },
    )
