"""Writes for business calendars: weekly hours, dated exceptions and the China preset.

Everything is validated before the first write and each call is one transaction, so bad
input (inverted or overlapping intervals, an unknown time zone, an exception outside the
preset year) saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from zoneinfo import available_timezones

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from loopdesk.core.exceptions import Conflict, ValidationFailed
from loopdesk.tickets.models import Ticket

from ..calendars import END_OF_DAY, add_business_minutes, parse_wall_time, spec_for
from ..config_cache import sla_config_changed
from ..constants import ClockState, ExceptionKind
from ..models import BusinessCalendar, CalendarException, CalendarInterval, TicketClock
from ..presets import (
    PRESET_SOURCE,
    PresetDifference,
    PresetYearMissing,
    china_cross_check,
    china_year,
)
from .clocks import sla_recompute

MAX_INTERVALS_PER_DAY = 12
MAX_PREVIEW_MINUTES = 10_000_000
NAME_MAX = 100


@dataclass(frozen=True)
class WeeklyInterval:
    weekday: int
    start: time
    end: time


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(name: str) -> str:
    """An IANA zone name that exists here (never a path: only names from the zone list)."""
    name = (name or "").strip()
    if name not in _zones():
        raise ValidationFailed(
            _("Unknown time zone: %(tz)s (use an IANA name such as Asia/Shanghai).")
            % {"tz": name[:64]},
            field="timezone",
        )
    return name


def check_day_intervals(spans: list[tuple[time, time]], *, field: str) -> list[tuple[time, time]]:
    """Sorted, non-inverted, non-overlapping (touching is fine: 12:00–13:00 then 13:00–…)."""
    if len(spans) > MAX_INTERVALS_PER_DAY:
        raise ValidationFailed(
            _("At most %(n)s intervals per day.") % {"n": MAX_INTERVALS_PER_DAY}, field=field
        )
    ordered = sorted(spans)
    for start, end in ordered:
        if start == END_OF_DAY or end <= start:
            raise ValidationFailed(
                _("Interval %(start)s–%(end)s ends before it starts.")
                % {"start": f"{start:%H:%M}", "end": _wall(end)},
                field=field,
            )
    for (_s1, end1), (start2, _e2) in zip(ordered, ordered[1:], strict=False):
        if start2 < end1:
            raise ValidationFailed(
                _("Intervals overlap: one ends at %(end)s, the next starts at %(start)s.")
                % {"end": _wall(end1), "start": f"{start2:%H:%M}"},
                field=field,
            )
    return ordered


def _wall(value: time) -> str:
    return "24:00" if value == END_OF_DAY else f"{value:%H:%M}"


def validate_weekly(intervals: Iterable[WeeklyInterval]) -> list[WeeklyInterval]:
    by_day: dict[int, list[tuple[time, time]]] = {}
    for interval in intervals:
        if not 0 <= interval.weekday <= 6:
            raise ValidationFailed(
                _("Weekday must be 0 (Monday) to 6 (Sunday)."), field="intervals"
            )
        by_day.setdefault(interval.weekday, []).append((interval.start, interval.end))
    result = []
    for weekday in sorted(by_day):
        for start, end in check_day_intervals(by_day[weekday], field="intervals"):
            result.append(WeeklyInterval(weekday=weekday, start=start, end=end))
    return result


def parse_interval_strings(pairs: Iterable, *, field: str) -> list[tuple[time, time]]:
    """[["09:00", "12:00"], ...] -> validated (start, end) times."""
    spans = []
    for pair in pairs:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValidationFailed(_('Write hours as [["09:00", "12:00"], …].'), field=field)
        try:
            spans.append((parse_wall_time(str(pair[0])), parse_wall_time(str(pair[1]))))
        except ValueError as exc:
            raise ValidationFailed(
                _("Not a time of day: %(value)s") % {"value": str(pair)[:40]}, field=field
            ) from exc
    return check_day_intervals(spans, field=field)


def _store_intervals(calendar: BusinessCalendar, intervals: list[WeeklyInterval]) -> None:
    CalendarInterval.objects.filter(calendar=calendar).delete()
    sla_config_changed()  # bulk writes send no signals
    CalendarInterval.objects.bulk_create(
        CalendarInterval(calendar=calendar, weekday=i.weekday, start=i.start, end=i.end)
        for i in intervals
    )


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationFailed(_("Name must be 1–100 characters."), field="name")
    return name


def calendar_create(
    *,
    name: str,
    timezone: str,
    intervals: Iterable[WeeklyInterval],
    description: str = "",
) -> BusinessCalendar:
    name = _clean_name(name)
    timezone = validate_timezone(timezone)
    weekly = validate_weekly(intervals)
    try:
        with transaction.atomic():
            calendar = BusinessCalendar.objects.create(
                name=name, timezone=timezone, description=description
            )
            _store_intervals(calendar, weekly)
    except IntegrityError as exc:
        raise ValidationFailed(
            _("A calendar with this name already exists."), field="name"
        ) from exc
    return calendar


def calendar_update(
    *,
    calendar: BusinessCalendar,
    name: str | None = None,
    timezone: str | None = None,
    description: str | None = None,
    intervals: Iterable[WeeklyInterval] | None = None,
) -> BusinessCalendar:
    """Change the given fields; `intervals`, when given, replaces all weekly hours."""
    fields = []
    if name is not None:
        calendar.name = _clean_name(name)
        fields.append("name")
    if timezone is not None:
        calendar.timezone = validate_timezone(timezone)
        fields.append("timezone")
    if description is not None:
        calendar.description = description
        fields.append("description")
    weekly = validate_weekly(intervals) if intervals is not None else None
    try:
        with transaction.atomic():
            if fields:
                calendar.save(update_fields=[*fields, "updated_at"])
            if weekly is not None:
                _store_intervals(calendar, weekly)
    except IntegrityError as exc:
        raise ValidationFailed(
            _("A calendar with this name already exists."), field="name"
        ) from exc
    return calendar


def calendar_delete(*, calendar: BusinessCalendar) -> None:
    try:
        with transaction.atomic():
            calendar.delete()
    except ProtectedError as exc:
        raise Conflict(
            _("This calendar is used by SLA policies; give them another calendar first.")
        ) from exc


def calendar_exception_set(
    *,
    calendar: BusinessCalendar,
    day: date,
    kind: str,
    name: str = "",
    intervals: Iterable | None = None,
) -> CalendarException:
    """A manual exception (replaces whatever the date had, including a preset row)."""
    if kind not in ExceptionKind.values:
        raise ValidationFailed(_("Unknown exception kind: %(kind)s") % {"kind": kind}, field="kind")
    spans = parse_interval_strings(intervals or [], field="intervals")
    if kind == ExceptionKind.CLOSED and spans:
        raise ValidationFailed(_("A closed day has no hours."), field="intervals")
    stored = [[_wall(s), _wall(e)] for s, e in spans]
    with transaction.atomic():
        exception, _created = CalendarException.objects.update_or_create(
            calendar=calendar,
            date=day,
            defaults={"kind": kind, "name": name[:100], "intervals": stored, "source": ""},
        )
    return exception


def calendar_exception_delete(*, calendar: BusinessCalendar, day: date) -> int:
    deleted, _detail = CalendarException.objects.filter(calendar=calendar, date=day).delete()
    return deleted


def calendar_load_china_preset(*, calendar: BusinessCalendar, year: int) -> list[PresetDifference]:
    """Write `year`'s statutory holidays (closed) and make-up working days (working, with the
    calendar's normal hours) as exceptions with source "china-preset".

    The year's earlier preset rows are replaced; manual rows are kept and win over the preset
    on their dates. Returns where holidays.China disagrees with chinesecalendar.
    """
    try:
        data = china_year(year)
    except PresetYearMissing as exc:
        raise ValidationFailed(
            _(
                "No official holiday data for %(year)s in chinesecalendar yet; "
                "update the package when the State Council has published it."
            )
            % {"year": year},
            field="year",
        ) from exc
    rows = [(day, ExceptionKind.CLOSED, name) for day, name in data.closed.items()] + [
        (day, ExceptionKind.WORKING, name) for day, name in data.working.items()
    ]
    for day, _kind, _name in rows:
        if day.year != year:  # the data must not leak into other years
            raise ValidationFailed(
                _("Exception date %(date)s lies outside %(year)s.")
                % {"date": day.isoformat(), "year": year},
                field="year",
            )
    differences = china_cross_check(data)
    with transaction.atomic():
        # Lock the calendar row so two loads of the same year cannot interleave.
        BusinessCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
        CalendarException.objects.filter(
            calendar=calendar, source=PRESET_SOURCE, date__year=year
        ).delete()
        manual = set(
            CalendarException.objects.filter(calendar=calendar, date__year=year).values_list(
                "date", flat=True
            )
        )
        sla_config_changed()  # bulk writes send no signals
        CalendarException.objects.bulk_create(
            CalendarException(
                calendar=calendar,
                date=day,
                kind=kind,
                name=name[:100],
                intervals=[],
                source=PRESET_SOURCE,
            )
            for day, kind, name in sorted(rows)
            if day not in manual
        )
    return differences


def calendar_with_hours(calendar_id: int) -> BusinessCalendar:
    """A calendar with its intervals and exceptions prefetched (ready for spec_for)."""
    return BusinessCalendar.objects.prefetch_related("intervals", "exceptions").get(pk=calendar_id)


def calendar_due(*, calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """When `minutes` business minutes from `start` are over (the preview the admin sees)."""
    if isinstance(minutes, bool) or not 0 <= minutes <= MAX_PREVIEW_MINUTES:
        raise ValidationFailed(
            _("Minutes must be between 0 and %(max)s.") % {"max": f"{MAX_PREVIEW_MINUTES:,}"},
            field="minutes",
        )
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValidationFailed(
            _("Give the start with a UTC offset, e.g. 2025-09-30T17:00:00+08:00."), field="start"
        )
    # A calendar without any working time raises NoWorkingTime (a 400) instead of looping.
    return add_business_minutes(spec_for(calendar), start, minutes)


def calendar_recompute_open_tickets(*, calendar: BusinessCalendar) -> int:
    """Recompute the SLA of every ticket with a running or paused business-time clock under a
    policy that uses this calendar (after its hours, time zone or exceptions changed: stored
    due times were computed with the old calendar). One transaction per ticket, so a long
    run never holds many locks; returns the number of tickets recomputed."""
    ticket_ids = (
        TicketClock.objects.filter(
            policy__calendar=calendar,
            business_hours=True,
            state__in=[ClockState.RUNNING, ClockState.PAUSED],
        )
        .values_list("ticket_id", flat=True)
        .distinct()
        .order_by("ticket_id")
    )
    count = 0
    for ticket in Ticket.objects.filter(pk__in=list(ticket_ids)).iterator(chunk_size=500):
        sla_recompute(ticket=ticket)
        count += 1
    return count
