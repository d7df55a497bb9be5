"""Business-time arithmetic: pure functions over a CalendarSpec, no database access.

A calendar is a time zone, weekly working intervals per weekday and dated exceptions
(closed days, or working days with their own hours such as China's 调休 make-up days).
Each local day's intervals are local wall times converted to UTC one by one, so a
09:00–17:00 day on a DST switch day still has 8 hours, and instants are compared in UTC.

Interval ends are exclusive. An interval end of `END_OF_DAY` (time.max) means midnight at the
end of that day (24:00). A wall time that does not exist (the skipped hour of a spring-forward
switch) is moved to the instant of the switch; an ambiguous one (the repeated hour in autumn)
means its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from loopdesk.core.exceptions import ValidationFailed

END_OF_DAY = time.max
# Without any working time for this long, a search gives up instead of looping forever.
SEARCH_HORIZON_DAYS = 3 * 366
_SECOND = timedelta(seconds=1)

Interval = tuple[time, time]
Intervals = tuple[Interval, ...]


class NoWorkingTime(ValidationFailed):
    """The calendar has no working time within the search horizon (or no working time at all)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            str(
                message
                or _("The calendar has no working time within three years; check its hours.")
            ),
            field="calendar",
        )


@dataclass(frozen=True)
class CalendarSpec:
    """What the arithmetic needs of a calendar. Build it with spec_for() or directly in tests."""

    tz: ZoneInfo
    weekly: dict[int, Intervals]  # weekday 0=Mon..6 -> sorted intervals
    exceptions: dict[date, Intervals] = field(default_factory=dict)  # () = closed
    # Per-day UTC intervals, computed once per spec (specs are immutable).
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    def __hash__(self) -> int:
        # Hashable by content (equal specs, equal hashes) so callers can use a spec as a
        # cache key; the dict fields would make the generated hash fail.
        return hash(
            (
                self.tz.key,
                tuple(sorted(self.weekly.items())),
                tuple(sorted(self.exceptions.items())),
            )
        )

    def local_intervals(self, day: date) -> Intervals:
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly.get(day.weekday(), ())

    def utc_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        cached = self._days.get(day)
        if cached is None:
            spans = []
            for start, end in self.local_intervals(day):
                utc_start = _local_to_utc(day, start, self.tz)
                utc_end = (
                    _local_to_utc(day + timedelta(days=1), time(0), self.tz)
                    if end == END_OF_DAY
                    else _local_to_utc(day, end, self.tz)
                )
                if utc_end > utc_start:  # an interval inside a skipped hour is empty
                    spans.append((utc_start, utc_end))
            cached = tuple(spans)
            self._days[day] = cached
        return cached

    @property
    def has_weekly_hours(self) -> bool:
        return any(self.weekly.get(weekday) for weekday in range(7))


ALWAYS_OPEN = CalendarSpec(
    tz=ZoneInfo("UTC"), weekly={weekday: ((time(0), END_OF_DAY),) for weekday in range(7)}
)


def _local_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime:
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first  # exists (fold=0 is the first occurrence of an ambiguous time)
    # A skipped wall time: fold=1 reads it with the offset after the switch, fold=0 with the
    # one before; the switch lies between the two readings. Find it to the second.
    low = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = first
    if low > high:
        low, high = high, low
    before = low.astimezone(tz).utcoffset()
    while high - low > _SECOND:
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0) if high.microsecond else high


def _require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


class OutOfRange(ValidationFailed):
    """The computation would leave the years datetime can represent (1–9999)."""

    def __init__(self) -> None:
        super().__init__(str(_("The date lies outside the supported range.")), field="start")


def _days_from(spec: CalendarSpec, instant: datetime) -> Iterator[date]:
    # Start one local day early: the previous day's intervals cannot reach past its
    # midnight, but starting early costs nothing and keeps odd offsets safe.
    day = instant.astimezone(spec.tz).date() - timedelta(days=1)
    while True:
        yield day
        day += timedelta(days=1)


