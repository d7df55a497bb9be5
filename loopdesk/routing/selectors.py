"""Reads for routing: a team's candidates, a ticket's skill requirements, waiting tickets."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, Q

from loopdesk.accounts.models import Role, Team, User
from loopdesk.sla.calendars import CalendarSpec, spec_for
from loopdesk.sla.models import BusinessCalendar, CalendarException
from loopdesk.tickets.models import Category, Ticket
from loopdesk.tickets.models.ticket import OPEN_Q

from .constants import AgentStatus, Exclusion, RequirementKind, Strategy
from .models import AgentProfile, AgentSkill, SkillRequirement, TeamRouting
from .strategies import Candidate, Requirement

ROUTABLE_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.TECHNICIAN)


def team_strategy(team_id: int) -> TeamRouting:
    """The team's routing settings (an unsaved manual row when it has none)."""
    row = TeamRouting.objects.filter(team_id=team_id).first()
    return row or TeamRouting(team_id=team_id, strategy=Strategy.MANUAL)


def profile_for(user: User) -> AgentProfile:
    """The user's availability row, or an unsaved default (offline) one."""
    row = AgentProfile.objects.filter(user=user).select_related("calendar").first()
    return row or AgentProfile(user=user)


def team_member_ids(team_id: int) -> list[int]:
    return list(
        User.objects.filter(teams=team_id, is_active=True, role__in=ROUTABLE_ROLES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def on_shift(spec: CalendarSpec, now: datetime) -> bool:
    """Whether `now` lies in a working interval of the calendar."""
    day = now.astimezone(spec.tz).date()
    return any(start <= now < end for start, end in spec.utc_intervals(day))


def _shift_specs(calendar_ids: Iterable[int], now: datetime) -> dict[int, CalendarSpec]:
    """Specs holding only the exceptions near today: enough to answer on_shift(now)."""
    ids = set(calendar_ids)
    if not ids:
        return {}
    near = now.date()
    calendars = BusinessCalendar.objects.filter(pk__in=ids).prefetch_related("intervals")
    exceptions: dict[int, list] = {}
    for row in CalendarException.objects.filter(
        calendar_id__in=ids, date__range=(near - timedelta(days=1), near + timedelta(days=1))
    ):
        exceptions.setdefault(row.calendar_id, []).append(row)
    specs = {}
    for calendar in calendars:
        calendar._prefetched_objects_cache["exceptions"] = exceptions.get(calendar.pk, [])
        specs[calendar.pk] = spec_for(calendar)
    return specs


def team_candidates(
    *,
    team_id: int,
    now: datetime,
    skill_ids: Iterable[int] = (),
    member_ids: list[int] | None = None,
) -> list[Candidate]:
    """Every active member of the team as a Candidate at `now`: offline, away or off-shift
    members are marked unavailable; open counts and skills are loaded for the rest."""
    if member_ids is None:
        member_ids = team_member_ids(team_id)
    users = {
        u.pk: u for u in User.objects.filter(pk__in=member_ids).only("pk", "display_name", "email")
    }
    profiles = {p.user_id: p for p in AgentProfile.objects.filter(user_id__in=member_ids)}
    online = [pk for pk, p in profiles.items() if p.status == AgentStatus.ONLINE]
    specs = _shift_specs(
        (profiles[pk].calendar_id for pk in online if profiles[pk].calendar_id), now
    )
    unavailable: dict[int, str] = {}
    for pk in member_ids:
        profile = profiles.get(pk)
        status = profile.status if profile else AgentStatus.OFFLINE
        if status != AgentStatus.ONLINE:
            unavailable[pk] = (
                Exclusion.AWAY.value if status == AgentStatus.AWAY else Exclusion.OFFLINE.value
            )
        elif profile.calendar_id and not on_shift(specs[profile.calendar_id], now):
            unavailable[pk] = Exclusion.OFF_SHIFT.value
    available = [pk for pk in member_ids if pk not in unavailable]
    counts = (
        dict(
            Ticket.objects.filter(OPEN_Q, assignee_id__in=available)
            .values("assignee_id")
            .annotate(n=Count("id"))
            .values_list("assignee_id", "n")
        )
        if available
        else {}
    )
    levels: dict[int, dict[int, int]] = {}
    skill_ids = list(skill_ids)
    if available and skill_ids:
        for user_id, skill_id, level in AgentSkill.objects.filter(
            user_id__in=available, skill_id__in=skill_ids
        ).values_list("user_id", "skill_id", "level"):
            levels.setdefault(user_id, {})[skill_id] = level
    result = []
    for pk in member_ids:
        user = users.get(pk)
        if user is None:
            continue
        profile = profiles.get(pk)
        result.append(
            Candidate(
                agent_id=pk,
                name=str(user),
                open_count=counts.get(pk, 0),
                capacity=profile.capacity if profile else 0,
                last_assigned_at=profile.last_assigned_at if profile else None,
                skills=levels.get(pk, {}),
                unavailable=unavailable.get(pk),
            )
        )
    return result


def _category_chain(category_id: int | None) -> list[int]:
    chain: list[int] = []
    while category_id is not None and category_id not in chain and len(chain) < 20:
        chain.append(category_id)
        category_id = (
            Category.objects.filter(pk=category_id).values_list("parent_id", flat=True).first()
        )
    return chain


def ticket_requirements(ticket: Ticket) -> list[Requirement]:
    """The skills the ticket needs (by category and its parents, type, contact language,
    tags); one requirement per skill, at the highest minimum level that applies."""
    if not SkillRequirement.objects.exists():
        return []
    language = ticket.contact.language if ticket.contact_id else ""
    tags = list(ticket.tags.values_list("name", flat=True))
    query = Q(kind=RequirementKind.TYPE, value=ticket.type)
    if ticket.category_id:
        query |= Q(
            kind=RequirementKind.CATEGORY, category_id__in=_category_chain(ticket.category_id)
        )
    if language:
        query |= Q(kind=RequirementKind.LANGUAGE, value__iexact=language)
    if tags:
        query |= Q(kind=RequirementKind.TAG, value__in=tags)
    best: dict[int, Requirement] = {}
    for row in SkillRequirement.objects.filter(query).select_related("skill"):
        current = best.get(row.skill_id)
        if current is None or row.min_level > current.min_level:
            best[row.skill_id] = Requirement(
                skill_id=row.skill_id, skill=row.skill.name, min_level=row.min_level
            )
    return sorted(best.values(), key=lambda r: (r.skill, r.skill_id))


def waiting_ticket_ids(*, team_id: int, limit: int) -> list[int]:
    """Open unassigned tickets of the team, oldest first."""
    return list(
        Ticket.objects.filter(OPEN_Q, team_id=team_id, assignee__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def auto_team_ids() -> list[int]:
    """Teams whose tickets are assigned automatically."""
    return list(
        TeamRouting.objects.exclude(strategy=Strategy.MANUAL)
        .order_by("pk")
        .values_list("team_id", flat=True)
    )


def agent_team_ids(user_id: int) -> list[int]:
    return list(Team.objects.filter(members=user_id).order_by("pk").values_list("pk", flat=True))


def agent_skills(user: User) -> list[AgentSkill]:
    return list(
        AgentSkill.objects.filter(user=user).select_related("skill").order_by("skill__name")
    )


def agent_open_count(user_id: int) -> int:
    return Ticket.objects.filter(OPEN_Q, assignee_id=user_id).count()


def valid_id(value: int) -> bool:
    """Ids beyond a 64-bit integer would make the database raise, not miss."""
    return 0 < value < 2**63


def agent_visible_to(caller: User, agent_id: int) -> User | None:
    """The staff user `agent_id` if the caller may see them: themselves, members of the
    caller's teams, or anyone for admins."""
    if not valid_id(agent_id):
        return None
    users = User.objects.filter(pk=agent_id, role__in=ROUTABLE_ROLES)
    if caller.pk == agent_id or caller.is_admin:
        return users.first()
    return users.filter(teams__members=caller).distinct().first()


def team_visible_to(caller: User, team_id: int) -> Team | None:
    if not valid_id(team_id):
        return None
    teams = Team.objects.filter(pk=team_id)
    if not caller.is_admin:
        teams = teams.filter(members=caller)
    return teams.first()


def profile_on_shift(profile: AgentProfile, now: datetime) -> bool:
    if not profile.calendar_id:
        return True
    specs = _shift_specs([profile.calendar_id], now)
    spec = specs.get(profile.calendar_id)
    return spec is not None and on_shift(spec, now)


def waiting_count(*, team_id: int) -> int:
    return Ticket.objects.filter(OPEN_Q, team_id=team_id, assignee__isnull=True).count()


def team_agents(team: Team) -> list[dict]:
    """The team's members with availability, open load and skills (the team page)."""
    member_ids = team_member_ids(team.pk)
    users = User.objects.filter(pk__in=member_ids).order_by("display_name", "pk")
    profiles = {p.user_id: p for p in AgentProfile.objects.filter(user_id__in=member_ids)}
    counts = dict(
        Ticket.objects.filter(OPEN_Q, assignee_id__in=member_ids)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    skills: dict[int, list[AgentSkill]] = {}
    for row in AgentSkill.objects.filter(user_id__in=member_ids).select_related("skill"):
        skills.setdefault(row.user_id, []).append(row)
    rows = []
    for user in users:
        profile = profiles.get(user.pk) or AgentProfile(user=user)
        rows.append(
            {
                "user": user,
                "profile": profile,
                "open": counts.get(user.pk, 0),
                "skills": sorted(skills.get(user.pk, []), key=lambda s: s.skill.name),
            }
        )
    return rows
