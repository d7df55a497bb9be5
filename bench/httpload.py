"""`python -m bench http`: the product over HTTP, against a production-style server.

Starts gunicorn the way `loopdesk serve` does (sync workers, `config.wsgi:application`,
access log on), DEBUG off, against the bench database, with `bench.settings` (the product's
settings plus the `/bench/hello.json` ceiling view, see bench/urls.py). Then drives it with
`wrk` (closed loop: each connection sends its next request when the last one answered;
gunicorn's sync workers close the connection after each response) at each concurrency, and
reports throughput and latency percentiles of every workload next to the hello-world
ceiling measured in the same run:

    × hello = workload requests/s ÷ hello requests/s (same concurrency, same run)
    × hello (CPU) = hello's CPU per request ÷ the workload's

CPU per request: the workers' utime+stime over the cell (from /proc, read after the server
drained) divided by the requests they answered (access-log lines on gunicorn's stdout); on
PostgreSQL plus the CPU of the server's own backends (by application_name). It does not
count time spent waiting for a CPU, so it is the steadier measure on a shared machine.

Each block (one concurrency) starts and ends with the hello view, and the whole set is
repeated `--repeat` times; the table shows medians over the repeats. Sessions, the CSRF
cookie and the API key are created by the bench (and the key revoked afterwards); the
query count of each request is taken in-process once (Django test client, same user).
RSS (and RssAnon, RssFile, Pss, private) of every gunicorn worker is read from
/proc/<pid>/status and smaps_rollup at idle (booted, no request yet), after the warm-up and
after the load.

Writes: tickets (API create, about requests/s × duration each run) and replies on a rotating
set of 200 open tickets. Run it on bench data only.
"""

import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.crypto import get_random_string

from loopdesk.accounts.models import Role, User
from loopdesk.accounts.services import api_key_create, api_key_revoke
from loopdesk.core.demo import people
from loopdesk.tickets import permissions
from loopdesk.tickets.models import Message, Ticket, TicketEvent

from .memory import process_memory, task_worker_memory

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
VIEWS = ("mine", "unassigned", "my_teams", "open", "recent", "sla_at_risk")
SEARCHES = (
    ("search zh hit", "不制冷"),
    ("search zh miss", "量子纠缠"),
    ("search en hit", "warranty"),
    ("search en miss", "xylophone"),
)
REPLY_TARGETS = 200
APP_NAME = "loopdesk-bench-http"
CLK_TCK = os.sysconf("SC_CLK_TCK")
CREATE_BODIES = 200


@dataclass
class Req:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Workload:
    name: str
    requests: list[Req]
    expect: int = 200
    queries: int | None = None


@dataclass
class Run:
    workload: str
    concurrency: int
    repeat: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    load1: float
    drain_s: float = 0.0
    served: int = 0  # requests the server answered in the cell (access log lines)
    app_cpu_ms: float = 0.0  # gunicorn workers' CPU per served request
    db_cpu_ms: float = 0.0  # PostgreSQL backends' CPU per served request (0 on SQLite)


@dataclass
class Row:
    workload: str
    concurrency: int
    queries: int | None
    rps: float
    x_hello: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    runs: int
    app_cpu_ms: float = 0.0
    db_cpu_ms: float = 0.0
    x_hello_cpu: float = 0.0


# --------------------------------------------------------------------------- entry point


