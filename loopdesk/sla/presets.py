"""China's official working calendar by year: statutory holidays and make-up working days (调休).

The primary source is `chinesecalendar` (the State Council's yearly notice, transcribed); the
`holidays` package is a second, independent source used only to cross-check. Pure functions:
no database access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import chinese_calendar
import holidays as holidays_lib

PRESET_SOURCE = "china-preset"


class PresetYearMissing(LookupError):
    """chinesecalendar has no official data for the year (not published yet, or too old)."""


@dataclass(frozen=True)
class ChinaYear:
    year: int
    closed: dict[date, str]  # statutory holiday periods (including weekend days inside them)
    working: dict[date, str]  # weekend days that are working days (调休)


@dataclass(frozen=True)
class PresetDifference:
    """One date on which the two sources disagree; shown to the admin, not an error."""

    date: date
    chinesecalendar: str  # "closed", "working" or "normal"
    holidays: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return {
            "date": self.date.isoformat(),
            "chinesecalendar": self.chinesecalendar,
            "holidays": self.holidays,
            "name": self.name,
        }


def china_year_supported(year: int) -> bool:
    try:
        chinese_calendar.is_holiday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def china_year(year: int) -> ChinaYear:
    if not china_year_supported(year):
        raise PresetYearMissing(year)
    closed = {d: str(name) for d, name in chinese_calendar.holidays.items() if d.year == year}
    working = {
        d: str(name)
        for d, name in chinese_calendar.workdays.items()
        if d.year == year and d.weekday() >= 5
    }
    return ChinaYear(year=year, closed=closed, working=working)


def _kind(day: date, closed: set[date], working: set[date]) -> str:
    if day in closed:
        return "closed"
    if day in working:
        return "working"
    return "normal"


def china_cross_check(data: ChinaYear) -> list[PresetDifference]:
    """Dates whose working status differs between chinesecalendar and holidays.China.

    chinesecalendar lists whole holiday periods including the weekend days inside them, while
    holidays.China lists the days off that matter; a weekend day closed in one and unlisted in
    the other is not a difference (it is not worked either way).
    """
    other = holidays_lib.China(years=data.year)
    other_closed = set(other)
    other_working = {d for d in getattr(other, "weekend_workdays", set()) if d.year == data.year}
    ours_closed = set(data.closed)
    ours_working = set(data.working)
    differences = []
    for day in sorted(ours_closed | ours_working | other_closed | other_working):
        ours = _kind(day, ours_closed, ours_working)
        theirs = _kind(day, other_closed, other_working)
        if ours == theirs:
            continue
        weekend = day.weekday() >= 5
        if weekend and {ours, theirs} == {"closed", "normal"}:
            continue
        name = data.closed.get(day) or data.working.get(day) or str(other.get(day) or "")
        differences.append(
            PresetDifference(date=day, chinesecalendar=ours, holidays=theirs, name=name)
        )
    return differences


def preset_years_missing(today: date) -> list[int]:
    """This year and next year, where chinesecalendar has no official data yet.

    The State Council publishes next year's arrangement around November, so from then on a
    missing next year is worth a warning; this year missing is always one.
    """
    return [year for year in (today.year, today.year + 1) if not china_year_supported(year)]