def add_business_seconds(spec: CalendarSpec, start: datetime, seconds: int) -> datetime:
    """The instant `seconds` of working time after `start` (aware in, aware UTC out).

    The result may equal an interval's end (exclusive end: the deadline is the moment the
    last working second is over). Zero seconds returns `start` itself.
    """
    try:
        return _add(spec, start, seconds)
    except OverflowError as exc:  # within days of year 1 or 9999
        raise OutOfRange() from exc


def _add(spec: CalendarSpec, start: datetime, seconds: int) -> datetime:
    current = _require_aware(start, "start")
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    remaining = timedelta(seconds=seconds)
    if not remaining:
        return current
    if not spec.has_weekly_hours and not any(spec.exceptions.values()):
        raise NoWorkingTime(_("The calendar has no working hours at all."))
    idle_days = 0
    for day in _days_from(spec, current):
        worked = False
        for span_start, span_end in spec.utc_intervals(day):
            if span_end <= current:
                continue
            worked = True
            begin = max(span_start, current)
            available = span_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
            current = span_end
        idle_days = 0 if worked else idle_days + 1
        if idle_days > SEARCH_HORIZON_DAYS:
            raise NoWorkingTime()
    raise AssertionError("unreachable")  # pragma: no cover - _days_from never ends


def business_seconds_between(spec: CalendarSpec, start: datetime, end: datetime) -> int:
    """Whole seconds of working time in [start, end); 0 if end <= start."""
    try:
        return _between(spec, start, end)
    except OverflowError as exc:
        raise OutOfRange() from exc


def _between(spec: CalendarSpec, start: datetime, end: datetime) -> int:
    begin = _require_aware(start, "start")
    finish = _require_aware(end, "end")
    if finish <= begin:
        return 0
    total = timedelta(0)
    last_day = finish.astimezone(spec.tz).date() + timedelta(days=1)
    for day in _days_from(spec, begin):
        if day > last_day:
            break
        for span_start, span_end in spec.utc_intervals(day):
            overlap = min(span_end, finish) - max(span_start, begin)
            if overlap > timedelta(0):
                total += overlap
    return total // _SECOND


def add_business_minutes(spec: CalendarSpec, start: datetime, minutes: int) -> datetime:
    return add_business_seconds(spec, start, minutes * 60)


def business_minutes_between(spec: CalendarSpec, start: datetime, end: datetime) -> int:
    """Whole minutes of working time in [start, end)."""
    return business_seconds_between(spec, start, end) // 60


def parse_wall_time(value: str) -> time:
    """'09:00' -> time(9); '24:00' -> END_OF_DAY. Raises ValueError on anything else."""
    text = value.strip()
    if text in {"24:00", "24:00:00"}:
        return END_OF_DAY
    parsed = time.fromisoformat(text)
    if parsed.tzinfo is not None:
        raise ValueError("a wall time has no time zone")
    return parsed


def normalise_end(end: time) -> time:
    """Interval ends stored as 23:59:59 or later (the database cannot hold 24:00) run to
    midnight, so a round-the-clock day has no missing second."""
    return END_OF_DAY if end >= time(23, 59, 59) else end


def spec_for(calendar) -> CalendarSpec:
    """A CalendarSpec of a BusinessCalendar; prefetch `intervals` and `exceptions` first
    (both are read through .all(), so prefetched rows are used without queries)."""
    weekly: dict[int, list[Interval]] = {}
    for row in calendar.intervals.all():
        weekly.setdefault(row.weekday, []).append((row.start, normalise_end(row.end)))
    weekly_sorted = {weekday: tuple(sorted(spans)) for weekday, spans in weekly.items()}
    # A working-day exception without hours of its own works a normal weekday's hours:
    # Monday's, or the first weekday that has hours.
    default_day = next(
        (weekly_sorted[d] for d in range(7) if weekly_sorted.get(d)),
        (),
    )
    exceptions: dict[date, Intervals] = {}
    for row in calendar.exceptions.all():
        if row.kind == "closed":
            exceptions[row.date] = ()
        elif row.intervals:
            exceptions[row.date] = tuple(
                sorted(
                    (parse_wall_time(s), normalise_end(parse_wall_time(e)))
                    for s, e in row.intervals
                )
            )
        else:
            exceptions[row.date] = default_day
    return CalendarSpec(tz=ZoneInfo(calendar.timezone), weekly=weekly_sorted, exceptions=exceptions)