def run(
    *,
    duration: float,
    concurrency: list[int],
    repeat: int,
    workers: int,
    only: list[str] | None,
    label: str,
) -> dict:
    # A plain `kill` ends the run through the finally clauses (server stopped, key revoked).
    signal.signal(signal.SIGTERM, _interrupt)
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("wrk is not installed (Debian/Ubuntu: apt-get install wrk).")
    # Other apps keep adding migrations; the bench data predates them.
    call_command("migrate", verbosity=0)
    agent = _agent()
    port = _free_port()
    session = _session(agent)
    issued = api_key_create(
        user=agent,
        name=f"bench-http-{uuid.uuid4().hex[:6]}",
        scopes=["tickets:read", "tickets:write"],
    )
    workloads = _workloads(agent, session, issued.secret, port)
    if only:
        workloads = [w for w in workloads if w.name == "hello" or any(o in w.name for o in only)]
    _count_queries(workloads)
    server = _start_server(port, workers)
    try:
        rss_idle = _rss(server)
        _check(workloads, port)
        runs: list[Run] = []
        loads: dict[int, list[str]] = {}
        with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
            scripts = {w.name: _lua(w, Path(tmp)) for w in workloads}
            hello = next(w for w in workloads if w.name == "hello")
            # Warm-up: every worker imports its templates, loads the search dictionary
            # and fills its caches (two connections per worker, so all of them get work).
            for w in workloads:
                _wrk(wrk, port, scripts[w.name], w, 2 * workers, min(3.0, duration), 0)
                _drain(server)
            rss_warm = _rss(server)
            for r in range(repeat):
                for c in concurrency:
                    loads.setdefault(c, []).append(_uptime())
                    order = [hello, *[w for w in workloads if w is not hello], hello]
                    for w in order:
                        before = _usage(server)
                        run_ = _wrk(wrk, port, scripts[w.name], w, c, duration, r)
                        # Requests wrk gave up on at the end are still queued in the
                        # server; the next cell starts when every worker is idle again.
                        run_.drain_s = _drain(server)
                        _account(run_, before, _usage(server))
                        runs.append(run_)
                        print(_progress(run_), flush=True)
                    loads[c].append(_uptime())
        rss_after = _rss(server)
    finally:
        _stop(server)
        api_key_revoke(api_key=issued.api_key)
    task_worker = task_worker_memory(_server_env())
    rows = _rows(workloads, runs, concurrency)
    body = _save(
        rows=rows,
        runs=runs,
        loads=loads,
        rss={
            "idle": rss_idle,
            "warm": rss_warm,
            "after_load": rss_after,
            "task_worker": task_worker,
        },
        duration=duration,
        repeat=repeat,
        workers=workers,
        label=label,
    )
    _print(body)
    return body


def _interrupt(signum, frame):
    raise KeyboardInterrupt


# --------------------------------------------------------------------------- data and users


def _agent() -> User:
    agent = (
        User.objects.filter(email=f"li.na@{people.STAFF_DOMAIN}").first()
        or User.objects.filter(role=Role.AGENT, is_active=True, teams__isnull=False).first()
    )
    if agent is None:
        raise SystemExit("No agent in a team: run `python -m bench generate` first.")
    return agent


def _session(user: User) -> dict[str, str]:
    """A real login session (database row, signed cookie) and a CSRF cookie for the forms."""
    client = Client()
    client.force_login(user)
    csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    return {
        "cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        "csrf": csrf,
    }


