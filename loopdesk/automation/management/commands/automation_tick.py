"""Run the time rules that are due now (or at --now): one tick of the worker's loop."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from loopdesk.automation.timerules import automation_tick


class Command(BaseCommand):
    help = "Run every time rule that is due (the worker does this every 30 seconds)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="An ISO 8601 instant with offset (default: now).")

    def handle(self, *args, **options) -> None:
        now = None
        if options.get("now"):
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(
                    "--now must be ISO 8601, e.g. 2026-11-23T10:02:00+08:00"
                ) from exc
            if now.tzinfo is None:
                raise CommandError("--now needs a UTC offset, e.g. +08:00")
        result = automation_tick(now=now)
        self.stdout.write(f"checked={result.checked} fired={result.fired}")
