"""Time rules under real concurrency: several worker processes tick at the same moment.

Each due row is claimed by one conditional UPDATE, so every (rule, ticket) window fires
exactly once however many schedulers run (PostgreSQL: row locks; SQLite: BEGIN IMMEDIATE).
"""

import multiprocessing
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from loopdesk.automation import engine
from loopdesk.automation.models import RuleDue, RuleExecution
from loopdesk.automation.timerules import automation_tick
from loopdesk.tickets.models import Ticket
from loopdesk.tickets.tests import factories

from .helpers import time_rule

WORKERS = 4
TICKETS = 12


def _tick(barrier, results, now) -> None:
    connections.close_all()  # never share the parent's socket
    engine.reset()
    barrier.wait(timeout=30)
    try:
        results.put(automation_tick(now=now).fired)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the test
        results.put(repr(exc))
        raise
    finally:
        connections.close_all()


# serialized_rollback: the flush after a transactional test would drop the seeded statuses.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_ticks_fire_each_window_once(admin):
    old = timezone.now() - timedelta(hours=3)
    tickets = [factories.make_ticket(subject=f"Race {n}") for n in range(TICKETS)]
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(created_at=old)
    rule = time_rule(
        admin,
        "old tickets",
        all=[{"field": "hours_since_created", "op": "greater_than", "value": 1}],
        actions=[{"type": "add_tags", "tags": ["old"]}],
    )
    assert RuleDue.objects.filter(rule=rule, claimed_at__isnull=True).count() == TICKETS

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    connections.close_all()
    now = timezone.now()
    procs = [ctx.Process(target=_tick, args=(barrier, results, now)) for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=90) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    assert sum(outcomes) == TICKETS
    per_ticket = list(
        RuleExecution.objects.filter(rule=rule).values_list("ticket_id", flat=True).order_by()
    )
    assert sorted(per_ticket) == sorted(t.pk for t in tickets)  # each exactly once
    assert all(t.tags.filter(name="old").exists() for t in tickets)
