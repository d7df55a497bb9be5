"""`loopdesk worker` runs the SLA scheduler next to the task worker, and
`loopdesk manage sla_scheduler --once` runs one tick: both as real processes on this
test database, the first with its email going through the real database task queue."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from loopdesk.sla.models import TicketClock
from loopdesk.tickets.models import TicketEvent
from loopdesk.tickets.tests import factories

from .scheduler_helpers import make_clock, make_policy

REPO = Path(__file__).resolve().parents[3]
LOOPDESK = [sys.executable, "-m", "loopdesk.cli"]


def _env(tmp_path) -> dict:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    else:
        url = f"sqlite:///{settings['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env.update(
        DATABASE_URL=url,
        LOOPDESK_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings.base",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DB_CONN_MAX_AGE="0",
    )
    return env


def _due_clock(team, agent, *, tag: str):
    ticket = factories.make_ticket(team=team, assignee=agent)
    policy = make_policy(
        escalation={
            "breach": [{"action": "notify", "to": "assignee"}, {"action": "add_tag", "tag": tag}]
        }
    )
    clock = make_clock(ticket, policy, due_in=timedelta(minutes=-1))
    # The helpers' fixed NOW may lie in the future of the real clock: move it to real time.
    TicketClock.objects.filter(pk=clock.pk).update(
        due_at=timezone.now() - timedelta(seconds=30), warn_at=timezone.now() - timedelta(minutes=1)
    )
    return ticket


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_manage_sla_scheduler_once_fires_and_a_rerun_fires_nothing(team_a, agent, tmp_path):
    ticket = _due_clock(team_a, agent, tag="late")
    cmd = [*LOOPDESK, "manage", "sla_scheduler", "--once"]
    first = subprocess.run(cmd, cwd=REPO, env=_env(tmp_path), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "breaches=1" in first.stdout
    second = subprocess.run(cmd, cwd=REPO, env=_env(tmp_path), capture_output=True, text=True)
    assert "breaches=0 warnings=0" in second.stdout
    assert TicketEvent.objects.filter(ticket=ticket, type="sla.breached").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_loopdesk_worker_fires_breaches_and_sends_the_email_through_the_queue(
    team_a, agent, tmp_path
):
    ticket = _due_clock(team_a, agent, tag="late-worker")
    proc = subprocess.Popen(
        [*LOOPDESK, "worker"],
        cwd=REPO,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    try:
        # The email task runs once db_worker is up (system checks, then a random start-up
        # delay of up to 1 s): wait for its output, not for a fixed time.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("SLA target breached" in x for x in lines):
            time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        reader.join(timeout=30)
    output = "".join(lines)
    assert TicketEvent.objects.filter(ticket=ticket, type="sla.breached").count() == 1
    assert list(ticket.tags.values_list("name", flat=True)) == ["late-worker"]
    assert "SLA target breached" in output, output[-3000:]
    assert agent.email in output


def test_scheduler_loop_survives_a_crashing_tick(monkeypatch, db):
    """One bad tick (any exception) is logged and the loop ticks again."""
    import threading

    from loopdesk.sla.services import scheduler

    stop = threading.Event()
    calls = []

    def flaky_tick():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("bad ticket data")
        stop.set()
        return scheduler.TickResult()

    monkeypatch.setattr(scheduler, "sla_tick", flaky_tick)
    scheduler.sla_scheduler_loop(interval=0.01, stop=stop)
    assert len(calls) == 2
