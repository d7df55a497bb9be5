"""The assignment decision for a team of 200 agents with skills.

    python -m bench routing [--database-url URL] [--agents 200] [--runs 300]

Creates (once) a team of `--agents` agents, each online with a capacity of 20, a few
open tickets and 3–6 of 20 skills at levels 1–5, skill requirements by tag, type and
contact language, and a pool of unassigned tickets that need 1–3 skills. Two series:

- decision: what routing computes for a ticket — the team's candidates (availability,
  open counts, skill levels), the ticket's requirements, the skills strategy ranking and
  the explanation — read-only, so every run sees the same state;
- route_ticket: the whole service on a fresh unassigned ticket — row locks, decision,
  the assignment through the ticket services (events, SLA sync) and the routing.decision
  event — one committed transaction per run.

Results (median, p95) go to bench/results/routing-*.json.
"""

import json
import os
import platform
import random
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from loopdesk.accounts.models import Role, Team, User
from loopdesk.accounts.services import team_create, user_create
from loopdesk.channels.intake import InboundMessage, SenderIdentity, intake_message
from loopdesk.routing import selectors
from loopdesk.routing.constants import AgentStatus, RequirementKind, Strategy
from loopdesk.routing.models import AgentProfile, AgentSkill, Skill, SkillRequirement, TeamRouting
from loopdesk.routing.services import route_ticket
from loopdesk.routing.strategies import decide, explain
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.models.ticket import OPEN_Q
from loopdesk.tickets.services.lifecycle import TicketFields

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TEAM = "Bench routing"
SKILLS = 20


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _calibration() -> float:
    best = float("inf")
    for _ in range(5):
        cpu = time.process_time()
        for _n in range(10**6):
            pass
        best = min(best, (time.process_time() - cpu) * 1000)
    return round(best, 1)


def _summary(wall: list[float], cpu: list[float]) -> dict:
    return {
        "runs": len(wall),
        "median": round(statistics.median(wall), 3),
        "p95": round(_percentile(wall, 0.95), 3),
        "cpu_median": round(statistics.median(cpu), 3),
        "cpu_p95": round(_percentile(cpu, 0.95), 3),
    }


def _setup(agents: int, rng: random.Random) -> Team:
    team = Team.objects.filter(name=TEAM).first()
    if team is not None and team.members.count() == agents:
        return team
    print(f"Creating a team of {agents} agents with skills…")
    team = team or team_create(name=TEAM)
    skills = [Skill.objects.get_or_create(name=f"bench-skill-{n:02d}")[0] for n in range(SKILLS)]
    for n in range(team.members.count(), agents):
        user = user_create(
            email=f"bench-routing-{n}@loopdesk.test",
            password=None,
            display_name=f"Bench agent {n:03d}",
            role=Role.AGENT,
        )
        team.members.add(user)
        AgentProfile.objects.update_or_create(
            user=user, defaults={"status": AgentStatus.ONLINE, "capacity": 20}
        )
        for skill in rng.sample(skills, rng.randint(3, 6)):
            AgentSkill.objects.update_or_create(
                user=user, skill=skill, defaults={"level": rng.randint(1, 5)}
            )
    for n, skill in enumerate(skills):
        SkillRequirement.objects.get_or_create(
            kind=RequirementKind.TAG, value=f"need-{n:02d}", skill=skill, defaults={"min_level": 2}
        )
    SkillRequirement.objects.get_or_create(
        kind=RequirementKind.LANGUAGE, value="zh-hans", skill=skills[0], defaults={"min_level": 1}
    )
    SkillRequirement.objects.get_or_create(
        kind=RequirementKind.TYPE, value="repair", skill=skills[1], defaults={"min_level": 1}
    )
    TeamRouting.objects.update_or_create(team=team, defaults={"strategy": Strategy.MANUAL})
    members = list(team.members.order_by("pk"))
    print("Giving agents some open tickets…")
    for n in range(agents * 2):
        _ticket(team, rng, assignee=members[n % len(members)])
    return team


def _ticket(team: Team, rng: random.Random, assignee: User | None = None) -> Ticket:
    tags = [f"need-{n:02d}" for n in rng.sample(range(SKILLS), rng.randint(1, 3))]
    return intake_message(
        InboundMessage(
            channel="email",
            subject="Bench routing",
            text="Needs an agent",
            sender=SenderIdentity(kind="email", value=f"c{rng.randint(1, 500)}@example.com"),
            fields=TicketFields(team=team, assignee=assignee, tags=tags, type="repair"),
        )
    ).ticket


def _decision(ticket: Ticket, team: Team) -> None:
    now = timezone.now()
    requirements = selectors.ticket_requirements(ticket)
    candidates = selectors.team_candidates(
        team_id=team.pk, now=now, skill_ids=[r.skill_id for r in requirements]
    )
    _winner, ranked = decide(Strategy.SKILLS, candidates, requirements, strict=False)
    explain(Strategy.SKILLS, ranked)


def run(*, agents: int, runs: int) -> None:
    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    team = _setup(agents, rng)
    pool = list(
        Ticket.objects.filter(OPEN_Q, team=team, assignee__isnull=True)
        .select_related("contact")
        .order_by("pk")[:50]
    )
    while len(pool) < 50:
        pool.append(_ticket(team, rng))

    for ticket in pool[:10]:  # warm-up
        _decision(ticket, team)
    decision_ms, decision_cpu_ms = [], []
    for n in range(runs):
        ticket = pool[n % len(pool)]
        started, cpu = time.perf_counter(), time.process_time()
        _decision(ticket, team)
        decision_ms.append((time.perf_counter() - started) * 1000)
        decision_cpu_ms.append((time.process_time() - cpu) * 1000)

    # The whole service: fresh unassigned tickets (created while the team is manual),
    # then routed one per transaction with the skills strategy.
    route_runs = min(runs, 100)
    fresh = [_ticket(team, rng).pk for _ in range(route_runs)]
    TeamRouting.objects.filter(team=team).update(strategy=Strategy.SKILLS, require_all_skills=False)
    AgentProfile.objects.filter(user__teams=team).update(capacity=500)
    route_ms, route_cpu_ms = [], []
    assigned = 0
    try:
        for ticket_id in fresh:
            started, cpu = time.perf_counter(), time.process_time()
            with transaction.atomic():
                decision = route_ticket(ticket_id=ticket_id)
            route_ms.append((time.perf_counter() - started) * 1000)
            route_cpu_ms.append((time.process_time() - cpu) * 1000)
            assigned += decision.assignee_id is not None
    finally:
        TeamRouting.objects.filter(team=team).update(strategy=Strategy.MANUAL)

    result = {
        "bench": "routing",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "python": platform.python_version(),
        "agents": agents,
        "skills": SKILLS,
        # Wall time, and this process's CPU time (which includes SQLite's work, not a
        # PostgreSQL server's): on a busy machine the CPU figure shows the code's own cost.
        "load_average": [round(x, 1) for x in os.getloadavg()],
        # CPU ms of a fixed pure-Python loop (10**6 empty iterations; ~15-20 ms on an
        # idle current machine): scale the figures below by it to compare machines.
        "calibration_loop_cpu_ms": _calibration(),
        "cpus": os.cpu_count(),
        "decision_ms": _summary(decision_ms, decision_cpu_ms),
        "route_ticket_ms": {**_summary(route_ms, route_cpu_ms), "assigned": assigned},
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = RESULTS_DIR / f"routing-{connection.vendor}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"Saved {path}")
