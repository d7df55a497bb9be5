"""/agents/…/status, /agents/…/routing, /skills, /skill-requirements, /teams/…/routing.

Reads need tickets:read, writes tickets:write. A caller sees themselves and the members of
their teams (admins everyone); anyone else is a 404. Agents change only their own status;
supervisors the status, capacity, shift and skills of their teams' members; admins all,
plus the skill catalogue and requirements.
"""

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.responses import Status

from loopdesk.accounts.api_auth import TICKETS_READ, TICKETS_WRITE, principal
from loopdesk.accounts.models import Team, User
from loopdesk.core.api_common import sent_fields
from loopdesk.core.exceptions import NotFound, ValidationFailed
from loopdesk.tickets.models import Category

from . import selectors, services
from .models import Skill, SkillRequirement
from .schemas import (
    AgentRoutingOut,
    AgentRoutingPatch,
    AgentSkillIn,
    AgentStatusIn,
    AgentStatusOut,
    RequirementIn,
    RequirementOut,
    SkillIn,
    SkillOut,
    TeamRoutingIn,
    TeamRoutingOut,
)

router = Router(tags=["routing"])


def _agent(request: HttpRequest, agent_id: int) -> User:
    caller = principal(request).user
    agent = selectors.agent_visible_to(caller, agent_id)
    if agent is None:
        raise NotFound(_("Agent not found."))
    return agent


def _team(request: HttpRequest, team_id: int) -> Team:
    team = selectors.team_visible_to(principal(request).user, team_id)
    if team is None:
        raise NotFound(_("Team not found."))
    return team


def _skill(skill_id: int) -> Skill:
    skill = Skill.objects.filter(pk=skill_id).first() if selectors.valid_id(skill_id) else None
    if skill is None:
        raise NotFound(_("Skill not found."))
    return skill


def _status_body(agent: User, *, skills: bool = False) -> dict:
    profile = selectors.profile_for(agent)
    body = {
        "agent_id": agent.pk,
        "name": str(agent),
        "status": profile.status,
        "status_changed_at": profile.status_changed_at,
        "capacity": profile.capacity,
        "open_tickets": selectors.agent_open_count(agent.pk),
        "calendar_id": profile.calendar_id,
        "on_shift": selectors.profile_on_shift(profile, timezone.now()),
    }
    if skills:
        body["skills"] = [
            {"skill_id": row.skill_id, "skill": row.skill.name, "level": row.level}
            for row in selectors.agent_skills(agent)
        ]
    return body


@router.get(
    "/agents/me/status",
    response=AgentStatusOut,
    auth=TICKETS_READ,
    operation_id="agent_status_me",
    summary="My availability",
    description="Scope: tickets:read. The key's user's status, capacity and open tickets.",
)
def agent_status_me(request: HttpRequest):
    return _status_body(principal(request).user)


@router.put(
    "/agents/me/status",
    response=AgentStatusOut,
    auth=TICKETS_WRITE,
    operation_id="agent_status_me_set",
    summary="Set my status",
    description="Scope: tickets:write. Going online assigns waiting tickets of your teams.",
)
def agent_status_me_set(request: HttpRequest, payload: AgentStatusIn):
    user = principal(request).user
    services.agent_status_set(agent=user, status=payload.status, by=user)
    return _status_body(user)


@router.get(
    "/agents/{agent_id}/status",
    response=AgentStatusOut,
    auth=TICKETS_READ,
    operation_id="agent_status_get",
    summary="An agent's availability",
    description="Scope: tickets:read. Yourself or a member of your teams (admins: anyone).",
)
def agent_status_get(request: HttpRequest, agent_id: int):
    return _status_body(_agent(request, agent_id))


@router.put(
    "/agents/{agent_id}/status",
    response=AgentStatusOut,
    auth=TICKETS_WRITE,
    operation_id="agent_status_set",
    summary="Set an agent's status",
    description="Scope: tickets:write. Yourself; supervisors their teams' members; admins anyone.",
)
def agent_status_set(request: HttpRequest, agent_id: int, payload: AgentStatusIn):
    agent = _agent(request, agent_id)
    services.agent_status_set(agent=agent, status=payload.status, by=principal(request).user)
    return _status_body(agent)


@router.get(
    "/agents/{agent_id}/routing",
    response=AgentRoutingOut,
    auth=TICKETS_READ,
    operation_id="agent_routing_get",
    summary="An agent's availability and skills",
    description="Scope: tickets:read. Status, capacity, shift calendar and skill levels.",
)
def agent_routing_get(request: HttpRequest, agent_id: int):
    return _status_body(_agent(request, agent_id), skills=True)


@router.patch(
    "/agents/{agent_id}/routing",
    response=AgentRoutingOut,
    auth=TICKETS_WRITE,
    operation_id="agent_routing_update",
    summary="Change an agent's capacity or shift calendar",
    description="Scope: tickets:write. Supervisors (their teams' members) and admins.",
)
def agent_routing_update(request: HttpRequest, agent_id: int, payload: AgentRoutingPatch):
    agent = _agent(request, agent_id)
    sent = sent_fields(payload, nullable=frozenset({"calendar_id"}))
    services.agent_settings_set(
        agent=agent,
        by=principal(request).user,
        capacity=sent.get("capacity"),
        calendar_id=sent.get("calendar_id"),
        set_calendar="calendar_id" in sent,
    )
    return _status_body(agent, skills=True)


