"""China preset: data per year, cross-check with `holidays`, missing-year warning, loading."""

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from loopdesk.core.exceptions import ValidationFailed
from loopdesk.sla.calendars import add_business_minutes, spec_for
from loopdesk.sla.models import CalendarException
from loopdesk.sla.presets import (
    PRESET_SOURCE,
    ChinaYear,
    china_cross_check,
    china_year,
    preset_years_missing,
)
from loopdesk.sla.services.calendars import (
    WeeklyInterval,
    calendar_create,
    calendar_exception_set,
    calendar_load_china_preset,
    calendar_with_hours,
)
from loopdesk.sla.tests.years import UNSUPPORTED_YEAR

SH = ZoneInfo("Asia/Shanghai")


def test_china_2025_closed_and_make_up_days():
    data = china_year(2025)
    assert date(2025, 10, 1) in data.closed and date(2025, 10, 8) in data.closed
    assert sorted(data.working) == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    ]
    assert all(d.year == 2025 for d in [*data.closed, *data.working])


def test_sources_agree_on_2025_and_2026():
    assert china_cross_check(china_year(2025)) == []
    assert china_cross_check(china_year(2026)) == []


def test_cross_check_lists_a_disagreement():
    real = china_year(2025)
    # Pretend chinesecalendar forgot 10-08 and invented a closed Tuesday 2025-03-04.
    closed = {d: n for d, n in real.closed.items() if d != date(2025, 10, 8)}
    closed[date(2025, 3, 4)] = "Invented"
    differences = china_cross_check(ChinaYear(year=2025, closed=closed, working=real.working))
    assert [(d.date, d.chinesecalendar, d.holidays) for d in differences] == [
        (date(2025, 3, 4), "closed", "normal"),
        (date(2025, 10, 8), "normal", "closed"),
    ]
    assert differences[0].as_dict()["date"] == "2025-03-04"


def test_next_year_missing_is_reported():
    # Late in the last year with data, the next year's data is missing.
    assert preset_years_missing(date(UNSUPPORTED_YEAR - 1, 11, 22)) == [UNSUPPORTED_YEAR]
    assert preset_years_missing(date(2025, 6, 1)) == []


@pytest.fixture
def china_calendar(db):
    return calendar_create(
        name="China 9-18",
        timezone="Asia/Shanghai",
        intervals=[WeeklyInterval(d, time(9), time(18)) for d in range(5)],
    )


def test_load_preset_makes_the_worked_case_hold(china_calendar):
    differences = calendar_load_china_preset(calendar=china_calendar, year=2025)
    assert differences == []
    rows = CalendarException.objects.filter(calendar=china_calendar)
    assert rows.filter(kind="working").count() == 5
    assert set(rows.values_list("source", flat=True)) == {PRESET_SOURCE}
    spec = spec_for(calendar_with_hours(china_calendar.pk))
    due = add_business_minutes(spec, datetime(2025, 9, 30, 17, tzinfo=SH), 480)
    assert due == datetime(2025, 10, 9, 16, tzinfo=SH)


def test_reload_replaces_preset_rows_and_keeps_manual_ones(china_calendar):
    calendar_load_china_preset(calendar=china_calendar, year=2025)
    calendar_load_china_preset(calendar=china_calendar, year=2026)
    # A manual decision on a preset date wins: the company works 2025-10-08 half a day.
    calendar_exception_set(
        calendar=china_calendar,
        day=date(2025, 10, 8),
        kind="working",
        name="On call",
        intervals=[["09:00", "12:00"]],
    )
    calendar_exception_set(calendar=china_calendar, day=date(2025, 7, 1), kind="closed")
    count_2025 = CalendarException.objects.filter(calendar=china_calendar, date__year=2025).count()
    calendar_load_china_preset(calendar=china_calendar, year=2025)
    rows = CalendarException.objects.filter(calendar=china_calendar)
    assert rows.filter(date__year=2025).count() == count_2025
    manual = rows.get(date=date(2025, 10, 8))
    assert (manual.kind, manual.source, manual.intervals) == ("working", "", [["09:00", "12:00"]])
    assert rows.filter(date=date(2025, 7, 1), source="").exists()
    assert rows.filter(date__year=2026, source=PRESET_SOURCE).count() == len(
        china_year(2026).closed
    ) + len(china_year(2026).working)


def test_load_missing_year_is_a_clear_error_and_saves_nothing(china_calendar):
    with pytest.raises(ValidationFailed) as exc:
        calendar_load_china_preset(calendar=china_calendar, year=UNSUPPORTED_YEAR)
    assert exc.value.field == "year"
    assert str(UNSUPPORTED_YEAR) in exc.value.message
    assert not CalendarException.objects.exists()


def test_command_loads_and_warns(china_calendar):
    out, err = StringIO(), StringIO()
    call_command(
        "sla_china_preset",
        calendar="China 9-18",
        years=[2025],
        recompute=True,
        stdout=out,
        stderr=err,
    )
    assert "China preset 2025 loaded" in out.getvalue()
    assert "agree on 2025" in out.getvalue()
    assert "Deadlines of 0 open tickets recomputed" in out.getvalue()
    for year in preset_years_missing(timezone.localdate()):
        assert f"no official data for {year}" in err.getvalue()
    assert CalendarException.objects.filter(calendar=china_calendar, date__year=2025).exists()


def test_command_default_years_and_check(china_calendar):
    call_command(
        "sla_china_preset", calendar=str(china_calendar.pk), stdout=StringIO(), stderr=StringIO()
    )
    years = set(
        CalendarException.objects.filter(calendar=china_calendar).values_list(
            "date__year", flat=True
        )
    )
    today = timezone.localdate()
    assert years == {
        y for y in (today.year, today.year + 1) if y not in preset_years_missing(today)
    }
    err = StringIO()
    call_command("sla_china_preset", check=True, stdout=StringIO(), stderr=err)
    assert ("Warning" in err.getvalue()) == bool(preset_years_missing(today))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"calendar": "Nope"}, "No business calendar"),
        ({}, "--calendar"),
        ({"calendar": "China 9-18", "years": [UNSUPPORTED_YEAR]}, str(UNSUPPORTED_YEAR)),
    ],
    ids=["unknown-calendar", "no-calendar", "missing-year"],
)
def test_command_errors(china_calendar, kwargs, message):
    with pytest.raises(CommandError, match=message):
        call_command("sla_china_preset", stdout=StringIO(), stderr=StringIO(), **kwargs)
