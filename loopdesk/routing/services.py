"""Routing: choose an agent for a ticket by its team's strategy, and keep availability.

`route_ticket` is the one entry point (hooks, the waiting-queue sweep and automation
actions call it). It runs in one transaction that locks the ticket row and then the
availability rows of the team's online members in user-id order, so two workers routing
at once queue on those locks: an agent's open count is read only while their row is held,
and a ticket is never assigned twice. (SQLite serialises writers with BEGIN IMMEDIATE.)
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loopdesk.accounts.models import Role, Team, User
from loopdesk.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from loopdesk.tickets import events
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Category, Ticket, TicketEventType
from loopdesk.tickets.services import ticket_update

from . import display, selectors
from .constants import (
    MAX_CAPACITY,
    MAX_LEVEL,
    MIN_LEVEL,
    SWEEP_BATCH,
    SWEEP_SECONDS,
    AgentStatus,
    RequirementKind,
    Strategy,
)
from .models import AgentProfile, AgentSkill, Skill, SkillRequirement, TeamRouting
from .strategies import Scored, decide, explain

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoutingDecision:
    """What routing did for one ticket, and why."""

    assignee_id: int | None
    strategy: str
    candidates: list[Scored] = field(default_factory=list)  # best first
    waiting: bool = False  # an automatic team found nobody: the ticket waits
    reason: str = ""


def _routing_actor(actor: Actor | None, strategy: str) -> Actor:
    label = f"Routing: {strategy}"
    if actor is None:
        return Actor.system(label)
    return Actor(
        kind=actor.kind,
        user=actor.user,
        contact=actor.contact,
        ref=f"{actor.ref} · {label}" if actor.ref else label,
    )


def route_ticket(
    *, ticket_id: int, actor: Actor | None = None, team_id: int | None = None
) -> "RoutingDecision":
    """Assign an open, unassigned ticket by its team's strategy (or by team `team_id`'s,
    moving the ticket to that team). Records the scored candidates as a routing.decision
    event. A ticket nobody can take now waits (`waiting=True`) until an agent comes
    online or gets capacity back. Assigned, solved and closed tickets are left alone."""
    return _route(ticket_id=ticket_id, actor=actor, team_id=team_id, record_waiting=True)


def _route(
    *, ticket_id: int, actor: Actor | None, team_id: int | None, record_waiting: bool
) -> RoutingDecision:
    now = timezone.now()
    with transaction.atomic():
        # Locked without a join: PostgreSQL re-checks a FOR UPDATE join against the row a
        # concurrent writer committed, and a ticket whose status changed meanwhile (new ->
        # open on assignment) would then vanish from `ticket_lock()`'s status join.
        ticket = (
            Ticket.objects.select_for_update().filter(pk=ticket_id).first()
            if selectors.valid_id(ticket_id)
            else None
        )
        if ticket is None:
            raise NotFound(_("Ticket not found."))
        moving = team_id is not None and team_id != ticket.team_id
        target = team_id if team_id is not None else ticket.team_id
        if target is None:
            return RoutingDecision(None, Strategy.MANUAL, reason=_("The ticket has no team."))
        team = Team.objects.filter(pk=target).first() if selectors.valid_id(target) else None
        if team is None:
            raise NotFound(_("Team not found."))
        settings = selectors.team_strategy(team.pk)
        strategy = settings.strategy
        if not ticket.is_open:
            return RoutingDecision(
                ticket.assignee_id, strategy, reason=_("The ticket is solved or closed.")
            )
        if ticket.assignee_id is not None and not moving:
            return RoutingDecision(
                ticket.assignee_id, strategy, reason=_("The ticket is already assigned.")
            )
        if strategy != Strategy.MANUAL:
            # The lock that makes capacity safe: the online members' availability rows, held
            # until commit and taken in a stable order, so a concurrent router of this team
            # waits here and then counts open tickets including the ones assigned meanwhile.
            list(
                AgentProfile.objects.select_for_update(of=("self",))
                .filter(user__teams=team.pk, user__is_active=True, status=AgentStatus.ONLINE)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        requirements = selectors.ticket_requirements(ticket) if strategy == Strategy.SKILLS else []
        candidates = selectors.team_candidates(
            team_id=team.pk, now=now, skill_ids=[r.skill_id for r in requirements]
        )
        winner, ranked = decide(
            strategy, candidates, requirements, strict=settings.require_all_skills
        )
        why = explain(strategy, ranked)
        routing_actor = _routing_actor(actor, strategy)
        changes: dict = {}
        if moving:
            changes["team"] = team
        if winner is not None:
            changes["assignee"] = User.objects.get(pk=winner.agent_id)
        if changes:
            ticket = ticket_update(ticket=ticket, actor=routing_actor, changes=changes)
        if winner is not None:
            AgentProfile.objects.filter(pk=winner.agent_id).update(last_assigned_at=now)
        waiting = winner is None and strategy != Strategy.MANUAL
        if winner is not None or (waiting and record_waiting):
            events.record(
                ticket=ticket,
                type=TicketEventType.ROUTING_DECISION,
                actor=routing_actor,
                changes=_decision_changes(strategy, requirements, ranked, why),
            )
        return RoutingDecision(
            assignee_id=winner.agent_id if winner else None,
            strategy=strategy,
            candidates=ranked,
            waiting=waiting,
            reason=display.why_text(why),
        )


def _decision_changes(strategy: str, requirements, ranked: list[Scored], why: dict) -> dict:
    """The event's changes: readable [old, new] pairs (old is always None) whose values
    display.py renders. The eligible candidates and the best few others are kept in full;
    the rest are counted by why they were passed over (a 200-agent team stays small)."""
    shown = [r for r in ranked if r.eligible][: display.SHOWN_CANDIDATES]
    others = [r for r in ranked if not r.eligible]
    shown += others[: max(0, display.SHOWN_CANDIDATES - len(shown))]
    excluded: dict[str, int] = {}
    for row in others:
        excluded[row.excluded] = excluded.get(row.excluded, 0) + 1
    # Read in this order: how, what the ticket needs, who was ranked, who was out, why.
    changes: dict = {"routing_strategy": [None, strategy]}
    if requirements:
        changes["routing_requirements"] = [None, [[r.skill, r.min_level] for r in requirements]]
    changes["routing_candidates"] = [None, [r.as_dict() for r in shown]]
    if excluded:
        changes["routing_excluded"] = [None, excluded]
    changes["routing_why"] = [None, why]
    return changes


# --- the waiting queue


def route_waiting(*, team_ids: list[int], limit: int = SWEEP_BATCH) -> int:
    """Route the teams' waiting tickets oldest first; returns how many were assigned.
    A round-robin or least-load team stops at its first ticket nobody can take (no one
    else could take the next one either); a skills team tries them all (the next one may
    need other skills)."""
    assigned = 0
    for team_id in team_ids:
        settings = selectors.team_strategy(team_id)
        if settings.strategy == Strategy.MANUAL:
            continue
        if not selectors.team_has_free_agent(team_id=team_id, now=timezone.now()):
            continue  # everyone is offline, off shift or full: no ticket could be assigned
        for ticket_id in selectors.waiting_ticket_ids(team_id=team_id, limit=limit):
            try:
                decision = _route(
                    ticket_id=ticket_id, actor=None, team_id=None, record_waiting=False
                )
            except NotFound:
                continue  # deleted meanwhile
            if decision.assignee_id is not None and not decision.waiting:
                assigned += 1
            elif decision.waiting and settings.strategy != Strategy.SKILLS:
                break
    return assigned


def route_waiting_for_agent(*, user_id: int) -> int:
    """An agent came online or got capacity back: their teams' waiting tickets."""
    return route_waiting(team_ids=selectors.agent_team_ids(user_id))


