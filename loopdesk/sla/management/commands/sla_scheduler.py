"""Run the SLA scheduler alone: `loopdesk manage sla_scheduler [--once] [--interval S]`.

`loopdesk worker` already runs the same loop next to the task worker; this command is for
deployments that want it as a process of its own. Any number may run at once.
"""

from django.core.management.base import BaseCommand, CommandError

from loopdesk.sla.services.scheduler import TICK_SECONDS, sla_scheduler_loop, sla_tick


class Command(BaseCommand):
    help = "Fire due SLA warnings and breaches (every --interval seconds, or --once)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="One tick, then exit.")
        parser.add_argument("--interval", type=float, default=TICK_SECONDS)

    def handle(self, *args, once: bool, interval: float, **options):
        if once:
            result = sla_tick()
            self.stdout.write(
                f"breaches={result.breaches} warnings={result.warnings} "
                f"skipped={result.skipped} seconds={result.seconds:.3f}"
            )
            for error in result.action_errors:
                self.stderr.write(error)
            return
        if not 1 <= interval <= 60:
            raise CommandError("--interval must be 1 to 60 seconds")
        sla_scheduler_loop(interval=interval)
