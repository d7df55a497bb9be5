"""SLA state for bulk-generated tickets: the demo policies and a clock per open target.

`generate` runs this at its end; `python -m bench sla-state` adds it to data generated
before it existed (idempotent: nothing is written when clocks exist).

- The demo's business calendar and its VIP and Standard policies are created through the
  services, so every ticket created or answered during a benchmark folds its events
  against real policies, as on a configured install.
- Every open ticket (new, open, pending, on hold) gets the Standard policy's clocks as
  bulk rows: resolution, and first response (fulfilled when the ticket has a first
  response, else counting). Pending and on-hold tickets have their clocks paused.
  Due and warning times are approximated in wall-clock time: a business minute counts as
  168 / 37.5 wall minutes (the demo calendar's 37.5 hours a week), without the holiday
  exceptions. The first event on such a ticket recomputes its clocks exactly from the
  event log (the fold starts from scratch when a ticket has no SLA state row yet).
- Clocks already past their due or warning time are marked as fired, so a worker started
  on bench data does not escalate thousands of old tickets at once.
- Closed and solved tickets get no clocks: SLA attainment over the history is not
  benchmarked. No sla.* events are written (the fold writes them on the next change).
"""

import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from loopdesk.core.demo.sla import ensure_sla
from loopdesk.sla.constants import ClockState, Metric
from loopdesk.sla.models import SlaPolicy, TicketClock
from loopdesk.tickets.constants import StatusCategory
from loopdesk.tickets.models import Ticket

STANDARD = "标准 Standard"
WALL_PER_BUSINESS_MINUTE = 168 / 37.5
PAUSED = {StatusCategory.PENDING, StatusCategory.ON_HOLD}
OPEN = [StatusCategory.NEW, StatusCategory.OPEN, *PAUSED]
CHUNK = 20_000


def add_sla_state() -> int:
    from .generate import _insert_rows

    started = time.monotonic()
    ensure_sla()
    if TicketClock.objects.exists():
        print("SLA clocks exist already: none added.")
        return 0
    policy = SlaPolicy.objects.get(name=STANDARD)
    minutes = {(t.metric, t.priority): t.minutes for t in policy.targets.all()}
    now = timezone.now()
    written, last_pk = 0, 0
    while True:
        rows = list(
            Ticket.objects.filter(pk__gt=last_pk, status_category__in=OPEN)
            .order_by("pk")
            .values_list("pk", "priority", "status_category", "created_at", "first_response_at")[
                :CHUNK
            ]
        )
        if not rows:
            break
        last_pk = rows[-1][0]
        clocks = []
        for pk, priority, category, created, first_response in rows:
            for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION):
                target = minutes.get((metric, priority)) or minutes[(metric, None)]
                clocks.append(
                    _clock(pk, metric, target, policy, created, first_response, category, now)
                )
        with transaction.atomic():
            _insert_rows(TicketClock, clocks)
        written += len(clocks)
        print(f"  SLA clocks {written:,} (tickets up to id {last_pk:,})", flush=True)
    print(f"Wrote {written:,} SLA clocks in {time.monotonic() - started:.1f} s")
    return written


def _clock(pk, metric, target, policy, created, first_response, category, now) -> TicketClock:
    wall = timedelta(minutes=target * WALL_PER_BUSINESS_MINUTE)
    due = created + wall
    warn = created + wall * policy.warn_at_percent / 100
    clock = TicketClock(
        ticket_id=pk,
        metric=metric,
        cycle=1,
        policy=policy,
        target_minutes=target,
        business_hours=True,
        started_at=created,
        updated_at=now,
    )
    if metric == Metric.FIRST_RESPONSE and first_response is not None:
        clock.state = ClockState.FULFILLED
        clock.fulfilled_at = first_response
        clock.breached = first_response > due
        clock.used_seconds = int(min(first_response - created, wall).total_seconds())
        return clock
    if category in PAUSED:
        clock.state = ClockState.PAUSED
        clock.paused_at = min(now, created + wall / 2)
        clock.used_seconds = int((clock.paused_at - created).total_seconds())
        return clock
    clock.state = ClockState.RUNNING
    clock.due_at, clock.warn_at = due, warn
    clock.breached = due <= now
    clock.warning_fired_at = warn if warn <= now else None
    clock.breach_fired_at = due if due <= now else None
    return clock