def _workloads(agent: User, session: dict, api_secret: str, port: int) -> list[Workload]:
    browser = {
        "Cookie": session["cookie"],
        "Accept": "text/html,application/xhtml+xml",
        "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
    }
    api = {"Authorization": f"Bearer {api_secret}", "Accept": "application/json"}
    loads = [Workload("hello", [Req("GET", "/bench/hello.json")])]

    bodies = []
    for i in range(CREATE_BODIES):
        payload = {
            "subject": f"空调不制冷 / AC not cooling #{i}",
            "body_text": (
                f"您好，我家空调从昨天开始不制冷，出风口一直吹热风。Order BENCH-{i:05d}, "
                "bought last summer; is it still under warranty? Please send a technician."
            ),
            "requester": {"email": f"bench-{i % 50}@customers.example", "name": f"客户 {i % 50}"},
            "priority": 3,
            "tags": ["保修"],
        }
        bodies.append(
            Req(
                "POST",
                "/api/v1/tickets",
                {**api, "Content-Type": "application/json"},
                json.dumps(payload, ensure_ascii=False).encode(),
            )
        )
    loads.append(Workload("api create", bodies, expect=201))
    loads.append(Workload("api list p1", [Req("GET", "/api/v1/tickets", api)]))
    loads += [Workload(f"inbox {v}", [Req("GET", f"/tickets/?view={v}", browser)]) for v in VIEWS]

    long_ticket = (
        Ticket.objects.visible_to(agent).filter(message_count=20).order_by("-updated_at").first()
    )
    if long_ticket:
        loads.append(
            Workload("ticket 20 msgs", [Req("GET", f"/tickets/{long_ticket.number}/", browser)])
        )
    else:
        print("No ticket with 20 messages in the agent's scope: 'ticket 20 msgs' skipped.")

    from urllib.parse import quote

    loads += [
        Workload(name, [Req("GET", f"/tickets/?q={quote(term)}", browser)])
        for name, term in SEARCHES
    ]

    targets = [
        t.number
        for t in Ticket.objects.visible_to(agent)
        .filter(status_category__in=["new", "open", "pending"], message_count__lte=10)
        .order_by("-updated_at")[: REPLY_TARGETS * 3]
        if permissions.can_edit(agent, t)
    ][:REPLY_TARGETS]
    if targets:
        boundary = "----loopdeskbench" + uuid.uuid4().hex[:12]
        htmx = {
            **browser,
            "HX-Request": "true",
            "HX-Target": "conversation",
            "Origin": f"http://127.0.0.1:{port}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        replies = []
        for n in targets:
            fields = {
                "csrfmiddlewaretoken": session["csrf"],
                "kind": "reply",
                "body": "您好，师傅明天上午会联系您上门检查。Our technician will call you tomorrow morning.",
                "set_status": "",
            }
            replies.append(
                Req("POST", f"/tickets/{n}/messages/", htmx, _multipart(boundary, fields))
            )
        loads.append(Workload("reply post", replies))
    else:
        print("No open ticket the agent may edit: 'reply post' skipped.")
    return loads


def _multipart(boundary: str, fields: dict[str, str]) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode()


def _count_queries(workloads: list[Workload]) -> None:
    """SQL statements of one request of each workload, in-process with the same headers,
    after one warm-up request (as a served worker: configuration caches filled)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    for w in workloads:
        req = w.requests[0]
        headers = {k: v for k, v in req.headers.items() if k not in ("Content-Type", "Cookie")}
        cookie = req.headers.get("Cookie")
        if cookie:
            for part in cookie.split("; "):
                k, v = part.split("=", 1)
                client.cookies[k] = v

        def send(req=req, headers=headers):
            return client.generic(
                req.method,
                req.path,
                data=req.body,
                content_type=req.headers.get("Content-Type", "application/octet-stream"),
                headers=headers,
            )

        send()
        with CaptureQueriesContext(connection) as ctx:
            response = send()
        if response.status_code != w.expect:
            raise SystemExit(
                f"{w.name}: {req.method} {req.path} answered {response.status_code} in-process, "
                f"expected {w.expect}: {response.content[:300]!r}"
            )
        w.queries = len(ctx)


# --------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env() -> dict[str, str]:
    """The environment of the server under test (and of the task worker beside it)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        # The API limit stays on (each request still counts in the cache); the bench's one
        # key just needs more than the production default of 600 a minute.
        "LOOPDESK_API_RATE_LIMIT": "1000000000",
    }
    if env.get("DATABASE_URL", "").startswith("postgres"):
        # Names the server's connections, so their backends' CPU can be read (_usage).
        sep = "&" if "?" in env["DATABASE_URL"] else "?"
        env["DATABASE_URL"] += f"{sep}application_name={APP_NAME}"
    return env


