"""Routing screens: the status switch in the header, an agent's availability and skills,
and a team's assignment strategy with its members' load."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from loopdesk.accounts.models import Role, Team
from loopdesk.core.exceptions import LoopdeskError
from loopdesk.core.htmx import htmx_partial

from . import selectors, services
from .forms import AgentSettingsForm, SkillLevelForm, StatusForm, TeamRoutingForm
from .models import Skill


def _status_context(request: HttpRequest, error: str = "") -> dict:
    profile = selectors.profile_for(request.user)
    return {
        "profile": profile,
        "statuses": StatusForm.base_fields["status"].choices,
        "error": error,
        "on_shift": selectors.profile_on_shift(profile, timezone.now()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """The header's status switch (GET: the widget; POST: change my own status)."""
    error = ""
    if request.method == "POST":
        form = StatusForm(request.POST)
        if form.is_valid():
            services.agent_status_set(
                agent=request.user, status=form.cleaned_data["status"], by=request.user
            )
        else:
            error = _("Choose online, away or offline.")
        if not htmx_partial(request):
            return redirect(reverse("routing:agent", args=[request.user.pk]))
    return render(
        request,
        "routing/_status.html",
        _status_context(request, error),
        status=422 if error else 200,
    )


def _agent_or_404(request: HttpRequest, agent_id: int):
    agent = selectors.agent_visible_to(request.user, agent_id)
    if agent is None:
        raise Http404
    return agent


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.order_by("name")
    if not request.user.is_admin:
        teams = teams.filter(members=request.user)
    rows = [
        {
            "team": team,
            "routing": selectors.team_strategy(team.pk),
            "waiting": selectors.waiting_count(team_id=team.pk),
        }
        for team in teams
    ]
    return render(request, "routing/index.html", {"rows": rows})


def _agent_page(request, agent, *, settings_form=None, skill_form=None, error="", status=200):
    profile = selectors.profile_for(agent)
    can_edit = services.can_manage_agent(request.user, agent)
    context = {
        "agent": agent,
        "profile": profile,
        "open_count": selectors.agent_open_count(agent.pk),
        "on_shift": selectors.profile_on_shift(profile, timezone.now()),
        "skills": selectors.agent_skills(agent),
        "can_edit": can_edit,
        "can_set_status": can_edit or agent.pk == request.user.pk,
        "statuses": StatusForm.base_fields["status"].choices,
        "settings_form": settings_form
        or AgentSettingsForm(
            initial={"capacity": profile.capacity, "calendar": profile.calendar_id}
        ),
        "skill_form": skill_form or SkillLevelForm(),
        "has_skills_catalogue": Skill.objects.exists(),
        "error": error,
        "teams": list(agent.teams.order_by("name")),
    }
    return render(request, "routing/agent.html", context, status=status)


@login_required
@require_GET
def agent(request: HttpRequest, agent_id: int) -> HttpResponse:
    return _agent_page(request, _agent_or_404(request, agent_id))


@login_required
@require_POST
def agent_status(request: HttpRequest, agent_id: int) -> HttpResponse:
    target = _agent_or_404(request, agent_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _agent_page(request, target, error=_("Choose online, away or offline."), status=422)
    try:
        services.agent_status_set(agent=target, status=form.cleaned_data["status"], by=request.user)
    except LoopdeskError as exc:
        return _agent_page(request, target, error=exc.message, status=exc.status_code)
    return redirect(reverse("routing:agent", args=[target.pk]))


@login_required
@require_POST
def agent_settings(request: HttpRequest, agent_id: int) -> HttpResponse:
    target = _agent_or_404(request, agent_id)
    form = AgentSettingsForm(request.POST)
    if not form.is_valid():
        return _agent_page(request, target, settings_form=form, status=422)
    calendar = form.cleaned_data["calendar"]
    try:
        services.agent_settings_set(
            agent=target,
            by=request.user,
            capacity=form.cleaned_data["capacity"],
            calendar_id=calendar.pk if calendar else None,
            set_calendar=True,
        )
    except LoopdeskError as exc:
        return _agent_page(
            request, target, settings_form=form, error=exc.message, status=exc.status_code
        )
    return redirect(reverse("routing:agent", args=[target.pk]))


@login_required
@require_POST
def agent_skill(request: HttpRequest, agent_id: int) -> HttpResponse:
    """Set a level (skill + level) or remove a skill (remove=<skill id>)."""
    target = _agent_or_404(request, agent_id)
    try:
        remove = request.POST.get("remove", "")
        if remove:
            skill = (
                Skill.objects.filter(pk=int(remove)).first()
                if remove.isdigit() and len(remove) < 19
                else None
            )
            if skill is None:
                raise Http404
            services.agent_skill_remove(agent=target, skill=skill, by=request.user)
        else:
            form = SkillLevelForm(request.POST)
            if not form.is_valid():
                return _agent_page(request, target, skill_form=form, status=422)
            services.agent_skill_set(
                agent=target,
                skill=form.cleaned_data["skill"],
                level=form.cleaned_data["level"],
                by=request.user,
            )
    except LoopdeskError as exc:
        return _agent_page(request, target, error=exc.message, status=exc.status_code)
    return redirect(reverse("routing:agent", args=[target.pk]))


def _team_or_404(request: HttpRequest, team_id: int) -> Team:
    team = selectors.team_visible_to(request.user, team_id)
    if team is None:
        raise Http404
    return team


def _team_page(request, team, *, form=None, error="", status=200):
    routing = selectors.team_strategy(team.pk)
    can_edit = request.user.is_admin or (
        request.user.role == Role.SUPERVISOR and team.members.filter(pk=request.user.pk).exists()
    )
    context = {
        "team": team,
        "routing": routing,
        "form": form
        or TeamRoutingForm(
            initial={
                "strategy": routing.strategy,
                "require_all_skills": routing.require_all_skills,
            }
        ),
        "can_edit": can_edit,
        "agents": selectors.team_agents(team),
        "waiting": selectors.waiting_count(team_id=team.pk),
        "error": error,
    }
    return render(request, "routing/team.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    target = _team_or_404(request, team_id)
    if request.method == "GET":
        return _team_page(request, target)
    form = TeamRoutingForm(request.POST)
    if not form.is_valid():
        return _team_page(request, target, form=form, status=422)
    try:
        services.team_routing_set(
            team=target,
            by=request.user,
            strategy=form.cleaned_data["strategy"],
            require_all_skills=form.cleaned_data["require_all_skills"],
        )
    except LoopdeskError as exc:
        return _team_page(request, target, form=form, error=exc.message, status=exc.status_code)
    return redirect(reverse("routing:team", args=[target.pk]))
