"""Load China's statutory holidays and make-up working days into a business calendar.

    loopdesk manage sla_china_preset --calendar "China 9-18" --year 2025 --year 2026
    loopdesk manage sla_china_preset --check      # only report years without official data
    ... --recompute                                # then recompute open tickets' deadlines

Without --year, loads this year and next year where chinesecalendar has the data. Always
warns (on stderr) when this or next year's data is missing, so a yearly cron job notices.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from loopdesk.core.exceptions import LoopdeskError
from loopdesk.sla.models import BusinessCalendar
from loopdesk.sla.presets import china_year_supported, preset_years_missing
from loopdesk.sla.services.calendars import (
    calendar_load_china_preset,
    calendar_recompute_open_tickets,
)


class Command(BaseCommand):
    help = "Load the China holiday preset (chinesecalendar, cross-checked with holidays)."

    def add_arguments(self, parser):
        parser.add_argument("--calendar", help="name or id of the business calendar")
        parser.add_argument("--year", type=int, action="append", dest="years")
        parser.add_argument(
            "--recompute",
            action="store_true",
            help="afterwards recompute the SLA deadlines of open tickets using the calendar",
        )
        parser.add_argument(
            "--check", action="store_true", help="only report years without official data"
        )

    def handle(self, *args, calendar=None, years=None, check=False, recompute=False, **options):
        today = timezone.localdate()
        missing = preset_years_missing(today)
        for year in missing:
            self.stderr.write(
                self.style.WARNING(
                    f"Warning: chinesecalendar has no official data for {year} yet; update "
                    "the package once the State Council has published it, then load it."
                )
            )
        if check:
            if not missing:
                self.stdout.write(
                    f"China preset data present for {today.year} and {today.year + 1}."
                )
            return
        if not calendar:
            raise CommandError("Give --calendar NAME_OR_ID (or --check).")
        target = self._calendar(calendar)
        chosen = years or [y for y in (today.year, today.year + 1) if china_year_supported(y)]
        for year in chosen:
            try:
                differences = calendar_load_china_preset(calendar=target, year=year)
            except LoopdeskError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(f"{target.name}: China preset {year} loaded.")
            if not differences:
                self.stdout.write(f"  chinesecalendar and holidays agree on {year}.")
            for d in differences:
                self.stdout.write(
                    f"  differs {d.date.isoformat()} {d.name}: chinesecalendar={d.chinesecalendar}"
                    f" holidays={d.holidays}"
                )
        if recompute:
            count = calendar_recompute_open_tickets(calendar=target)
            self.stdout.write(f"Deadlines of {count} open tickets recomputed.")

    def _calendar(self, ref: str) -> BusinessCalendar:
        found = BusinessCalendar.objects.filter(name=ref.strip()).first()
        if found is None and ref.strip().isdigit() and len(ref.strip()) < 19:
            found = BusinessCalendar.objects.filter(pk=int(ref.strip())).first()
        if found is None:
            raise CommandError(f"No business calendar named or numbered {ref!r}.")
        return found
