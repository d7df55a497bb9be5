"""Reads for routing: a team's candidates, a ticket's skill requirements, waiting tickets."""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from loopdesk.accounts.models import Role, Team, User
from loopdesk.core.config_cache import ConfigCache
from loopdesk.customers.models import Contact
from loopdesk.sla.calendars import CalendarSpec, spec_for
from loopdesk.sla.models import BusinessCalendar, CalendarException
from loopdesk.tickets.models import Category, Tag, Ticket
from loopdesk.tickets.models.ticket import OPEN_Q

from .constants import AgentStatus, Exclusion, RequirementKind, Strategy
from .models import AgentProfile, AgentSkill, SkillRequirement, TeamRouting
from .strategies import Candidate, Requirement

ROUTABLE_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.TECHNICIAN)


ROUTING_CONFIG = ConfigCache("routing")


def _team_settings() -> dict[int, TeamRouting]:
    """Every team's routing row, cached per process (read after every ticket change)."""
    return ROUTING_CONFIG.compiled(
        lambda: {row.team_id: row for row in TeamRouting.objects.order_by("pk")}
    )


def team_strategy(team_id: int) -> TeamRouting:
    """The team's routing settings (an unsaved manual row when it has none). Shared by
    the requests of this thread: read-only."""
    row = _team_settings().get(team_id)
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


_MEMBER_COLUMNS = (
    "pk",
    "display_name",
    "email",
    "routing_profile__status",
    "routing_profile__capacity",
    "routing_profile__calendar_id",
    "routing_profile__last_assigned_at",
    "open_count",
)
# A team id no row has, used to compile the members query once per process.
_SENTINEL_TEAM = -731_920_417
_compiled_members: dict[str, tuple[str, tuple, list[int]]] = {}


def _members_queryset(team_id: int):
    open_count = (
        Ticket.objects.filter(OPEN_Q, assignee=OuterRef("pk"))
        .values("assignee")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        User.objects.filter(teams=team_id, is_active=True, role__in=ROUTABLE_ROLES)
        .annotate(open_count=Subquery(open_count))
        .order_by("pk")
        .values_list(*_MEMBER_COLUMNS)
    )


def _members_with_availability(team_id: int) -> list[tuple]:
    """The team's active members with their availability and open ticket count, one row
    each. The ORM compiles this query once per process (with a sentinel team id): building
    it cost more than running it, and routing runs it on every decision."""
    key = connection.alias
    compiled = _compiled_members.get(key)
    if compiled is None:
        sql, params = _members_queryset(_SENTINEL_TEAM).query.sql_with_params()
        positions = [i for i, value in enumerate(params) if value == _SENTINEL_TEAM]
        compiled = (sql, tuple(params), positions)
        _compiled_members[key] = compiled
    sql, params, positions = compiled
    if len(positions) != 1:  # the team id is not one parameter: never guess, use the ORM
        rows = list(_members_queryset(team_id))
    else:
        bound = list(params)
        bound[positions[0]] = team_id
        with connection.cursor() as cursor:
            cursor.execute(sql, bound)
            rows = cursor.fetchall()
    result = []
    for pk, name, email, status, capacity, calendar_id, last, open_count in rows:
        if isinstance(last, str):  # SQLite without a declared-type converter
            last = parse_datetime(last)
        if last is not None and timezone.is_naive(last):
            last = last.replace(tzinfo=UTC)  # stored in UTC (USE_TZ)
        result.append((pk, name, email, status, capacity, calendar_id, last, open_count))
    return result


def team_candidates(
    *, team_id: int, now: datetime, skill_ids: Iterable[int] = ()
) -> list[Candidate]:
    """Every active member of the team as a Candidate at `now`: offline, away or off-shift
    members are marked unavailable. Two queries whatever the team's size (members with
    their availability and open counts; skill levels), both joined through the team instead
    of carrying hundreds of ids, and no model instances: a 200-agent team stays cheap."""
    members = _members_with_availability(team_id)
    specs = _shift_specs(
        {row[5] for row in members if row[3] == AgentStatus.ONLINE and row[5]}, now
    )
    unavailable: dict[int, str] = {}
    for pk, _name, _email, status, _capacity, calendar_id, _last, _open in members:
        if status != AgentStatus.ONLINE:  # None: never set a status, i.e. offline
            unavailable[pk] = (
                Exclusion.AWAY.value if status == AgentStatus.AWAY else Exclusion.OFFLINE.value
            )
        elif calendar_id and not on_shift(specs[calendar_id], now):
            unavailable[pk] = Exclusion.OFF_SHIFT.value
    any_available = len(unavailable) < len(members)
    levels: dict[int, dict[int, int]] = {}
    skill_ids = list(skill_ids)
    if any_available and skill_ids:
        for user_id, skill_id, level in AgentSkill.objects.filter(
            user_id__in=Team.members.through.objects.filter(team_id=team_id).values("user_id"),
            skill_id__in=skill_ids,
        ).values_list("user_id", "skill_id", "level"):
            levels.setdefault(user_id, {})[skill_id] = level
    return [
        Candidate(
            agent_id=pk,
            name=name or email,
            open_count=open_ or 0,
            capacity=capacity or 0,
            last_assigned_at=last,
            skills=levels.get(pk, {}),
            unavailable=unavailable.get(pk),
        )
        for pk, name, email, _status, capacity, _calendar, last, open_ in members
    ]


def team_has_free_agent(*, team_id: int, now: datetime) -> bool:
    """Whether any member could take a ticket now (online, on shift, below capacity),
    skills aside: the sweep skips a team where nobody could, without locking anything."""
    return any(
        c.unavailable is None and c.open_count < c.capacity
        for c in team_candidates(team_id=team_id, now=now)
    )


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
    tags); one requirement per skill, at the highest minimum level that applies. One query
    (plus one per category level): the contact's language and the ticket's tags are
    subqueries, so it costs the same whether or not they were loaded."""
    query = Q(kind=RequirementKind.TYPE, value=ticket.type)
    query |= Q(
        kind=RequirementKind.LANGUAGE,
        value=Lower(Subquery(Contact.objects.filter(pk=ticket.contact_id).values("language")[:1])),
    )
    query |= Q(
        kind=RequirementKind.TAG, value__in=Tag.objects.filter(tickets=ticket.pk).values("name")
    )
    if ticket.category_id:
        query |= Q(
            kind=RequirementKind.CATEGORY, category_id__in=_category_chain(ticket.category_id)
        )
    best: dict[int, Requirement] = {}
    for skill_id, name, min_level in SkillRequirement.objects.filter(query).values_list(
        "skill_id", "skill__name", "min_level"
    ):
        current = best.get(skill_id)
        if current is None or min_level > current.min_level:
            best[skill_id] = Requirement(skill_id=skill_id, skill=name, min_level=min_level)
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
    return sorted(
        team_id for team_id, row in _team_settings().items() if row.strategy != Strategy.MANUAL
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
