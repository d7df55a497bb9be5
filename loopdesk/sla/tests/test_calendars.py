"""Business-time arithmetic (pure): worked case, split shifts, DST, make-up days, year ends."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loopdesk.sla.calendars import (
    ALWAYS_OPEN,
    END_OF_DAY,
    CalendarSpec,
    NoWorkingTime,
    OutOfRange,
    add_business_minutes,
    add_business_seconds,
    business_minutes_between,
    business_seconds_between,
    parse_wall_time,
)

SH = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NINE_SIX = ((time(9), time(18)),)
SPLIT = ((time(9), time(12)), (time(13, 30), time(18)))


def weekdays(spans):
    return {d: spans for d in range(5)}


def china(year_spans=NINE_SIX, years=(2025, 2026)):
    exceptions = {}
    for day in chinese_calendar.holidays:
        if day.year in years:
            exceptions[day] = ()
    for day in chinese_calendar.workdays:
        if day.year in years and day.weekday() >= 5:
            exceptions[day] = year_spans
    return CalendarSpec(tz=SH, weekly=weekdays(year_spans), exceptions=exceptions)


def sh(*args):
    return datetime(*args, tzinfo=SH)


def test_worked_case_national_day_2025():
    spec = china()
    due = add_business_minutes(spec, sh(2025, 9, 30, 17, 0), 8 * 60)
    assert due == sh(2025, 10, 9, 16, 0)
    assert due.tzinfo == UTC
    assert business_minutes_between(spec, sh(2025, 9, 30, 17, 0), due) == 480


def test_make_up_sunday_is_worked():
    spec = china()
    # Saturday 2025-09-27 17:00: nothing on Saturday, Sunday 09-28 is a make-up working day.
    assert add_business_minutes(spec, sh(2025, 9, 27, 17), 60) == sh(2025, 9, 28, 10)
    assert business_minutes_between(spec, sh(2025, 9, 28, 0), sh(2025, 9, 29, 0)) == 9 * 60


def test_make_up_saturday_2025_10_11():
    spec = china()
    assert add_business_minutes(spec, sh(2025, 10, 10, 17, 30), 60) == sh(2025, 10, 11, 9, 30)


def test_split_shift_skips_lunch():
    spec = CalendarSpec(tz=SH, weekly=weekdays(SPLIT))
    assert add_business_minutes(spec, sh(2025, 11, 3, 11), 90) == sh(2025, 11, 3, 14)
    assert business_minutes_between(spec, sh(2025, 11, 3, 11), sh(2025, 11, 3, 14)) == 90


def test_interval_end_is_exclusive_and_start_outside_hours():
    spec = CalendarSpec(tz=SH, weekly=weekdays(NINE_SIX))
    # Exactly the remaining hour: due at 18:00, not the next morning.
    assert add_business_minutes(spec, sh(2025, 11, 3, 17), 60) == sh(2025, 11, 3, 18)
    # Started at 18:00 (closed): the first minute is worked the next morning.
    assert add_business_minutes(spec, sh(2025, 11, 3, 18), 1) == sh(2025, 11, 4, 9, 1)
    # Friday evening to Monday.
    assert add_business_minutes(spec, sh(2025, 11, 7, 17, 30), 60) == sh(2025, 11, 10, 9, 30)


def test_zero_and_reversed():
    spec = CalendarSpec(tz=SH, weekly=weekdays(NINE_SIX))
    start = sh(2025, 11, 8, 3)  # a Saturday night
    assert add_business_seconds(spec, start, 0) == start
    assert business_seconds_between(spec, sh(2025, 11, 4, 12), sh(2025, 11, 4, 10)) == 0


def test_year_boundary_new_year_holiday():
    spec = china()
    # Wed 2025-12-31 17:00 + 2h: 1h on New Year's Eve, 2026-01-01..03 holidays, Sunday 01-04
    # is a make-up working day in 2026.
    assert add_business_minutes(spec, sh(2025, 12, 31, 17), 120) == sh(2026, 1, 4, 10)


def test_dst_spring_forward_day_keeps_eight_hours():
    spec = CalendarSpec(tz=BERLIN, weekly={d: ((time(9), time(17)),) for d in range(7)})
    day_start = datetime(2025, 3, 30, tzinfo=BERLIN)
    assert business_seconds_between(spec, day_start, day_start + timedelta(days=1)) == 8 * 3600
    assert add_business_minutes(spec, datetime(2025, 3, 30, 9, tzinfo=BERLIN), 480) == datetime(
        2025, 3, 30, 15, tzinfo=UTC
    )


def test_dst_skipped_hour_is_not_worked():
    # 00:00–02:30 on the spring-forward night: 02:00–02:30 never exists -> 2 h, not 2.5 h.
    spec = CalendarSpec(tz=BERLIN, weekly={d: ((time(0), time(2, 30)),) for d in range(7)})
    assert spec.utc_intervals(date(2025, 3, 30)) == (
        (datetime(2025, 3, 29, 23, tzinfo=UTC), datetime(2025, 3, 30, 1, tzinfo=UTC)),
    )
    # An interval wholly inside the skipped hour is empty.
    gap = CalendarSpec(tz=BERLIN, weekly={6: ((time(2), time(2, 59)),)})
    assert gap.utc_intervals(date(2025, 3, 30)) == ()
    # One starting inside the gap begins at the switch (03:00 CEST).
    late = CalendarSpec(tz=BERLIN, weekly={6: ((time(2, 30), time(4)),)})
    assert late.utc_intervals(date(2025, 3, 30)) == (
        (datetime(2025, 3, 30, 1, tzinfo=UTC), datetime(2025, 3, 30, 2, tzinfo=UTC)),
    )


def test_dst_fall_back_repeated_hour_counts_twice_in_a_full_day():
    spec = CalendarSpec(tz=NEW_YORK, weekly={d: ((time(0), END_OF_DAY),) for d in range(7)})
    start = datetime(2025, 11, 2, tzinfo=NEW_YORK)
    end = datetime(2025, 11, 3, tzinfo=NEW_YORK)
    assert business_seconds_between(spec, start, end) == 25 * 3600


def test_dst_fall_back_day_keeps_eight_office_hours():
    spec = CalendarSpec(tz=NEW_YORK, weekly={6: ((time(9), time(17)),)})
    start = datetime(2025, 11, 2, tzinfo=NEW_YORK)
    assert business_seconds_between(spec, start, start + timedelta(days=1)) == 8 * 3600
    assert add_business_minutes(spec, start, 60) == datetime(2025, 11, 2, 15, tzinfo=UTC)


def test_always_open_is_calendar_time():
    start = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert add_business_minutes(ALWAYS_OPEN, start, 60) == datetime(2026, 1, 1, 0, 30, tzinfo=UTC)
    assert business_minutes_between(ALWAYS_OPEN, start, start + timedelta(days=3)) == 3 * 1440


def test_no_working_time_raises_instead_of_looping():
    with pytest.raises(NoWorkingTime):
        add_business_minutes(CalendarSpec(tz=SH, weekly={}), sh(2025, 1, 1), 1)
    # Hours exist only on one past exception date: the horizon stops the search.
    past_only = CalendarSpec(tz=SH, weekly={}, exceptions={date(2020, 1, 1): NINE_SIX})
    with pytest.raises(NoWorkingTime):
        add_business_minutes(past_only, sh(2025, 1, 1), 1)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_business_minutes(ALWAYS_OPEN, datetime(2025, 1, 1), 1)  # noqa: DTZ001
    with pytest.raises(ValueError):
        add_business_seconds(ALWAYS_OPEN, sh(2025, 1, 1), -1)


def test_specs_compare_and_hash_by_content():
    one, two = china(), china()
    two.utc_intervals(date(2025, 1, 1))  # a filled cache does not change equality
    assert one == two and hash(one) == hash(two)
    assert len({one, two, ALWAYS_OPEN}) == 2


def test_edges_of_the_datetime_range_are_a_clear_error():
    with pytest.raises(OutOfRange):
        add_business_minutes(ALWAYS_OPEN, datetime(9999, 12, 31, 23, tzinfo=UTC), 120)
    with pytest.raises(OutOfRange):
        business_seconds_between(
            ALWAYS_OPEN, datetime(1, 1, 1, tzinfo=SH), datetime(1, 1, 2, tzinfo=SH)
        )


def test_parse_wall_time():
    assert parse_wall_time("24:00") == END_OF_DAY
    assert parse_wall_time(" 13:30 ") == time(13, 30)
    with pytest.raises(ValueError):
        parse_wall_time("25:00")


def test_large_target_terminates_quickly():
    due = add_business_minutes(china(), sh(2025, 1, 1), 10_000_000)
    assert due.year > 2060


# --- properties ---------------------------------------------------------------------------

SPECS = [
    china(),
    CalendarSpec(tz=SH, weekly=weekdays(SPLIT)),
    CalendarSpec(
        tz=BERLIN, weekly={d: ((time(0), time(2, 30)), (time(9), time(17))) for d in range(6)}
    ),
    CalendarSpec(
        tz=NEW_YORK, weekly={d: ((time(1), time(3)), (time(22), END_OF_DAY)) for d in range(7)}
    ),
    ALWAYS_OPEN,
]
instants = st.datetimes(
    min_value=datetime(2024, 12, 1),
    max_value=datetime(2026, 11, 30),  # noqa: DTZ001
).map(lambda d: d.replace(microsecond=0, tzinfo=UTC))  # whole seconds: the unit of the API


@settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(SPECS), start=instants, seconds=st.integers(0, 40 * 24 * 3600))
def test_add_then_between_round_trips(spec, start, seconds):
    due = add_business_seconds(spec, start, seconds)
    assert due >= start
    assert business_seconds_between(spec, start, due) == seconds


@settings(max_examples=200, deadline=None)
@given(
    spec=st.sampled_from(SPECS),
    start=st.datetimes(
        min_value=datetime(2024, 12, 1),
        max_value=datetime(2026, 11, 30),  # noqa: DTZ001
    ).map(lambda d: d.replace(tzinfo=UTC)),
    seconds=st.integers(0, 10 * 24 * 3600),
)
def test_round_trip_holds_for_starts_with_microseconds(spec, start, seconds):
    assert business_seconds_between(spec, start, add_business_seconds(spec, start, seconds)) == (
        seconds
    )


@settings(max_examples=200, deadline=None)
@given(
    spec=st.sampled_from(SPECS),
    start=instants,
    a=st.integers(0, 20 * 24 * 3600),
    b=st.integers(0, 20 * 24 * 3600),
)
def test_monotonic_and_additive(spec, start, a, b):
    small, large = sorted((a, b))
    assert add_business_seconds(spec, start, small) <= add_business_seconds(spec, start, large)
    # Adding in two steps ends where adding at once does.
    assert add_business_seconds(spec, add_business_seconds(spec, start, small), large) == (
        add_business_seconds(spec, start, small + large)
    )


@settings(max_examples=200, deadline=None)
@given(spec=st.sampled_from(SPECS), x=instants, y=instants, z=instants)
def test_between_is_additive_over_a_split_point(spec, x, y, z):
    a, b, c = sorted((x, y, z))
    assert business_seconds_between(spec, a, c) == (
        business_seconds_between(spec, a, b) + business_seconds_between(spec, b, c)
    )
