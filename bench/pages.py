"""`python -m bench pages`: SQL queries and latency of the pages agents live in.

Runs in-process with Django's test Client (the whole middleware stack, no network, no
server), logged in as an agent who is in a team and as an admin. For each page: warm-up
requests, then `runs` timed requests (median and p95), then one request under
CaptureQueriesContext for the query count. A trivial view behind the same middleware
(bench/urls.py) is measured too, so every page also reads as a multiple of that floor.
"""

import json
import math
import platform
import re
import statistics
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches

from loopdesk.accounts.models import Role, User
from loopdesk.accounts.services import api_key_create, api_key_revoke
from loopdesk.core.demo import people
from loopdesk.tickets.models import Message, Ticket, TicketEvent

VIEWS = ("mine", "unassigned", "my_teams", "open", "recent")
RESULTS_DIR = Path(__file__).resolve().parent / "results"
NEXT_LINK = re.compile(r'rel="next" href="[^"]*?[?&](?:amp;)?after=([^"&]+)')


@dataclass
class Result:
    user: str
    page: str
    url: str
    status: int
    queries: int
    median_ms: float
    p95_ms: float
    min_ms: float
    bytes: int
    x_hello: float = 0.0
    error: str = ""


def measure(*, runs: int = 30, warmup: int = 3, label: str = "") -> list[Result]:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    users = _users()
    results: list[Result] = []
    for who, user in users:
        client = Client()
        client.force_login(user)
        issued = api_key_create(user=user, name="bench", scopes=["tickets:read"])
        api_headers = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
        pages = [("hello (floor)", "/bench/hello", {})]
        pages += [(f"inbox {v}", f"/tickets/?view={v}", {}) for v in VIEWS]
        first = client.get("/tickets/?view=open")
        match = NEXT_LINK.search(first.content.decode()) if first.status_code == 200 else None
        if match:
            pages.append(("inbox open p2", f"/tickets/?view=open&after={match.group(1)}", {}))
        ticket = (
            Ticket.objects.visible_to(user)
            .filter(message_count__gte=20)
            .order_by("-updated_at")
            .first()
        )
        if ticket:
            pages.append(
                (f"ticket ({ticket.message_count} msgs)", f"/tickets/{ticket.number}/", {})
            )
        pages.append(("api tickets p1", "/api/v1/tickets", api_headers))
        for name, url, headers in pages:
            results.append(_one(client, who, name, url, headers, runs=runs, warmup=warmup))
        api_key_revoke(api_key=issued.api_key)
        floor = next(r.median_ms for r in results if r.user == who and r.page.startswith("hello"))
        for r in results:
            if r.user == who:
                r.x_hello = round(r.median_ms / floor, 1) if floor else 0.0
    _print(results, runs)
    _save(results, runs=runs, label=label)
    return results


def _users() -> list[tuple[str, User]]:
    agent = (
        User.objects.filter(email=f"li.na@{people.STAFF_DOMAIN}").first()
        or User.objects.filter(role=Role.AGENT, is_active=True, teams__isnull=False).first()
    )
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
    if agent is None or admin is None:
        raise SystemExit("No agent in a team or no admin: run `python -m bench generate` first.")
    return [("agent", agent), ("admin", admin)]


def _one(
    client: Client, who: str, name: str, url: str, headers: dict, *, runs: int, warmup: int
) -> Result:
    try:
        response = None
        for _ in range(warmup):
            response = client.get(url, **headers)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url, **headers)
            timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, **headers)
    # A harness, not product code: one broken page is reported in the table and the
    # other pages are still measured.
    except Exception as exc:  # noqa: BLE001
        return Result(who, name, url, 0, 0, 0, 0, 0, 0, error=f"{type(exc).__name__}: {exc}"[:200])
    timings.sort()
    p95 = timings[max(0, math.ceil(0.95 * len(timings)) - 1)]
    return Result(
        user=who,
        page=name,
        url=url,
        status=response.status_code,
        queries=len(ctx),
        median_ms=round(statistics.median(timings), 2),
        p95_ms=round(p95, 2),
        min_ms=round(timings[0], 2),
        bytes=len(response.content),
    )


def _print(results: list[Result], runs: int) -> None:
    db = f"{connection.vendor} ({Ticket.objects.count():,} tickets)"
    print(f"\n{db}, {runs} runs per page after warm-up\n")
    header = f"{'user':<6} {'page':<24} {'status':>6} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'× hello':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        if r.error:
            print(f"{r.user:<6} {r.page:<24} ERROR {r.error}")
            continue
        print(
            f"{r.user:<6} {r.page:<24} {r.status:>6} {r.queries:>7} {r.median_ms:>10.1f} {r.p95_ms:>8.1f} {r.x_hello:>8.1f}"
        )


def _save(results: list[Result], *, runs: int, label: str) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{stamp}-{connection.vendor}.json"
    body = {
        "label": label,
        "timestamp": stamp,
        "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])},
        "rows": {
            "tickets": Ticket.objects.count(),
            "messages": Message.objects.count(),
            "events": TicketEvent.objects.count(),
        },
        "runs": runs,
        "python": platform.python_version(),
        "django": django.get_version(),
        "machine": {"cpus": _cpus(), "platform": platform.platform()},
        "results": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False))
    print(f"\nWrote {path}")
    return path


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