def routing_sweep() -> int:
    """Every automatic team's waiting tickets (the worker runs this periodically, so a
    ticket never waits for an event that was missed, e.g. a shift that just began)."""
    return route_waiting(team_ids=selectors.auto_team_ids())


def _enqueue_waiting(user_id: int) -> None:
    from .tasks import route_waiting_for_agent_task

    transaction.on_commit(lambda: route_waiting_for_agent_task.enqueue(user_id=user_id))


# --- availability and skills


def _shares_team(a: User, b: User) -> bool:
    return Team.objects.filter(members=a).filter(members=b).exists()


def can_manage_agent(by: User, agent: User) -> bool:
    """Admins manage everyone; supervisors the members of their own teams."""
    if by.is_admin:
        return True
    return by.role == Role.SUPERVISOR and _shares_team(by, agent)


def _check_manage(by: User, agent: User, *, own_allowed: bool) -> None:
    if own_allowed and by.pk == agent.pk:
        return
    if not can_manage_agent(by, agent):
        raise PermissionDenied(
            _("You can only change agents of your own teams.")
            if by.role == Role.SUPERVISOR
            else _("Only supervisors and admins can change other agents.")
        )


def _locked_profile(user: User) -> AgentProfile:
    AgentProfile.objects.get_or_create(user=user)
    return AgentProfile.objects.select_for_update().get(pk=user.pk)


