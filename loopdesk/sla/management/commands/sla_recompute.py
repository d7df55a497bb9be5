"""Recompute the SLA clocks of open tickets from their event logs.

    loopdesk manage sla_recompute               # every open ticket
    loopdesk manage sla_recompute --policy 3    # open tickets under policy 3

Run it after adding, re-ordering or changing SLA policies when open tickets should follow at
once (otherwise each ticket follows at its next event). Safe to run at any time: the result
only depends on the events and the current policies and calendars.
"""

from django.core.management.base import BaseCommand

from loopdesk.sla.services.clocks import sla_recompute_open_tickets


class Command(BaseCommand):
    help = "Recompute the SLA clocks of open tickets from their events."

    def add_arguments(self, parser):
        parser.add_argument("--policy", type=int, help="only tickets under this policy id")

    def handle(self, *args, policy=None, **options):
        count = sla_recompute_open_tickets(policy_id=policy)
        self.stdout.write(f"Recomputed {count} open tickets.")
