"""Intake idempotency under real concurrency: several OS processes deliver the same
external message id (and the same new sender) at once. The unique constraints, not a
lookup, must decide: exactly one ticket, one message, one contact.

Runs on both databases: on PostgreSQL the losers block on the unique index and get an
IntegrityError; on SQLite writers queue on BEGIN IMMEDIATE.
"""

import multiprocessing

import pytest
from django.db import connections

from loopdesk.channels import intake
from loopdesk.customers.models import Contact
from loopdesk.tickets.models import Message, Ticket

WORKERS = 6


def _deliver(barrier, results, skip_precheck: bool) -> None:
    connections.close_all()  # never share the parent's socket
    if skip_precheck:
        # Force every process past the fast-path lookup so the constraint must decide.
        intake._existing = lambda inbound, _real=intake._existing: (
            None if not getattr(inbound, "_second_look", False) else _real(inbound)
        )
        original = intake._intake

        def _intake(inbound, _orig=original):
            inbound._second_look = True
            return _orig(inbound)

        intake._intake = _intake
    barrier.wait(timeout=30)
    result = intake.intake_message(
        intake.InboundMessage(
            channel="email",
            subject="同一封邮件 Same mail",
            text="Delivered by several workers at once",
            sender=intake.SenderIdentity(kind="email", value="race@example.com", name="Race"),
            external_id="<race-1@example.com>",
        )
    )
    results.put((result.message.pk, result.ticket.pk, result.created, result.duplicate))
    connections.close_all()


# serialized_rollback: the flush after a transactional test would drop the seeded statuses.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("skip_precheck", [False, True], ids=["with_precheck", "constraint_only"])
def test_same_external_id_from_parallel_processes_yields_one_message(skip_precheck):
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    connections.close_all()
    procs = [
        ctx.Process(target=_deliver, args=(barrier, results, skip_precheck)) for _ in range(WORKERS)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=60)
    assert all(proc.exitcode == 0 for proc in procs), [proc.exitcode for proc in procs]

    outcomes = [results.get(timeout=5) for _ in procs]
    assert len({message_pk for message_pk, *_ in outcomes}) == 1
    assert sum(1 for *_, created, _dup in outcomes if created) == 1
    assert sum(1 for *_, dup in outcomes if dup) == WORKERS - 1
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert Contact.objects.count() == 1
