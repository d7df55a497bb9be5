"""Several scheduler processes tick at the same moment over the same due clocks: each
warning and breach fires exactly once in total (SQLite: writers queue on BEGIN
IMMEDIATE; PostgreSQL: SKIP LOCKED plus the conditional UPDATE claim)."""

import multiprocessing
from datetime import timedelta

import pytest
from django.db import connections

from loopdesk.accounts.models import Notification
from loopdesk.sla.models import TicketClock
from loopdesk.sla.services.scheduler import sla_tick
from loopdesk.tickets.models import TicketEvent
from loopdesk.tickets.tests import factories

from .scheduler_helpers import NOW, make_clock, make_policy

WORKERS = 4
CLOCKS = 30


def _tick(barrier, results, batch_size: int) -> None:
    connections.close_all()  # never share the parent's socket
    barrier.wait(timeout=30)
    totals = [0, 0, 0]
    while True:  # like the loop: tick again while a batch was full
        result = sla_tick(now=NOW, batch_size=batch_size)
        totals[0] += result.breaches
        totals[1] += result.warnings
        totals[2] += result.skipped
        if not result.full:
            break
    results.put(tuple(totals))
    connections.close_all()


# serialized_rollback: the flush after a transactional test would drop the seeded statuses.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("batch_size", [7, 1000], ids=["small_batches", "one_batch"])
def test_parallel_workers_fire_each_clock_once(team_a, agent, batch_size):
    policy = make_policy(
        escalation={
            "warning": [{"action": "notify", "to": "assignee"}],
            "breach": [
                {"action": "notify", "to": "assignee"},
                {"action": "add_tag", "tag": "late"},
            ],
        }
    )
    for i in range(CLOCKS):
        ticket = factories.make_ticket(team=team_a, assignee=agent)
        # Half are past due (breach), half only past their warning time.
        due_in = timedelta(minutes=-1) if i % 2 else timedelta(minutes=10)
        make_clock(ticket, policy, due_in=due_in, warn_in=timedelta(minutes=-5))

    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    connections.close_all()
    procs = [ctx.Process(target=_tick, args=(barrier, results, batch_size)) for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert all(proc.exitcode == 0 for proc in procs), [proc.exitcode for proc in procs]
    totals = [results.get(timeout=5) for _ in procs]

    half = CLOCKS // 2
    assert sum(t[0] for t in totals) == half
    assert sum(t[1] for t in totals) == half
    assert TicketEvent.objects.filter(type="sla.breached").count() == half
    assert TicketEvent.objects.filter(type="sla.warning").count() == half
    assert TicketEvent.objects.filter(type="ticket.tags_changed").count() == half
    assert Notification.objects.filter(kind="sla.breached").count() == half
    assert Notification.objects.filter(kind="sla.warning").count() == half
    assert TicketClock.objects.filter(breached=True).count() == half
    assert not TicketClock.objects.filter(warning_fired_at__isnull=True).exists()
    # A later rerun (a restarted worker) finds nothing left to fire.
    rerun = sla_tick(now=NOW + timedelta(minutes=1))
    assert (rerun.breaches, rerun.warnings) == (0, 0)
