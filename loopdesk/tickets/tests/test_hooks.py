"""The after-commit dispatcher: batches per ticket, skips rolled-back work, chains depth."""

import pytest
from django.db import transaction

from loopdesk.tickets import hooks
from loopdesk.tickets.constants import CauseKind
from loopdesk.tickets.events import Actor, record
from loopdesk.tickets.models import TicketEventType

from .factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def seen():
    calls = []
    hooks.subscribe("test-recorder", calls.append, order=1)
    yield calls
    hooks._subscribers[:] = [s for s in hooks._subscribers if s.name != "test-recorder"]


def test_one_change_per_ticket_after_commit(seen):
    ticket = make_ticket()
    seen.clear()
    with transaction.atomic():
        record(ticket=ticket, type=TicketEventType.PRIORITY_CHANGED, actor=Actor.system("t"))
        record(ticket=ticket, type=TicketEventType.TAGS_CHANGED, actor=Actor.system("t"))
        assert seen == []  # nothing before commit
    assert len(seen) == 1
    assert seen[0].ticket_id == ticket.pk
    assert seen[0].types == ("ticket.priority_changed", "ticket.tags_changed")
    assert seen[0].depth == 0


def test_rolled_back_events_are_never_dispatched(seen):
    ticket = make_ticket()
    seen.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(ticket=ticket, type=TicketEventType.PRIORITY_CHANGED, actor=Actor.system("t"))
        raise RuntimeError
    with transaction.atomic():
        record(ticket=ticket, type=TicketEventType.TAGS_CHANGED, actor=Actor.system("t"))
    assert [c.types for c in seen] == [("ticket.tags_changed",)]


def test_reactions_chain_with_depth_and_stop_at_the_limit(seen):
    ticket = make_ticket()

    def echo(change):
        with transaction.atomic():
            record(ticket=ticket, type=TicketEventType.TAGS_CHANGED, actor=Actor.rule("echo"))

    hooks.subscribe("test-echo", echo, order=2)
    try:
        seen.clear()
        record(ticket=ticket, type=TicketEventType.PRIORITY_CHANGED, actor=Actor.system("t"))
    finally:
        hooks._subscribers[:] = [s for s in hooks._subscribers if s.name != "test-echo"]
    assert [c.depth for c in seen] == list(range(hooks.MAX_DEPTH))
    assert ticket.events.filter(cause_kind=CauseKind.RULE).count() == hooks.MAX_DEPTH


def test_a_failing_subscriber_does_not_stop_the_others(seen):
    ticket = make_ticket()

    def boom(change):
        raise ValueError("broken rule")

    hooks.subscribe("test-boom", boom, order=0)
    try:
        seen.clear()
        record(ticket=ticket, type=TicketEventType.PRIORITY_CHANGED, actor=Actor.system("t"))
    finally:
        hooks._subscribers[:] = [s for s in hooks._subscribers if s.name != "test-boom"]
    assert len(seen) == 1


def test_unknown_event_type_is_refused():
    ticket = make_ticket()
    with pytest.raises(ValueError):
        record(ticket=ticket, type="ticket.exploded", actor=Actor.system("t"))


def test_paused_writes_are_not_dispatched(seen):
    ticket = make_ticket()
    seen.clear()
    with hooks.paused():
        record(ticket=ticket, type=TicketEventType.PRIORITY_CHANGED, actor=Actor.system("t"))
    assert seen == []
    record(ticket=ticket, type=TicketEventType.TAGS_CHANGED, actor=Actor.system("t"))
    assert len(seen) == 1
