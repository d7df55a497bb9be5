"""Realistic demo data for `loopdesk demo`: see setup.py (people), tickets.py (history)."""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from loopdesk.tickets import hooks
from loopdesk.tickets.models import Ticket

from . import people
from .knowledge import ensure_knowledge
from .mail import ensure_mail
from .routing import ensure_routing
from .setup import (
    DemoCast,
    ensure_categories,
    ensure_contacts,
    ensure_custom_fields,
    ensure_teams_and_staff,
    staff_email,
)
from .sla import ensure_sla
from .tickets import TicketWriter

BATCH = 50


@dataclass(frozen=True)
class Login:
    role: str
    name: str
    email: str


@dataclass(frozen=True)
class DemoSummary:
    tickets: int
    seconds: float


def demo_load(
    *,
    tickets: int = 1000,
    seed: int = 42,
    contacts: int = 300,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Load the demo: reference data, people and `tickets` tickets with weeks of history."""
    started = time.monotonic()
    rng = random.Random(seed)
    cast = DemoCast()
    with transaction.atomic():
        ensure_teams_and_staff(cast)
        ensure_categories(cast)
        ensure_custom_fields()
        ensure_contacts(cast, rng, count=contacts)
        ensure_sla()
        ensure_knowledge(cast)
    writer = TicketWriter(cast, rng, timezone.now())
    done = 0
    with hooks.paused():  # weeks of made-up history: no mail, rules or routing for it
        while done < tickets:
            done += writer.write_batch(min(BATCH, tickets - done))
            if progress:
                progress(done, tickets)
    ensure_mail(cast)
    ensure_routing(cast)
    _reindex_search()
    # The history was back-dated after it was written: fold the SLA clocks again from the
    # events' real times (the scheduler then fires what is already overdue).
    from loopdesk.sla.services.clocks import sla_recompute_open_tickets

    sla_recompute_open_tickets()
    return DemoSummary(tickets=done, seconds=time.monotonic() - started)


def _reindex_search() -> None:
    """Build the full-text index when the search module offers a rebuild."""
    try:
        from loopdesk.core import search
    except ImportError:  # the search module is optional while it is being built
        return
    reindex = getattr(search, "reindex_all", None)
    indexed = search.SearchDocument.objects.filter(kind=search.DocumentKind.TICKET).count()
    # Services that index inline leave nothing to do; otherwise rebuild once at the end.
    if reindex is not None and indexed < Ticket.objects.count():
        reindex()


def demo_exists() -> bool:
    return Ticket.objects.exists()


def demo_logins() -> list[Login]:
    """One login per role (the first of each in the staff list)."""
    from loopdesk.accounts.models import User

    seen: dict[str, Login] = {}
    for local, display, role, _language, _teams in people.STAFF:
        if role in seen:
            continue
        if User.objects.filter(email=staff_email(local), is_active=True).exists():
            seen[role] = Login(role=role, name=display, email=staff_email(local))
    order = ["admin", "supervisor", "agent", "technician"]
    return [seen[r] for r in order if r in seen]


DEMO_PASSWORD = people.DEMO_PASSWORD