@router.put(
    "/agents/{agent_id}/skills/{skill_id}",
    response=AgentRoutingOut,
    auth=TICKETS_WRITE,
    operation_id="agent_skill_set",
    summary="Set an agent's level in a skill",
    description="Scope: tickets:write. Levels 1 (basic) to 5 (expert).",
)
def agent_skill_set(request: HttpRequest, agent_id: int, skill_id: int, payload: AgentSkillIn):
    agent = _agent(request, agent_id)
    services.agent_skill_set(
        agent=agent, skill=_skill(skill_id), level=payload.level, by=principal(request).user
    )
    return _status_body(agent, skills=True)


@router.delete(
    "/agents/{agent_id}/skills/{skill_id}",
    response={204: None},
    auth=TICKETS_WRITE,
    operation_id="agent_skill_remove",
    summary="Remove a skill from an agent",
    description="Scope: tickets:write.",
)
def agent_skill_remove(request: HttpRequest, agent_id: int, skill_id: int):
    agent = _agent(request, agent_id)
    if not services.agent_skill_remove(
        agent=agent, skill=_skill(skill_id), by=principal(request).user
    ):
        raise NotFound(_("The agent does not have this skill."))
    return Status(204, None)


@router.get(
    "/skills",
    response=list[SkillOut],
    auth=TICKETS_READ,
    operation_id="skills_list",
    summary="List skills",
    description="Scope: tickets:read.",
)
def skills_list(request: HttpRequest):
    return list(Skill.objects.order_by("name"))


@router.post(
    "/skills",
    response={201: SkillOut},
    auth=TICKETS_WRITE,
    operation_id="skills_create",
    summary="Create a skill",
    description="Scope: tickets:write; admins only.",
)
def skills_create(request: HttpRequest, payload: SkillIn):
    skill = services.skill_create(
        name=payload.name, description=payload.description, by=principal(request).user
    )
    return Status(201, skill)


def _requirement_out(row: SkillRequirement) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "category_id": row.category_id,
        "value": row.value,
        "skill_id": row.skill_id,
        "skill": row.skill.name,
        "min_level": row.min_level,
    }


@router.get(
    "/skill-requirements",
    response=list[RequirementOut],
    auth=TICKETS_READ,
    operation_id="skill_requirements_list",
    summary="Which skills tickets need",
    description="Scope: tickets:read. By category (and sub-categories), type, language, tag.",
)
def skill_requirements_list(request: HttpRequest):
    return [_requirement_out(r) for r in SkillRequirement.objects.select_related("skill")]


@router.post(
    "/skill-requirements",
    response={201: RequirementOut},
    auth=TICKETS_WRITE,
    operation_id="skill_requirements_create",
    summary="Add or update a skill requirement",
    description="Scope: tickets:write; admins only.",
)
def skill_requirements_create(request: HttpRequest, payload: RequirementIn):
    category = None
    if payload.category_id is not None:
        category = Category.objects.filter(pk=payload.category_id).first()
        if category is None:
            raise ValidationFailed(_("Unknown category."), field="category_id")
    row = services.requirement_create(
        kind=payload.kind,
        skill=_skill(payload.skill_id),
        min_level=payload.min_level,
        value=payload.value,
        category=category,
        by=principal(request).user,
    )
    return Status(201, _requirement_out(row))


@router.delete(
    "/skill-requirements/{requirement_id}",
    response={204: None},
    auth=TICKETS_WRITE,
    operation_id="skill_requirements_delete",
    summary="Remove a skill requirement",
    description="Scope: tickets:write; admins only.",
)
def skill_requirements_delete(request: HttpRequest, requirement_id: int):
    services.requirement_delete(requirement_id=requirement_id, by=principal(request).user)
    return Status(204, None)


def _team_body(team: Team) -> dict:
    row = selectors.team_strategy(team.pk)
    return {
        "team_id": team.pk,
        "team": team.name,
        "strategy": row.strategy,
        "require_all_skills": row.require_all_skills,
        "waiting_tickets": selectors.waiting_count(team_id=team.pk),
    }


@router.get(
    "/teams/{team_id}/routing",
    response=TeamRoutingOut,
    auth=TICKETS_READ,
    operation_id="team_routing_get",
    summary="A team's assignment strategy",
    description="Scope: tickets:read. With the number of tickets waiting for an agent.",
)
def team_routing_get(request: HttpRequest, team_id: int):
    return _team_body(_team(request, team_id))


@router.put(
    "/teams/{team_id}/routing",
    response=TeamRoutingOut,
    auth=TICKETS_WRITE,
    operation_id="team_routing_set",
    summary="Set a team's assignment strategy",
    description="Scope: tickets:write. Admins, or supervisors of the team.",
)
def team_routing_set(request: HttpRequest, team_id: int, payload: TeamRoutingIn):
    team = _team(request, team_id)
    services.team_routing_set(
        team=team,
        by=principal(request).user,
        strategy=payload.strategy,
        require_all_skills=payload.require_all_skills,
    )
    return _team_body(team)
