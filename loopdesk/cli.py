"""The `loopdesk` command: a thin front for Django's management commands.

loopdesk migrate | serve [--host H --port P] [--dev] | worker [--no-sla-scheduler] | demo
loopdesk createadmin --email E --password P | apikey create --email E [--scopes ...]
loopdesk ingest-email PATH|- [--mailbox ADDRESS]
loopdesk poll-mail [--once] [--mailbox ID]   (worker --no-mail-poller: no IMAP poller thread)
loopdesk manage automation_tick [--now ISO]   (worker --no-automation-scheduler: no time rules)
loopdesk manage <any Django management command>
"""

import argparse
import os
import sys


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["loopdesk", *argv])


def _serve(args: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="loopdesk serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "2"))
    parser.add_argument(
        "--threads",
        default=os.environ.get("WEB_THREADS", "1"),
        help="threads per worker (gunicorn gthread); pair with DB_POOL on PostgreSQL",
    )
    parser.add_argument("--dev", action="store_true", help="Django's auto-reloading dev server")
    opts = parser.parse_args(args)
    if opts.dev:
        _django(["runserver", f"{opts.host}:{opts.port}"])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    _django(["collectstatic", "--noinput", "-v0"])
    _django(
        [
            "shell",
            "-v",
            "0",
            "-c",
            "from loopdesk.core.dbmaint import sqlite_refresh_statistics as r; r()",
        ]
    )
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(  # replace this process: signals go straight to gunicorn
        gunicorn,
        [
            gunicorn,
            "config.wsgi:application",
            "--bind",
            f"{opts.host}:{opts.port}",
            "--workers",
            str(opts.workers),
            "--threads",
            str(opts.threads),
            "--access-logfile",
            "-",
        ],
    )


def _start_sla_scheduler() -> None:
    """The SLA scheduler loop in a daemon thread of the worker process: it ends with the
    worker, and its claims are idempotent, so any number of workers may run it."""
    import threading

    import django

    django.setup()
    from loopdesk.sla.services.scheduler import sla_scheduler_loop

    threading.Thread(target=sla_scheduler_loop, name="sla-scheduler", daemon=True).start()


def _start_routing_sweep() -> None:
    """The routing sweep in a daemon thread of the worker: waiting tickets are retried
    periodically (e.g. when a shift begins), so none waits for an event that never comes."""
    import threading

    import django

    django.setup()
    from loopdesk.routing.services import routing_sweep_loop

    threading.Thread(target=routing_sweep_loop, name="routing-sweep", daemon=True).start()


def _start_mail_poller() -> None:
    """The IMAP poller in a daemon thread of the worker (loopdesk.channels.email.imap):
    each poll round of a mailbox is claimed in the database, so several workers may run it."""
    import threading

    import django

    django.setup()
    from loopdesk.channels.email.imap import mail_poller_loop

    threading.Thread(target=mail_poller_loop, name="mail-poller", daemon=True).start()


def _start_automation_scheduler() -> None:
    """The time-rule scheduler in a daemon thread of the worker: due rows are claimed with
    a conditional update, so any number of workers may run it."""
    import threading

    import django

    django.setup()
    from loopdesk.automation.timerules import automation_scheduler_loop

    threading.Thread(
        target=automation_scheduler_loop, name="automation-scheduler", daemon=True
    ).start()


def _worker(args: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    if "--no-mail-poller" in args:
        args = [a for a in args if a != "--no-mail-poller"]
    else:
        _start_mail_poller()
    if "--no-sla-scheduler" in args:
        args = [a for a in args if a != "--no-sla-scheduler"]
    else:
        _start_sla_scheduler()
    if "--no-automation-scheduler" in args:
        args = [a for a in args if a != "--no-automation-scheduler"]
    else:
        _start_automation_scheduler()
    _start_routing_sweep()
    if os.environ.get("REDIS_URL"):
        # django-tasks-rq stores its own Job class in Redis; the worker must use it.
        _django(["rqworker", "--job-class", "django_tasks_rq.backend.Job", "default", *args])
    else:
        _django(["db_worker", *args])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return
    command, rest = argv[0], argv[1:]
    if command == "serve":
        _serve(rest)
    elif command == "worker":
        _worker(rest)
    elif command == "poll-mail":
        _django(["poll_mail", *rest])
    elif command == "manage":
        _django(rest)
    elif command == "ingest-email":
        _django(["ingest_email", *rest])
    elif command in ("migrate", "demo", "createadmin", "apikey", "search_reindex"):
        _django([command, *rest])
    else:
        print(f"Unknown command: {command}\n{__doc__}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
