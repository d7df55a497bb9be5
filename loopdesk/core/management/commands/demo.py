"""`loopdesk demo`: load realistic demo data and print how to log in."""

from django.conf import settings
from django.core.management.base import BaseCommand

from loopdesk.core.demo import DEMO_PASSWORD, demo_exists, demo_load, demo_logins


class Command(BaseCommand):
    help = "Load demo teams, agents, customers and tickets with weeks of history."

    def add_arguments(self, parser):
        parser.add_argument(
            "--tickets", type=int, default=1000, help="number of tickets (default 1000)"
        )
        parser.add_argument(
            "--seed", type=int, default=42, help="random seed: same seed, same data"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when tickets exist already (still prints the logins)",
        )

    def handle(self, *args, tickets, seed, if_empty, **options):
        if if_empty and demo_exists():
            self.stdout.write("Tickets exist already; demo data not loaded.")
        else:
            verbose = options["verbosity"] >= 1

            def progress(done: int, total: int) -> None:
                if verbose and (done == total or done % 200 == 0):
                    self.stdout.write(f"  tickets {done}/{total}")

            self.stdout.write(f"Loading demo data ({tickets} tickets, seed {seed})…")
            summary = demo_load(tickets=tickets, seed=seed, progress=progress)
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {summary.tickets} tickets in {summary.seconds:.1f} s.")
            )
        self._print_logins()

    def _print_logins(self) -> None:
        logins = demo_logins()
        if not logins:
            self.stdout.write("No demo users in this database.")
            return
        width = max(len(login.email) for login in logins)
        self.stdout.write("")
        self.stdout.write(f"Open {settings.BASE_URL} and log in as (password: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {'role':<11} {'email':<{width}}  name")
        for login in logins:
            self.stdout.write(f"  {login.role:<11} {login.email:<{width}}  {login.name}")