def _check_agent(agent: User) -> None:
    if not agent.is_active:
        raise ValidationFailed(_("%(agent)s is deactivated.") % {"agent": agent}, field="agent")


def agent_status_set(*, agent: User, status: str, by: User) -> AgentProfile:
    """Set an agent's status (themselves, or a supervisor/admin for them). Coming online
    routes their teams' waiting tickets after commit."""
    if status not in AgentStatus.values:
        raise ValidationFailed(
            _("Status must be one of: %(values)s.") % {"values": ", ".join(AgentStatus.values)},
            field="status",
        )
    _check_manage(by, agent, own_allowed=True)
    _check_agent(agent)
    with transaction.atomic():
        profile = _locked_profile(agent)
        if profile.status != status:
            profile.status = status
            profile.status_changed_at = timezone.now()
            profile.save(update_fields=["status", "status_changed_at"])
            if status == AgentStatus.ONLINE:
                _enqueue_waiting(agent.pk)
    return profile


def agent_settings_set(
    *,
    agent: User,
    by: User,
    capacity: int | None = None,
    calendar_id: int | None = None,
    set_calendar: bool = False,
) -> AgentProfile:
    """Capacity and shift calendar: supervisors (their teams) and admins only. More
    capacity routes waiting tickets after commit."""
    from loopdesk.sla.models import BusinessCalendar

    _check_manage(by, agent, own_allowed=False)
    _check_agent(agent)
    if capacity is not None and (
        isinstance(capacity, bool)
        or not isinstance(capacity, int)
        or not 0 <= capacity <= MAX_CAPACITY
    ):
        raise ValidationFailed(
            _("Capacity must be a whole number from 0 to %(max)s.") % {"max": MAX_CAPACITY},
            field="capacity",
        )
    calendar = None
    if set_calendar and calendar_id is not None:
        calendar = BusinessCalendar.objects.filter(pk=calendar_id).first()
        if calendar is None:
            raise ValidationFailed(_("Unknown calendar."), field="calendar_id")
    with transaction.atomic():
        profile = _locked_profile(agent)
        dirty = []
        if capacity is not None and capacity != profile.capacity:
            if capacity > profile.capacity:
                _enqueue_waiting(agent.pk)
            profile.capacity = capacity
            dirty.append("capacity")
        if set_calendar and profile.calendar_id != (calendar.pk if calendar else None):
            profile.calendar = calendar
            dirty.append("calendar")
        if dirty:
            profile.save(update_fields=dirty)
    return profile


def _check_level(level, field_name: str = "level") -> int:
    if isinstance(level, bool) or not isinstance(level, int) or not MIN_LEVEL <= level <= MAX_LEVEL:
        raise ValidationFailed(
            _("Level must be a whole number from %(min)s to %(max)s.")
            % {"min": MIN_LEVEL, "max": MAX_LEVEL},
            field=field_name,
        )
    return level


def agent_skill_set(*, agent: User, skill: Skill, level: int, by: User) -> AgentSkill:
    _check_manage(by, agent, own_allowed=False)
    _check_level(level)
    with transaction.atomic():
        row, _created = AgentSkill.objects.update_or_create(
            user=agent, skill=skill, defaults={"level": level}
        )
    return row


