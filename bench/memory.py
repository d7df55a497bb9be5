"""Memory of the processes under test: any process from /proc, and the task worker.

`process_memory` reads what `bench http` reports for every gunicorn process;
`task_worker_memory` starts `loopdesk worker` after the load (so it takes no CPU from the
measured cells) and reads it booted and again once it has run the queued tasks.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

BENCH_DIR = Path(__file__).resolve().parent


def process_memory(pid: int) -> dict:
    """VmRSS, VmHWM (peak), RssAnon, RssFile, Pss and Private of one process, in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            values[key] = round(int(rest.split()[0]) / 1024, 1)
    # Pss shares pages mapped by several processes among them; Private is what this
    # process alone holds (what stopping it would free).
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    if rollup.exists():
        private = 0
        for line in rollup.read_text().splitlines():
            key, _, rest = line.partition(":")
            if key == "Pss":
                values["Pss"] = round(int(rest.split()[0]) / 1024, 1)
            elif key in ("Private_Clean", "Private_Dirty"):
                private += int(rest.split()[0])
        values["Private"] = round(private / 1024, 1)
    return values


def task_worker_memory(server_env: dict[str, str], timeout: float = 180.0) -> dict:
    """`loopdesk worker` (task queue, SLA and automation schedulers, mail poller, routing
    sweep), started after the load so it takes no CPU from the measured cells: its memory
    once booted and idle, and after it ran the tasks the load queued (customer mails of
    the replies, hooks). Mail goes to Django's dummy backend: nothing leaves the machine."""
    from django_tasks_db.models import DBTaskResult

    def ready() -> int:
        return DBTaskResult.objects.filter(status="READY").count()

    env = {
        **server_env,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",  # the product's own (no bench URLs)
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    queued = ready()
    log = open(Path(settings.DATA_DIR) / "logs" / "bench-task-worker.log", "ab")  # noqa: SIM115
    worker = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "loopdesk"), "worker"],
        cwd=str(BENCH_DIR.parent),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        time.sleep(3.0)  # booted: settings, apps, the scheduler threads started
        if worker.poll() is not None:
            raise SystemExit(f"loopdesk worker exited with {worker.returncode}; see {log.name}")
        idle = process_memory(worker.pid)
        started = time.monotonic()
        while ready() and time.monotonic() - started < timeout and worker.poll() is None:
            time.sleep(1.0)
        took = time.monotonic() - started
        if worker.poll() is not None:
            raise SystemExit(f"loopdesk worker exited with {worker.returncode}; see {log.name}")
        after = process_memory(worker.pid)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
    left = ready()
    return {
        "idle": idle,
        "after": after,
        "tasks_run": queued - left,
        "left": left,
        "seconds": round(took, 1),
    }
