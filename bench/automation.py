"""The rule engine's cost on a ticket event: 50 active triggers evaluated.

    python -m bench automation [--database-url URL] [--rules 50] [--runs 500]

Creates a team, a VIP contact, a ticket with a customer message and `--rules` active
triggers (all listening to customer replies, with the usual mix of conditions: status in
a list, text contains, priority, tags, VIP, hours since created in business hours, any
groups). None of them matches, so what is measured is the evaluation itself: loading the
ticket and the event, and testing every rule. A second series adds one matching rule
(add a tag: a real write through the ticket services) to show the cost of an action.
The bench rules are deleted afterwards; results go to bench/results/automation-*.json.
"""

import json
import platform
import secrets
import statistics
import time
from datetime import UTC, datetime
from datetime import time as wall
from pathlib import Path

from django.core.management import call_command
from django.db import connection

from loopdesk.accounts.models import Role, User
from loopdesk.accounts.services import team_create, user_create
from loopdesk.automation import engine
from loopdesk.automation.models import Rule
from loopdesk.automation.services import rule_create
from loopdesk.channels.intake import InboundMessage, SenderIdentity, intake_message
from loopdesk.customers.services import contact_update
from loopdesk.sla.models import BusinessCalendar
from loopdesk.sla.services.calendars import WeeklyInterval, calendar_create
from loopdesk.tickets.hooks import TicketChange
from loopdesk.tickets.models import TicketEvent

RESULTS_DIR = Path(__file__).resolve().parent / "results"
PREFIX = "Bench automation"


def _rule_conditions(i: int) -> dict:
    """Realistic, cheap-to-expensive conditions; the last 'all' one never matches."""
    variants = [
        {"field": "status_category", "op": "in_list", "value": ["new", "open", "pending"]},
        {"field": "priority", "op": "less_than", "value": 4},
        {"field": "customer_vip", "op": "is", "value": True},
        {"field": "tags", "op": "is_not", "value": "spam"},
        {
            "field": "hours_since_created",
            "op": "less_than",
            "value": 10_000,
            "business_hours": True,
        },
        {"field": "within_business_hours", "op": "is", "value": True},
        {"field": "subject_or_message", "op": "contains", "value": "printer"},
    ]
    chosen = [variants[(i + k) % len(variants)] for k in range(3)]
    never = {"field": "subject", "op": "starts_with", "value": f"never-{i}"}
    any_group = [
        {"field": "message", "op": "contains", "value": "invoice"},
        {"field": "message", "op": "contains", "value": "发票"},
    ]
    return {"all": [*chosen, never], "any": any_group if i % 2 else []}


def _setup(rules: int) -> tuple[int, int, User]:
    Rule.objects.filter(name__startswith=PREFIX).delete()
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        admin = user_create(
            email="bench-admin@loopdesk.test",
            password=secrets.token_urlsafe(16),
            display_name="Bench admin",
            role=Role.ADMIN,
        )
    if not BusinessCalendar.objects.filter(name="Bench weekdays").exists():
        calendar_create(
            name="Bench weekdays",
            timezone="Asia/Shanghai",
            intervals=[WeeklyInterval(weekday=d, start=wall(9), end=wall(18)) for d in range(5)],
        )
    from django.conf import settings

    settings.LOOPDESK_AUTOMATION_CALENDAR = "Bench weekdays"
    team = team_create(name=f"Bench automation team {time.time_ns()}")
    result = intake_message(
        InboundMessage(
            channel="email",
            subject="Printer jams on page 2",
            text="Our office printer jams. Please help.",
            sender=SenderIdentity(kind="email", value="bench-vip@example.com", name="VIP"),
        )
    )
    contact_update(contact=result.ticket.contact, tier="vip")
    for i in range(rules):
        rule_create(
            user=admin,
            name=f"{PREFIX} {i:03d}",
            kind="trigger",
            events=["customer_replied", "updated"],
            conditions=_rule_conditions(i),
            actions=[{"type": "add_tags", "tags": [f"bench-{i}"]}],
        )
    event = (
        TicketEvent.objects.filter(ticket=result.ticket, type="message.customer_replied")
        .order_by("-pk")
        .first()
    )
    del team
    return result.ticket.pk, event.pk, admin


def _series(change: TicketChange, runs: int, warmup: int = 20) -> tuple[list, list]:
    """Wall-clock and CPU (this thread) milliseconds per evaluation. On a busy machine the
    wall clock also counts time the process waited for a CPU; the CPU time does not."""
    for _ in range(warmup):
        engine.run_triggers(change)
    wall_ms, cpu_ms = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.thread_time()
        engine.run_triggers(change)
        cpu_ms.append((time.thread_time() - cpu) * 1000)
        wall_ms.append((time.perf_counter() - start) * 1000)
    return wall_ms, cpu_ms


def _stats(samples: list[float], cpu: list[float] | None = None) -> dict:
    ordered = sorted(samples)
    out = {
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 3),
        "runs": len(ordered),
    }
    if cpu:
        out["cpu_median_ms"] = round(statistics.median(cpu), 3)
    return out


def run(*, rules: int = 50, runs: int = 500) -> dict:
    call_command("migrate", verbosity=0)
    ticket_id, event_id, admin = _setup(rules)
    engine.reset()
    change = TicketChange(
        ticket_id=ticket_id, event_ids=(event_id,), types=("message.customer_replied",)
    )
    assert len([r for r in engine.active_rules() if r.name.startswith(PREFIX)]) == rules
    from loopdesk.tickets.models import Ticket

    baseline, baseline_cpu = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.thread_time()
        Ticket.objects.filter(pk=ticket_id).first()
        baseline_cpu.append((time.thread_time() - cpu) * 1000)
        baseline.append((time.perf_counter() - start) * 1000)
    baseline_stats = _stats(baseline, baseline_cpu)
    print(f"baseline, one Ticket.objects.filter(pk=…).first(): {baseline_stats}")
    evaluate = _stats(*_series(change, runs))
    print(f"{rules} triggers evaluated, none matching: {evaluate}")

    rule_create(
        user=admin,
        name=f"{PREFIX} matching",
        kind="trigger",
        events=["customer_replied"],
        conditions={"all": [{"field": "customer_vip", "op": "is", "value": True}]},
        actions=[{"type": "add_tags", "tags": ["bench-hit"]}],
        order=0,
    )
    engine.reset()
    # The matching rule runs once per chain; a fresh chain (depth 0) each time lets it fire
    # again, and the tag it adds is already there after the first run (no-op write path).
    with_action = _stats(*_series(change, max(50, runs // 5), warmup=5))
    print(f"{rules} triggers + one matching (add a tag): {with_action}")

    Rule.objects.filter(name__startswith=PREFIX).delete()
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "python": platform.python_version(),
        "rules": rules,
        "baseline_one_ticket_query": baseline_stats,
        "load_average": list(__import__("os").getloadavg()),
        "evaluate_none_matching": evaluate,
        "with_one_matching_action": with_action,
        "target_median_ms": 5,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    out = RESULTS_DIR / f"automation-{connection.vendor}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"written {out}")
    return result
