"""Routing under real concurrency: several OS processes route the same tickets at once.

Two guarantees: no agent ever gets more open tickets than their capacity, and no ticket
is assigned twice. On PostgreSQL the workers queue on row locks (the ticket, then the
team's online availability rows in id order); on SQLite writers queue on BEGIN IMMEDIATE.
"""

import multiprocessing
import random

import pytest
from django.db import connections
from django.db.models import Count

from loopdesk.accounts.models import Role
from loopdesk.routing.constants import AgentStatus, Strategy
from loopdesk.routing.models import AgentProfile, TeamRouting
from loopdesk.routing.services import route_ticket
from loopdesk.tickets.models import Ticket, TicketEvent
from loopdesk.tickets.tests import factories

WORKERS = 5


def _route_all(barrier, results, ticket_ids, seed) -> None:
    connections.close_all()  # never share the parent's socket
    # Every worker starts with the same ticket (a certain collision), then the rest in its
    # own random order.
    first, *rest = ticket_ids
    random.Random(seed).shuffle(rest)
    order = [first, *rest]
    barrier.wait(timeout=30)
    won = []
    try:
        for ticket_id in order:
            decision = route_ticket(ticket_id=ticket_id)
            if decision.candidates and decision.assignee_id and not decision.waiting:
                won.append((ticket_id, decision.assignee_id))
    except BaseException as exc:  # noqa: BLE001 — reported to the parent, which fails the test
        results.put(repr(exc))
        raise
    finally:
        connections.close_all()
    results.put(won)


def _run(ticket_ids) -> list:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    connections.close_all()
    procs = [
        ctx.Process(target=_route_all, args=(barrier, results, ticket_ids, seed))
        for seed in range(WORKERS)
    ]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    errors = [o for o in outcomes if isinstance(o, str)]
    assert not errors, errors
    for proc in procs:
        proc.join(timeout=30)
    assert all(proc.exitcode == 0 for proc in procs), [proc.exitcode for proc in procs]
    return outcomes


def _team(strategy: str, *, agents: int, capacity: int, tickets: int):
    team = factories.make_team("Race team")
    users = [factories.make_user(role=Role.AGENT, teams=[team]) for _ in range(agents)]
    for user in users:
        AgentProfile.objects.create(user=user, status=AgentStatus.ONLINE, capacity=capacity)
    # Created while the team is still manual, so the hooks leave them unassigned.
    ticket_ids = [factories.make_ticket(team=team, subject=f"Race {n}").pk for n in range(tickets)]
    TeamRouting.objects.create(team=team, strategy=strategy)
    return users, ticket_ids


# serialized_rollback: the flush after a transactional test would drop the seeded statuses.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_workers_never_exceed_capacity_nor_assign_twice():
    users, ticket_ids = _team(Strategy.LEAST_LOAD, agents=3, capacity=2, tickets=9)

    outcomes = _run(ticket_ids)

    wins = [win for outcome in outcomes for win in outcome]
    assert len(wins) == 6  # 3 agents x capacity 2: exactly the free slots
    assert len({ticket_id for ticket_id, _agent in wins}) == 6  # no ticket won twice
    load = dict(
        Ticket.objects.filter(assignee__isnull=False)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    assert load == {user.pk: 2 for user in users}
    per_ticket = (
        TicketEvent.objects.filter(type="ticket.assigned", ticket_id__in=ticket_ids)
        .values("ticket_id")
        .annotate(n=Count("id"))
    )
    assert sorted(row["n"] for row in per_ticket) == [1] * 6
    decided = TicketEvent.objects.filter(type="routing.decision", ticket_id__in=ticket_ids)
    # One decision per assignment; a waiting ticket records "none available" at most once
    # per worker that found it waiting.
    assert sum(1 for e in decided if e.changes["routing_why"][1]["code"] != "none_available") == 6
