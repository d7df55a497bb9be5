"""REST API schemas for business calendars (separate In / Patch / Out)."""

from datetime import date, datetime, time
from typing import Literal

from ninja import Field, Schema

from loopdesk.core.api_common import InSchema, Links

from ..calendars import END_OF_DAY
from ..services.calendars import NAME_MAX

WallTime = str  # "HH:MM" (or "HH:MM:SS"); "24:00" as an end means midnight
MAX_WEEKLY_INTERVALS = 7 * 12


def wall(value: time) -> str:
    return "24:00" if value >= time(23, 59, 59) or value == END_OF_DAY else f"{value:%H:%M}"


class IntervalIn(InSchema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start: WallTime = Field(..., max_length=8, examples=["09:00"])
    end: WallTime = Field(..., max_length=8, examples=["18:00"])


class IntervalOut(Schema):
    weekday: int
    start: str
    end: str

    @staticmethod
    def resolve_start(obj) -> str:
        return wall(obj.start)

    @staticmethod
    def resolve_end(obj) -> str:
        return wall(obj.end)


class ExceptionIn(InSchema):
    date: date
    kind: Literal["closed", "working"]
    name: str = Field("", max_length=100)
    intervals: list[list[str]] = Field(
        default_factory=list,
        max_length=12,
        description='Hours of a working day, e.g. [["09:00", "12:00"]]; empty = a normal '
        "weekday's hours.",
    )


class ExceptionOut(Schema):
    date: date
    kind: str
    name: str
    intervals: list[list[str]]
    source: str


class CalendarIn(InSchema):
    name: str = Field(..., max_length=NAME_MAX)
    timezone: str = Field("Asia/Shanghai", max_length=64)
    description: str = Field("", max_length=2000)
    intervals: list[IntervalIn] = Field(default_factory=list, max_length=MAX_WEEKLY_INTERVALS)


class CalendarPatch(InSchema):
    name: str | None = Field(None, max_length=NAME_MAX)
    timezone: str | None = Field(None, max_length=64)
    description: str | None = Field(None, max_length=2000)
    intervals: list[IntervalIn] | None = Field(None, max_length=MAX_WEEKLY_INTERVALS)


class CalendarOut(Schema):
    id: int
    name: str
    timezone: str
    description: str
    intervals: list[IntervalOut]
    exceptions: list[ExceptionOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_intervals(obj) -> list:
        # Sorted in Python so the prefetched rows are used (no query per calendar).
        return sorted(obj.intervals.all(), key=lambda i: (i.weekday, i.start))

    @staticmethod
    def resolve_exceptions(obj) -> list:
        return sorted(obj.exceptions.all(), key=lambda e: e.date)


class CalendarPageOut(Schema):
    data: list[CalendarOut]
    links: Links


class DueOut(Schema):
    due_at: datetime = Field(..., description="UTC instant when the business minutes are over.")


class PresetIn(InSchema):
    year: int = Field(..., ge=2004, le=2100)


class PresetDifferenceOut(Schema):
    date: date
    chinesecalendar: str = Field(..., description="closed, working or normal")
    holidays: str = Field(..., description="closed, working or normal")
    name: str


class PresetOut(Schema):
    year: int
    differences: list[PresetDifferenceOut]
    years_missing: list[int] = Field(
        ..., description="This or next year without official data yet (load it once published)."
    )
