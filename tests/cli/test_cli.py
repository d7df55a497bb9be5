"""The `loopdesk` command and /healthz, run as real processes against a throwaway
SQLite data dir (and, for the 503 case, a PostgreSQL URL where nothing listens)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LOOPDESK = [sys.executable, "-m", "loopdesk.cli"]


def run(args: list[str], data_dir: Path, extra_env: dict | None = None, check: bool = True):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"LOOPDESK_DATA_DIR": str(data_dir), **(extra_env or {})})
    proc = subprocess.run(
        [*LOOPDESK, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )
    if check:
        assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cli")
    run(["migrate", "--noinput", "-v0"], data_dir)
    return data_dir


def test_secret_key_is_generated_once_into_the_data_dir(migrated):
    key_file = migrated / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert len(key_file.read_text()) >= 50
    assert (migrated / "loopdesk.sqlite3").exists()


def test_createadmin_then_apikey_prints_key_alone_on_last_line(migrated):
    run(["createadmin", "--email", "Boss@Example.com", "--password", "long-enough-pw"], migrated)
    proc = run(
        ["apikey", "create", "--email", "boss@example.com", "--scopes", "tickets:read"], migrated
    )
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("ld_") and " " not in last

    check = run(
        [
            "manage",
            "shell",
            "-v",
            "0",
            "-c",
            "from loopdesk.accounts.selectors import api_key_authenticate as a;"
            f"k=a(secret='{last}');print(k.user.email, k.scopes)",
        ],
        migrated,
    )
    assert check.stdout.strip() == "boss@example.com ['tickets:read']"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["createadmin", "--email", "x@example.com", "--password", "short"], "at least 8"),
        (["apikey", "create", "--email", "nobody@example.com"], "No active user"),
        (
            ["apikey", "create", "--email", "boss@example.com", "--scopes", "root:all"],
            "Unknown scopes",
        ),
        (["frobnicate"], "Unknown command"),
    ],
)
def test_bad_cli_input_fails_clearly(migrated, args, message):
    # Independent of test order: the bad-scope case needs an existing user.
    run(["createadmin", "--email", "boss@example.com", "--password", "long-enough-pw"], migrated)
    proc = run(args, migrated, check=False)
    assert proc.returncode != 0
    assert message in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


HEALTH = (
    "import django,json;django.setup();from django.test import Client;"
    "r=Client(HTTP_HOST='127.0.0.1').get('/healthz');print(r.status_code, r.content.decode())"
)


def test_healthz_ok(migrated):
    proc = run(["manage", "shell", "-v", "0", "-c", HEALTH], migrated)
    status, body = proc.stdout.strip().split(" ", 1)
    assert status == "200" and json.loads(body) == {"status": "ok", "database": "sqlite"}


def test_healthz_503_when_database_unreachable(tmp_path):
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    proc = run(
        ["manage", "shell", "-v", "0", "-c", HEALTH],
        tmp_path,
        extra_env={"DATABASE_URL": "postgres://postgres@127.0.0.1:9/none"},
    )
    status, body = proc.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503" and json.loads(body)["database"] == "unreachable"


ENQUEUE_MENTION = (
    "from loopdesk.tickets.tests.factories import make_team, make_user, make_ticket;"
    "from loopdesk.tickets.services import message_add;from loopdesk.tickets.events import Actor;"
    "t=make_team('Team {n}');a=make_user(teams=[t],email='w{n}@loopdesk.test');make_user(teams=[t],email='r{n}@loopdesk.test');"
    "k=make_ticket(team=t);message_add(ticket=k,actor=Actor.person(a),kind='note',author_user=a,body_text='@r{n} hi')"
)


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_loopdesk_worker_runs_queued_tasks(migrated, backend):
    """The production path: a web process enqueues, `loopdesk worker` (db_worker or
    rqworker) runs the task; the console mail backend prints the notification."""
    import redis

    env = {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    worker_args = ["--batch", "--no-startup-delay"]
    if backend == "redis":
        env["REDIS_URL"] = "redis://127.0.0.1:6379/14"
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
        worker_args = ["--burst"]
    n = backend
    run(["manage", "shell", "-v", "0", "-c", ENQUEUE_MENTION.format(n=n)], migrated, env)
    proc = run(["worker", *worker_args], migrated, env)
    assert f"To: r{n}@loopdesk.test" in proc.stdout + proc.stderr
    assert "mentioned you" in proc.stdout + proc.stderr
