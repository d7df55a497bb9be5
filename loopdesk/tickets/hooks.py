"""After-commit reactions to ticket events: automation triggers, routing, outbound mail.

`events.record()` notes every event it writes. When the outermost transaction commits,
each subscriber runs once per ticket with that ticket's new events (a `TicketChange`),
in the order of `order` (lower first). A subscriber does its own writes in its own
transaction; the events those write are dispatched again with `depth + 1`, so a rule
can react to another rule's change, and a runaway chain stops at MAX_DEPTH.

Why after commit: the change that caused the events is already durable; a failing
subscriber is logged and never loses the customer's message or the agent's reply.
Why not signals: a subscriber receives the events (who, what, why), not a bare row.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction

logger = logging.getLogger(__name__)

MAX_DEPTH = 8


@dataclass(frozen=True)
class TicketChange:
    ticket_id: int
    event_ids: tuple[int, ...]
    types: tuple[str, ...]
    depth: int = 0  # 0: caused by a person, a channel or the system; n: by the nth reaction


@dataclass(order=True)
class _Subscriber:
    order: int
    name: str = field(compare=False)
    handler: Callable[[TicketChange], None] = field(compare=False)


_subscribers: list[_Subscriber] = []
_local = threading.local()


def subscribe(name: str, handler: Callable[[TicketChange], None], *, order: int = 100) -> None:
    """Register a handler (call from AppConfig.ready); re-registering a name replaces it."""
    _subscribers[:] = [s for s in _subscribers if s.name != name]
    _subscribers.append(_Subscriber(order=order, name=name, handler=handler))
    _subscribers.sort()


def subscribers() -> list[str]:
    return [s.name for s in _subscribers]


class _Batch:
    """The events of one outermost transaction, grouped per ticket in arrival order."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.by_ticket: dict[int, list[tuple[int, str]]] = {}

    def __call__(self) -> None:  # the on_commit callback
        if getattr(_local, "batch", None) is self:
            _local.batch = None
        _dispatch(self)


@contextmanager
def paused() -> Iterator[None]:
    """No reactions to the events written inside (this thread): for writing synthetic or
    imported history (demo data, migrations of old tickets), which must not mail
    customers, fire rules or re-route tickets."""
    previous = getattr(_local, "paused", False)
    _local.paused = True
    try:
        yield
    finally:
        _local.paused = previous


def note_event(*, ticket_id: int, event_id: int, type: str) -> None:
    """Called by events.record() for each event it writes."""
    if not _subscribers or getattr(_local, "paused", False):
        return
    batch = getattr(_local, "batch", None)
    fresh = batch is None or not _registered(batch)
    if fresh:
        batch = _Batch(depth=getattr(_local, "depth", 0))
    batch.by_ticket.setdefault(ticket_id, []).append((event_id, type))
    if fresh:
        _local.batch = batch
        transaction.on_commit(batch)  # outside a transaction this runs at once


def _registered(batch: _Batch) -> bool:
    """Whether the batch's on_commit callback is still pending: a rolled-back transaction
    discards it, and its events (never committed) must not be dispatched."""
    connection = transaction.get_connection()
    return any(callback is batch for _sids, callback, _robust in connection.run_on_commit)


def _dispatch(batch: _Batch) -> None:
    if batch.depth >= MAX_DEPTH:
        logger.error(
            "ticket hooks: chain depth %s reached, not dispatching tickets=%s",
            batch.depth,
            sorted(batch.by_ticket),
        )
        return
    previous = getattr(_local, "depth", 0)
    _local.depth = batch.depth + 1
    try:
        for ticket_id, rows in batch.by_ticket.items():
            change = TicketChange(
                ticket_id=ticket_id,
                event_ids=tuple(r[0] for r in rows),
                types=tuple(r[1] for r in rows),
                depth=batch.depth,
            )
            for subscriber in list(_subscribers):
                try:
                    subscriber.handler(change)
                except Exception:
                    logger.exception(
                        "ticket hook %s failed ticket=%s events=%s",
                        subscriber.name,
                        ticket_id,
                        change.event_ids,
                    )
    finally:
        _local.depth = previous


def current_depth() -> int:
    """The depth of the reaction running now (0 outside any subscriber)."""
    return getattr(_local, "depth", 0)
