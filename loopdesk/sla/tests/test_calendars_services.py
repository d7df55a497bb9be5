"""Calendar services: validation of bad input saves nothing; exceptions; due preview."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from loopdesk.core.exceptions import Conflict, ValidationFailed
from loopdesk.sla.calendars import END_OF_DAY, NoWorkingTime, add_business_minutes, spec_for
from loopdesk.sla.models import BusinessCalendar, CalendarInterval, SlaPolicy, TicketClock
from loopdesk.sla.services.calendars import (
    WeeklyInterval,
    calendar_create,
    calendar_delete,
    calendar_due,
    calendar_exception_delete,
    calendar_exception_set,
    calendar_recompute_open_tickets,
    calendar_update,
    calendar_with_hours,
)
from loopdesk.sla.services.policies import TargetSpec, sla_policy_create
from loopdesk.tickets.tests.factories import make_ticket

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _split_week():
    return [
        WeeklyInterval(d, start, end)
        for d in range(5)
        for start, end in ((time(9), time(12)), (time(13, 30), time(18)))
    ]


def test_create_with_split_shifts():
    calendar = calendar_create(name=" Support ", timezone="Asia/Shanghai", intervals=_split_week())
    assert calendar.name == "Support"
    assert CalendarInterval.objects.filter(calendar=calendar).count() == 10


@pytest.mark.parametrize(
    ("intervals", "timezone", "field"),
    [
        ([WeeklyInterval(0, time(18), time(9))], "Asia/Shanghai", "intervals"),  # inverted
        ([WeeklyInterval(0, time(9), time(9))], "Asia/Shanghai", "intervals"),  # empty
        (
            [WeeklyInterval(0, time(9), time(12)), WeeklyInterval(0, time(11), time(14))],
            "Asia/Shanghai",
            "intervals",
        ),  # overlapping
        ([WeeklyInterval(7, time(9), time(12))], "Asia/Shanghai", "intervals"),
        ([WeeklyInterval(0, time(9), time(12))], "Mars/Olympus_Mons", "timezone"),
        ([WeeklyInterval(0, time(9), time(12))], "../../etc/passwd", "timezone"),
        ([WeeklyInterval(0, time(9), time(12))], "", "timezone"),
    ],
    ids=["inverted", "empty", "overlap", "weekday-7", "unknown-tz", "path-tz", "blank-tz"],
)
def test_bad_calendar_is_refused_and_nothing_saved(intervals, timezone, field):
    with pytest.raises(ValidationFailed) as exc:
        calendar_create(name="Bad", timezone=timezone, intervals=intervals)
    assert exc.value.field == field
    assert not BusinessCalendar.objects.exists()
    assert not CalendarInterval.objects.exists()


def test_touching_intervals_are_fine_and_24_00_is_end_of_day():
    calendar = calendar_create(
        name="Round the clock",
        timezone="UTC",
        intervals=[WeeklyInterval(0, time(0), time(12)), WeeklyInterval(0, time(12), END_OF_DAY)],
    )
    assert calendar.intervals.count() == 2


def test_duplicate_name():
    calendar_create(name="A", timezone="UTC", intervals=[])
    with pytest.raises(ValidationFailed) as exc:
        calendar_create(name="A", timezone="UTC", intervals=[])
    assert exc.value.field == "name"
    assert BusinessCalendar.objects.count() == 1


def test_update_bad_intervals_keeps_old_hours_and_name():
    calendar = calendar_create(name="Old", timezone="Asia/Shanghai", intervals=_split_week())
    with pytest.raises(ValidationFailed):
        calendar_update(
            calendar=calendar,
            name="New",
            intervals=[WeeklyInterval(1, time(10), time(9))],
        )
    calendar.refresh_from_db()
    assert calendar.name == "Old"
    assert calendar.intervals.count() == 10


def test_update_replaces_hours_and_timezone():
    calendar = calendar_create(name="C", timezone="Asia/Shanghai", intervals=_split_week())
    calendar_update(
        calendar=calendar, timezone="Europe/Berlin", intervals=[WeeklyInterval(0, time(8), time(9))]
    )
    calendar.refresh_from_db()
    assert calendar.timezone == "Europe/Berlin"
    assert [(i.weekday, i.start) for i in calendar.intervals.all()] == [(0, time(8))]


def test_delete_refused_while_a_policy_uses_it():
    calendar = calendar_create(name="Used", timezone="UTC", intervals=[])
    SlaPolicy.objects.create(name="P", calendar=calendar)
    with pytest.raises(Conflict):
        calendar_delete(calendar=calendar)
    assert BusinessCalendar.objects.filter(pk=calendar.pk).exists()


@pytest.mark.parametrize(
    ("kind", "intervals"),
    [
        ("closed", [["09:00", "12:00"]]),
        ("working", [["12:00", "09:00"]]),
        ("working", [["09:00", "12:00"], ["11:00", "13:00"]]),
        ("working", [["9am", "12:00"]]),
        ("working", [["09:00"]]),
        ("holiday", []),
    ],
    ids=["closed-with-hours", "inverted", "overlap", "not-a-time", "half-pair", "unknown-kind"],
)
def test_bad_exception_is_refused(kind, intervals):
    calendar = calendar_create(name="E", timezone="UTC", intervals=[])
    with pytest.raises(ValidationFailed):
        calendar_exception_set(
            calendar=calendar, day=date(2025, 5, 1), kind=kind, intervals=intervals
        )
    assert not calendar.exceptions.exists()


def test_exception_set_and_delete():
    calendar = calendar_create(name="E", timezone="Asia/Shanghai", intervals=_split_week())
    calendar_exception_set(
        calendar=calendar,
        day=date(2025, 11, 8),  # a Saturday worked in the evening only
        kind="working",
        intervals=[["18:00", "24:00"]],
    )
    loaded = calendar_with_hours(calendar.pk)
    due = calendar_due(calendar=loaded, start=datetime(2025, 11, 8, 8, tzinfo=SH), minutes=30)
    assert due == datetime(2025, 11, 8, 18, 30, tzinfo=SH)
    assert calendar_exception_delete(calendar=calendar, day=date(2025, 11, 8)) == 1


@pytest.mark.parametrize("minutes", [-5, 10**9, 10_000_001])
def test_due_minutes_out_of_range(minutes):
    calendar = calendar_create(name="D", timezone="UTC", intervals=_split_week())
    with pytest.raises(ValidationFailed) as exc:
        calendar_due(calendar=calendar, start=datetime(2025, 1, 1, tzinfo=SH), minutes=minutes)
    assert exc.value.field == "minutes"


def test_due_naive_start_is_refused():
    calendar = calendar_create(name="D", timezone="UTC", intervals=_split_week())
    with pytest.raises(ValidationFailed) as exc:
        calendar_due(calendar=calendar, start=datetime(2025, 1, 1), minutes=5)  # noqa: DTZ001
    assert exc.value.field == "start"


def test_due_on_calendar_without_hours_is_a_clear_error():
    calendar = calendar_create(name="Empty", timezone="UTC", intervals=[])
    with pytest.raises(NoWorkingTime):
        calendar_due(
            calendar=calendar_with_hours(calendar.pk),
            start=datetime(2025, 1, 1, tzinfo=SH),
            minutes=5,
        )


def test_recompute_after_a_calendar_change(team_a):
    calendar = calendar_create(name="Office", timezone="Asia/Shanghai", intervals=_split_week())
    sla_policy_create(
        name="All", calendar=calendar, targets=[TargetSpec("first_response", 60, None)]
    )
    ticket = make_ticket(team=team_a)
    clock = TicketClock.objects.get(ticket=ticket, metric="first_response")
    before = clock.due_at
    assert before == add_business_minutes(
        spec_for(calendar_with_hours(calendar.pk)), clock.started_at, 60
    )
    # The office now opens Saturdays only, 10:00–11:00.
    calendar_update(calendar=calendar, intervals=[WeeklyInterval(5, time(10), time(11))])
    clock.refresh_from_db()
    assert clock.due_at == before  # stored deadlines wait for a recompute
    assert calendar_recompute_open_tickets(calendar=calendar) == 1
    clock.refresh_from_db()
    expected = add_business_minutes(
        spec_for(calendar_with_hours(calendar.pk)), clock.started_at, 60
    )
    assert clock.due_at == expected != before
    assert expected.astimezone(SH).weekday() == 5
    other = calendar_create(name="Unused", timezone="UTC", intervals=[])
    assert calendar_recompute_open_tickets(calendar=other) == 0