def _start_server(port: int, workers: int) -> subprocess.Popen:
    env = _server_env()
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    log_dir = Path(settings.DATA_DIR) / "logs"
    log_dir.mkdir(exist_ok=True)
    err = open(log_dir / "bench-http-server.log", "ab")  # noqa: SIM115 (closed in _stop)
    server = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ],
        cwd=str(BENCH_DIR.parent),
        env=env,
        stdout=subprocess.PIPE,
        stderr=err,
    )
    server._bench_log = err  # type: ignore[attr-defined]
    server._bench_served = [0]  # type: ignore[attr-defined]
    threading.Thread(target=_count_access_log, args=(server,), daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; see {err.name}")
        if len(_workers(server.pid)) >= workers and _get_ok(port, "/bench/hello.json"):
            time.sleep(1.0)  # the other workers finish booting
            return server
        time.sleep(0.3)
    _stop(server)
    raise SystemExit(f"gunicorn did not answer within 60 s; see {err.name}")


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def _drain(server: subprocess.Popen, timeout: float = 300.0) -> float:
    """Wait until no worker (and no server backend) used CPU for half a second; returns
    the seconds waited."""
    started = time.monotonic()
    pids = _workers(server.pid)
    # The database backends too: a worker waiting on a slow query uses no CPU itself.
    last = _cpu_ticks(pids) + _cpu_ticks(_db_backends())
    while time.monotonic() - started < timeout:
        time.sleep(0.5)
        now = _cpu_ticks(pids) + _cpu_ticks(_db_backends())
        if now == last:
            break
        last = now
    return round(time.monotonic() - started, 1)


def _count_access_log(server: subprocess.Popen) -> None:
    """gunicorn writes one access-log line per answered request to stdout."""
    for _line in server.stdout:  # type: ignore[union-attr]
        server._bench_served[0] += 1  # type: ignore[attr-defined]


def _db_backends() -> list[int]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
        return [row[0] for row in cursor.fetchall()]


def _usage(server: subprocess.Popen) -> tuple[int, int, int]:
    """(requests served, worker CPU ticks, database backend CPU ticks)."""
    return (
        server._bench_served[0],  # type: ignore[attr-defined]
        _cpu_ticks(_workers(server.pid)),
        _cpu_ticks(_db_backends()),
    )


def _account(run_: "Run", before: tuple, after: tuple) -> None:
    served = after[0] - before[0]
    run_.served = served
    if served > 0:
        run_.app_cpu_ms = round((after[1] - before[1]) * 1000 / CLK_TCK / served, 2)
        # A backend that disconnected during the cell drops out of `after`; the
        # difference is clamped rather than negative.
        run_.db_cpu_ms = round(max(0, after[2] - before[2]) * 1000 / CLK_TCK / served, 2)


def _get_ok(port: int, path: str) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    log = getattr(server, "_bench_log", None)
    if log:
        log.close()


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(p) for p in children.read_text().split()]
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _rss(server: subprocess.Popen) -> dict:
    """VmRSS and VmHWM (peak) in MiB of the master and every worker."""
    return {
        "master": process_memory(server.pid),
        "workers": [process_memory(pid) for pid in sorted(_workers(server.pid))],
    }


def _check(workloads: list[Workload], port: int) -> None:
    """One request of each workload over HTTP: the status wrk will see is the expected one."""
    for w in workloads:
        req = w.requests[0]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(req.method, req.path, body=req.body or None, headers=req.headers)
        response = conn.getresponse()
        content = response.read()
        conn.close()
        if response.status != w.expect:
            raise SystemExit(
                f"{w.name}: {req.method} {req.path} answered {response.status} over HTTP, "
                f"expected {w.expect}: {content[:300]!r}"
            )


# --------------------------------------------------------------------------- wrk

