"""The SLA scheduler's tick at scale: N running clocks of which `due` are past due.

    python -m bench sla-tick --clocks 1000000 --due 1000 [--runs 5] [--notify]

Clocks are spread over the bench tickets (`python -m bench generate`): per ticket one
first-response and one resolution clock and next-response cycles up to --clocks. The
`due` ones are spread evenly over the table (not the newest rows) and are past due; all
others are due hours to weeks ahead. Each run resets those clocks (and deletes the events
the previous run recorded), then times one `sla_tick()`: find through the partial index,
claim, record `sla.breached`, run the policy's actions (none). With --notify the runs are
repeated with a policy that notifies the assignee (in-app rows, one queued email task).
"""

import json
import platform
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import django
from django.db import connection, transaction
from django.utils import timezone

from loopdesk.core.dbmaint import sqlite_refresh_statistics
from loopdesk.sla.constants import Metric
from loopdesk.sla.models import SlaPolicy, TicketClock
from loopdesk.sla.services.scheduler import sla_tick
from loopdesk.tickets.models import Ticket, TicketEvent

RESULTS_DIR = Path(__file__).resolve().parent / "results"
POLICY = "Bench SLA"
INSERT_BATCH = 10_000


def _policy(notify: bool) -> SlaPolicy:
    # Inactive: the clock sync never matches it, so the rows stay exactly as generated.
    policy, _ = SlaPolicy.objects.get_or_create(name=POLICY, defaults={"is_active": False})
    policy.escalation = (
        {"breach": [{"action": "notify", "to": "assignee"}]} if notify else {"breach": []}
    )
    policy.is_active = False
    policy.save()
    return policy


def _fill(*, clocks: int, due: int, policy: SlaPolicy, now: datetime) -> None:
    ticket_ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    if not ticket_ids:
        raise SystemExit("No tickets: run `python -m bench generate` first.")
    per_ticket = -(-clocks // len(ticket_ids))
    if per_ticket > 40:
        raise SystemExit(f"{clocks} clocks on {len(ticket_ids)} tickets is too many per ticket.")
    print(f"Writing {clocks:,} clocks on {len(ticket_ids):,} tickets ({per_ticket} each)…")
    TicketClock.objects.all().delete()
    step = max(1, clocks // due)
    batch: list[TicketClock] = []
    n = 0
    with transaction.atomic():
        for slot in range(per_ticket):
            metric, cycle = (
                (Metric.FIRST_RESPONSE, 1)
                if slot == 0
                else (Metric.RESOLUTION, 1)
                if slot == 1
                else (Metric.NEXT_RESPONSE, slot - 1)
            )
            for tid in ticket_ids:
                if n >= clocks:
                    break
                is_due = n % step == 0 and n // step < due
                offset = (
                    -timedelta(minutes=1 + (n // step) % 50)
                    if is_due
                    else timedelta(hours=2 + n % 2000)
                )
                batch.append(
                    TicketClock(
                        ticket_id=tid,
                        metric=metric,
                        cycle=cycle,
                        policy=policy,
                        target_minutes=240,
                        business_hours=False,
                        state="running",
                        started_at=now - timedelta(hours=2),
                        due_at=now + offset,
                        warn_at=now + offset - timedelta(minutes=60),
                    )
                )
                n += 1
                if len(batch) >= INSERT_BATCH:
                    TicketClock.objects.bulk_create(batch)
                    batch = []
        if batch:
            TicketClock.objects.bulk_create(batch)
    _analyse()


def _analyse() -> None:
    if connection.vendor == "sqlite":
        sqlite_refresh_statistics()
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sla_ticketclock")


def _reset(now: datetime) -> int:
    """Make the due clocks pending again and drop the previous run's events (untimed)."""
    with transaction.atomic():
        reset = TicketClock.objects.filter(due_at__lte=now).update(
            breach_fired_at=None, warning_fired_at=None, breached=False
        )
        TicketEvent.objects.filter(
            type__in=["sla.breached", "sla.warning"], cause_ref=f"SLA policy: {POLICY}"
        ).delete()
        from loopdesk.accounts.models import Notification

        Notification.objects.filter(kind__startswith="sla.").delete()
    return reset


def _time_ticks(runs: int) -> list[float]:
    times = []
    for i in range(runs):
        tick_now = timezone.now()
        reset = _reset(tick_now)
        result = sla_tick(now=tick_now, batch_size=1000)
        print(
            f"  run {i + 1}: {result.seconds * 1000:.0f} ms "
            f"(breaches={result.breaches}, warnings={result.warnings}, reset={reset})"
        )
        times.append(result.seconds)
    return times


def run(*, clocks: int, due: int, runs: int, notify: bool) -> dict:
    now = timezone.now().replace(microsecond=0)
    policy = _policy(False)
    # Always rewritten: due times are relative to now, so old rows would have drifted.
    _fill(clocks=clocks, due=due, policy=policy, now=now)
    variants = {}
    for label, with_notify in (("events only", False), ("notify assignee", True)):
        if with_notify and not notify:
            continue
        _policy(with_notify)
        print(f"{label}:")
        times = _time_ticks(runs)
        variants[label] = {
            "runs_ms": [round(t * 1000, 1) for t in times],
            "median_ms": round(statistics.median(times) * 1000, 1),
        }
        print(f"  median {variants[label]['median_ms']} ms over {runs} runs ({connection.vendor})")
    body = {
        "benchmark": "sla-tick",
        "timestamp": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])},
        "clocks": TicketClock.objects.count(),
        "due": due,
        "variants": variants,
        "python": platform.python_version(),
        "django": django.get_version(),
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{body['timestamp']}-sla-tick-{connection.vendor}.json"
    path.write_text(json.dumps(body, indent=2))
    print(f"Wrote {path}")
    return body