def agent_skill_remove(*, agent: User, skill: Skill, by: User) -> bool:
    _check_manage(by, agent, own_allowed=False)
    deleted, _rows = AgentSkill.objects.filter(user=agent, skill=skill).delete()
    return bool(deleted)


def _check_admin(by: User) -> None:
    if not by.is_admin:
        raise PermissionDenied(_("Only admins can change skills and skill requirements."))


def skill_create(*, name: str, description: str = "", by: User) -> Skill:
    _check_admin(by)
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationFailed(_("A skill needs a name of at most 60 characters."), field="name")
    if Skill.objects.filter(name__iexact=name).exists():
        raise ValidationFailed(_("A skill with this name exists."), field="name")
    return Skill.objects.create(name=name, description=(description or "")[:200])


def requirement_create(
    *,
    kind: str,
    skill: Skill,
    min_level: int,
    by: User,
    value: str = "",
    category: Category | None = None,
) -> SkillRequirement:
    _check_admin(by)
    _check_level(min_level, "min_level")
    if kind not in RequirementKind.values:
        raise ValidationFailed(_("Unknown requirement kind."), field="kind")
    value = (value or "").strip()
    if kind == RequirementKind.CATEGORY:
        if category is None:
            raise ValidationFailed(_("Choose a category."), field="category")
        value = ""
    else:
        category = None
        if kind == RequirementKind.TAG:
            value = value.casefold()
        if kind == RequirementKind.LANGUAGE:
            value = value.lower()
        if not value or len(value) > 50:
            raise ValidationFailed(_("Enter a value of at most 50 characters."), field="value")
    with transaction.atomic():
        row, _created = SkillRequirement.objects.update_or_create(
            kind=kind,
            category=category,
            value=value,
            skill=skill,
            defaults={"min_level": min_level},
        )
    return row


def team_routing_set(
    *, team: Team, by: User, strategy: str, require_all_skills: bool | None = None
) -> TeamRouting:
    """A team's strategy (admins, or supervisors of that team). Switching to an automatic
    strategy routes the team's waiting tickets after commit."""
    if strategy not in Strategy.values:
        raise ValidationFailed(
            _("Strategy must be one of: %(values)s.") % {"values": ", ".join(Strategy.values)},
            field="strategy",
        )
    if not (by.is_admin or (by.role == Role.SUPERVISOR and team.members.filter(pk=by.pk).exists())):
        raise PermissionDenied(_("Only admins and the team's supervisors can change its routing."))
    with transaction.atomic():
        row, _created = TeamRouting.objects.select_for_update().get_or_create(team=team)
        was = row.strategy
        row.strategy = strategy
        if require_all_skills is not None:
            row.require_all_skills = require_all_skills
        row.save()
        if strategy != Strategy.MANUAL and was != strategy:
            from .tasks import route_team_waiting_task

            transaction.on_commit(lambda: route_team_waiting_task.enqueue(team_id=team.pk))
    return row


def requirement_delete(*, requirement_id: int, by: User) -> None:
    _check_admin(by)
    if not selectors.valid_id(requirement_id):
        raise NotFound(_("Skill requirement not found."))
    deleted, _rows = SkillRequirement.objects.filter(pk=requirement_id).delete()
    if not deleted:
        raise NotFound(_("Skill requirement not found."))


def routing_sweep_loop(*, interval: float = SWEEP_SECONDS, stop=None, once: bool = False) -> None:
    """Sweep every `interval` seconds until `stop` (a threading.Event) is set. A failing
    sweep is logged and retried at the next one: the loop runs as a thread inside
    `loopdesk worker` and must not die silently."""
    import time

    from django.db import close_old_connections

    while True:
        close_old_connections()
        try:
            assigned = routing_sweep()
            if assigned:
                logger.info("routing sweep assigned %s waiting tickets", assigned)
        except Exception:  # noqa: BLE001 — one bad sweep must not end the loop
            logger.exception("routing sweep failed; retrying at the next sweep")
        if once:
            return
        if stop is not None:
            if stop.wait(interval):
                return
        else:
            time.sleep(interval)