LUA = r"""
local reqs = {}
init = function(args)
%(build)s
  counter = math.random(#reqs)
end
request = function()
  counter = counter %% #reqs + 1
  return reqs[counter]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\"requests\":%%d,\"duration_us\":%%d,\"p50\":%%d,\"p95\":%%d,\"p99\":%%d,\"max\":%%d," ..
    "\"connect\":%%d,\"read\":%%d,\"write\":%%d,\"status\":%%d,\"timeout\":%%d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua_string(value: str | bytes) -> str:
    """A quoted Lua string with every byte kept (long brackets would turn CRLF into LF)."""
    data = value.encode() if isinstance(value, str) else value
    out = []
    for b in data:
        if 32 <= b < 127 and b not in (34, 92):  # printable ASCII except " and \\
            out.append(chr(b))
        else:
            out.append(f"\\{b:03d}")
    return '"' + "".join(out) + '"'


def _lua(w: Workload, tmp: Path) -> Path:
    lines = []
    for req in w.requests:
        headers = ", ".join(
            f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in req.headers.items()
        )
        body = _lua_string(req.body) if req.body else "nil"
        lines.append(
            f"  reqs[#reqs + 1] = wrk.format({_lua_string(req.method)}, {_lua_string(req.path)}, "
            f"{{{headers}}}, {body})"
        )
    path = tmp / f"{abs(hash(w.name))}.lua"
    path.write_text(LUA % {"build": "\n".join(lines)})
    return path


def _wrk(wrk: str, port: int, script: Path, w: Workload, c: int, duration: float, r: int) -> Run:
    cmd = [
        wrk,
        f"-t{min(c, 2)}",
        f"-c{c}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk failed for {w.name}: {out.stdout}\n{out.stderr}")
    d = json.loads(line[6:])
    seconds = d["duration_us"] / 1e6
    errors = d["connect"] + d["read"] + d["write"] + d["status"] + d["timeout"]
    return Run(
        workload=w.name,
        concurrency=c,
        repeat=r,
        requests=d["requests"],
        seconds=round(seconds, 2),
        rps=round(d["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=d["p50"] / 1000,
        p95_ms=d["p95"] / 1000,
        p99_ms=d["p99"] / 1000,
        max_ms=d["max"] / 1000,
        errors=errors,
        load1=os.getloadavg()[0],
    )


def _progress(r: Run) -> str:
    return (
        f"  c={r.concurrency:<3} {r.workload:<20} {r.rps:>8.1f}/s  p50 {r.p50_ms:6.1f}  "
        f"p95 {r.p95_ms:6.1f}  p99 {r.p99_ms:6.1f} ms  err {r.errors}  load {r.load1:.2f}  "
        f"drain {r.drain_s:.1f} s  served {r.served}  cpu {r.app_cpu_ms:.2f}+{r.db_cpu_ms:.2f} ms"
    )


def _uptime() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --------------------------------------------------------------------------- report


def _rows(workloads: list[Workload], runs: list[Run], concurrency: list[int]) -> list[Row]:
    rows = []
    for c in concurrency:
        hello_runs = [r for r in runs if r.workload == "hello" and r.concurrency == c]
        hello_rps = statistics.median(r.rps for r in hello_runs)
        hello_cpu = statistics.median(r.app_cpu_ms + r.db_cpu_ms for r in hello_runs)
        for w in workloads:
            mine = [r for r in runs if r.workload == w.name and r.concurrency == c]
            if not mine:
                continue
            rps = statistics.median(r.rps for r in mine)
            app_cpu = statistics.median(r.app_cpu_ms for r in mine)
            db_cpu = statistics.median(r.db_cpu_ms for r in mine)
            rows.append(
                Row(
                    workload=w.name,
                    concurrency=c,
                    queries=w.queries,
                    rps=round(rps, 1),
                    x_hello=round(rps / hello_rps, 3) if hello_rps else 0.0,
                    p50_ms=round(statistics.median(r.p50_ms for r in mine), 1),
                    p95_ms=round(statistics.median(r.p95_ms for r in mine), 1),
                    p99_ms=round(statistics.median(r.p99_ms for r in mine), 1),
                    errors=sum(r.errors for r in mine),
                    runs=len(mine),
                    app_cpu_ms=app_cpu,
                    db_cpu_ms=db_cpu,
                    x_hello_cpu=(
                        round(hello_cpu / (app_cpu + db_cpu), 3) if app_cpu + db_cpu else 0.0
                    ),
                )
            )
    return rows


def _save(*, rows, runs, loads, rss, duration, repeat, workers, label) -> dict:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{stamp}-http-{connection.vendor}.json"
    body = {
        "kind": "http",
        "label": label,
        "timestamp": stamp,
        "commit": _commit(),
        "database": {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"])},
        "rows_in_db": {
            "tickets": Ticket.objects.count(),
            "messages": Message.objects.count(),
            "events": TicketEvent.objects.count(),
        },
        "server": {
            "gunicorn_workers": workers,
            "worker_class": "sync",
            "redis": bool(os.environ.get("REDIS_URL")),
        },
        "duration_s": duration,
        "repeat": repeat,
        "load_avg": {str(c): v for c, v in loads.items()},
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "rss_mib": rss,
        "results": [asdict(r) for r in rows],
        "runs": [asdict(r) for r in runs],
    }
    path.write_text(json.dumps(body, indent=2, ensure_ascii=False))
    body["path"] = str(path)
    return body


def _commit() -> str:
    """The checked-out commit, with "+dirty" when tracked files differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH_DIR.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=BENCH_DIR.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"{head}+dirty" if dirty else head


