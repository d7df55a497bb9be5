"""Who can take a ticket: status, shift calendar, capacity, skills from the ticket."""

from datetime import time

import pytest
from freezegun import freeze_time

from loopdesk.accounts.models import Role
from loopdesk.routing import selectors
from loopdesk.routing.constants import AgentStatus, RequirementKind, Strategy
from loopdesk.routing.models import AgentSkill, Skill, SkillRequirement
from loopdesk.routing.services import route_ticket
from loopdesk.sla.services.calendars import WeeklyInterval, calendar_create
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Category, TicketEvent
from loopdesk.tickets.services import ticket_update
from loopdesk.tickets.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def office_hours():
    return calendar_create(
        name="Shanghai office",
        timezone="Asia/Shanghai",
        intervals=[WeeklyInterval(weekday=d, start=time(9), end=time(18)) for d in range(5)],
    )


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        ("2026-01-05T02:00:00Z", True),  # Monday 10:00 in Shanghai
        ("2026-01-05T12:00:00Z", False),  # Monday 20:00
        ("2026-01-10T02:00:00Z", False),  # Saturday
    ],
)
def test_shift_calendar_decides_availability(
    team_a, make_agent, set_strategy, office_hours, instant, expected
):
    shift_agent = make_agent(calendar=office_hours)
    set_strategy(team_a, Strategy.ROUND_ROBIN)
    ticket = factories.make_ticket(team=team_a)
    with freeze_time(instant):
        decision = route_ticket(ticket_id=ticket.pk)
    assert (decision.assignee_id == shift_agent.pk) is expected
    if not expected:
        assert decision.waiting
        assert decision.candidates[0].excluded == "off_shift"


def test_status_and_deactivation_exclude_agents(team_a, make_agent, set_strategy):
    make_agent(status=AgentStatus.AWAY)
    make_agent(status=AgentStatus.OFFLINE)
    gone = make_agent()
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    factories.make_user(role=Role.AGENT, teams=[team_a])  # never set a status: offline
    set_strategy(team_a, Strategy.LEAST_LOAD)

    decision = route_ticket(ticket_id=factories.make_ticket(team=team_a).pk)

    assert decision.waiting
    assert sorted(c.excluded for c in decision.candidates) == ["away", "offline", "offline"]


def test_capacity_counts_every_open_ticket_but_not_solved_ones(
    team_a, team_b, make_agent, set_strategy
):
    agent = make_agent(capacity=2, teams=[team_a, team_b])
    set_strategy(team_a, Strategy.LEAST_LOAD)
    factories.make_ticket(team=team_b, assignee=agent)  # load from another team counts
    solved = factories.make_ticket(team=team_a, assignee=agent)
    from loopdesk.tickets.services.lifecycle import status_default

    ticket_update(
        ticket=solved, actor=Actor.system("t"), changes={"status": status_default("solved")}
    )

    first = route_ticket(ticket_id=factories.make_ticket(team=team_a).pk)
    second = route_ticket(ticket_id=factories.make_ticket(team=team_a).pk)

    assert first.assignee_id == agent.pk
    assert second.waiting and second.candidates[0].excluded == "at_capacity"
    assert selectors.agent_open_count(agent.pk) == 2


def test_requirements_from_category_tree_type_language_and_tags(admin):
    skills = {n: Skill.objects.create(name=n) for n in ("printers", "repair", "chinese", "vip")}
    parent = Category.objects.create(name="Hardware")
    child = Category.objects.create(name="Printers", parent=parent)
    SkillRequirement.objects.create(
        kind=RequirementKind.CATEGORY, category=parent, skill=skills["printers"], min_level=1
    )
    SkillRequirement.objects.create(
        kind=RequirementKind.CATEGORY, category=child, skill=skills["printers"], min_level=3
    )
    SkillRequirement.objects.create(
        kind=RequirementKind.TYPE, value="repair", skill=skills["repair"], min_level=2
    )
    SkillRequirement.objects.create(
        kind=RequirementKind.LANGUAGE, value="zh-hans", skill=skills["chinese"], min_level=4
    )
    SkillRequirement.objects.create(
        kind=RequirementKind.TAG, value="vip", skill=skills["vip"], min_level=1
    )
    SkillRequirement.objects.create(
        kind=RequirementKind.TAG, value="other", skill=skills["vip"], min_level=5
    )
    ticket = factories.make_ticket(category=child, type="repair", tags=["vip"])
    ticket.contact.language = "zh-hans"
    ticket.contact.save(update_fields=["language"])

    requirements = selectors.ticket_requirements(ticket)

    assert [(r.skill, r.min_level) for r in requirements] == [
        ("chinese", 4),
        ("printers", 3),  # the stricter of the category and its parent
        ("repair", 2),
        ("vip", 1),
    ]


def test_skills_strategy_end_to_end_with_event(team_a, make_agent, set_strategy):
    refund = Skill.objects.create(name="refund")
    SkillRequirement.objects.create(
        kind=RequirementKind.TAG, value="refund", skill=refund, min_level=3
    )
    novice = make_agent(name="Novice")
    expert = make_agent(name="Expert")
    AgentSkill.objects.create(user=novice, skill=refund, level=2)
    AgentSkill.objects.create(user=expert, skill=refund, level=5)
    set_strategy(team_a, Strategy.SKILLS)
    ticket = factories.make_ticket(team=team_a, tags=["refund"])

    decision = route_ticket(ticket_id=ticket.pk)

    assert decision.assignee_id == expert.pk
    event = TicketEvent.objects.get(ticket=ticket, type="routing.decision")
    assert event.changes["routing_requirements"] == [None, [["refund", 3]]]
    rows = event.changes["routing_candidates"][1]
    assert [(r["name"], r["score"], r["eligible"], r["excluded"], r["skills"]) for r in rows] == [
        ("Expert", 100.0, True, None, [["refund", 5, 3]]),
        ("Novice", 0.0, False, "missing_skills", [["refund", 2, 3]]),
    ]
    assert event.changes["routing_why"][1]["code"] == "only_candidate"
