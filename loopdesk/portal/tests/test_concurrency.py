"""Races decided by the database, with real OS processes: one magic link clicked in
several browsers at once logs in exactly one of them; two ratings of one ticket sent at
once leave one answer."""

import multiprocessing

import pytest
from django.db import connections

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.portal.models import CsatResponse, MagicLink
from loopdesk.portal.services.auth import magic_link_consume, magic_link_issue
from loopdesk.portal.services.csat import csat_respond
from loopdesk.tickets.constants import StatusCategory
from loopdesk.tickets.events import Actor
from loopdesk.tickets.models import Ticket, TicketEvent, TicketEventType
from loopdesk.tickets.services import ticket_set_status
from loopdesk.tickets.services.lifecycle import status_default
from loopdesk.tickets.tests import factories

WORKERS = 5


def _run(target, *args) -> list:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    connections.close_all()
    procs = [ctx.Process(target=target, args=(barrier, results, i, *args)) for i in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=60)
    assert all(proc.exitcode == 0 for proc in procs), [proc.exitcode for proc in procs]
    return [results.get(timeout=5) for _ in procs]


def _click(barrier, results, _i, token) -> None:
    connections.close_all()  # never share the parent's socket
    barrier.wait(timeout=30)
    try:
        results.put(magic_link_consume(token=token).pk)
    except ValidationFailed:
        results.put(None)
    connections.close_all()


def _rate(barrier, results, i, ticket_id, contact_id) -> None:
    connections.close_all()
    barrier.wait(timeout=30)
    ticket = Ticket.objects.get(pk=ticket_id)
    response = csat_respond(ticket=ticket, contact=ticket.contact, score=1 + i % 5)
    results.put(response.pk)
    connections.close_all()


# serialized_rollback: the flush after a transactional test would drop the seeded statuses.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_link_clicked_in_parallel_logs_in_once(customer):
    _contact, token = magic_link_issue(email="ming@acme.example")
    outcomes = _run(_click, token)
    assert sorted(outcomes, key=str) == sorted([customer.pk] + [None] * (WORKERS - 1), key=str)
    assert MagicLink.objects.filter(used_at__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_ratings_leave_one_answer(customer, agent, team_a):
    ticket = factories.make_ticket(contact=customer, team=team_a)
    ticket_set_status(
        ticket=ticket, status=status_default(StatusCategory.SOLVED), actor=Actor.person(agent)
    )
    outcomes = _run(_rate, ticket.pk, customer.pk)
    assert len(set(outcomes)) == 1
    assert CsatResponse.objects.count() == 1
    # Each rating that changed the answer recorded its event; the first one created it.
    events = TicketEvent.objects.filter(ticket=ticket, type=TicketEventType.CSAT_RECEIVED)
    assert 1 <= events.count() <= WORKERS
    assert events.order_by("pk").first().changes["csat_score"][0] is None