def _print(body: dict) -> None:
    db = body["database"]["vendor"]
    print(
        f"\n{db}, {body['rows_in_db']['tickets']:,} tickets; gunicorn {body['server']['gunicorn_workers']} "
        f"sync workers; {body['repeat']} × {body['duration_s']:g} s per cell, medians"
    )
    for c, loads in body["load_avg"].items():
        print(f"load average (1/5/15 min) during c={c}: {' → '.join(loads)}")
    header = (
        f"{'workload':<20} {'c':>3} {'queries':>7} {'req/s':>8} {'× hello':>8} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'app cpu':>8} {'db cpu':>7} {'× hello cpu':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in body["results"]:
        q = "" if r["queries"] is None else r["queries"]
        print(
            f"{r['workload']:<20} {r['concurrency']:>3} {q:>7} {r['rps']:>8.1f} {r['x_hello']:>8.3f} "
            f"{r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['errors']:>6} "
            f"{r['app_cpu_ms']:>8.2f} {r['db_cpu_ms']:>7.2f} {r['x_hello_cpu']:>11.3f}"
        )
    print("\nMiB per gunicorn worker: VmRSS (peak VmHWM, Pss, Private):")
    for phase, data in body["rss_mib"].items():
        if phase == "task_worker":
            continue
        workers = ", ".join(
            f"{w.get('VmRSS')} ({w.get('VmHWM')}, {w.get('Pss')}, {w.get('Private')})"
            for w in data["workers"]
        )
        print(f"  {phase:<10} master {data['master'].get('VmRSS')}; workers {workers}")
    task = body["rss_mib"].get("task_worker")
    if task:
        idle, after = task["idle"], task["after"]
        left = f", {task['left']} still queued" if task["left"] else ""
        print(
            f"\nTask worker (loopdesk worker), MiB VmRSS (RssAnon, Pss, Private): idle "
            f"{idle.get('VmRSS')} ({idle.get('RssAnon')}, {idle.get('Pss')}, {idle.get('Private')}); "
            f"after running {task['tasks_run']} queued tasks in {task['seconds']} s "
            f"{after.get('VmRSS')} ({after.get('RssAnon')}, {after.get('Pss')}, {after.get('Private')})"
            f"{left}"
        )
    print(f"\nWrote {body['path']}")
