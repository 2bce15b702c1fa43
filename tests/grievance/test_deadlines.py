from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grievance.deadlines import (
    ACKNOWLEDGEMENT,
    FEEDBACK,
    acknowledgement_due,
    add_months,
    add_months_to_date,
    feedback_due,
    months_before_ranges,
    next_deadline,
)


@dataclass
class FakeCase:
    created_at: datetime
    acknowledged_at: datetime | None = None
    feedback_given_at: datetime | None = None
    state: str = "received"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2023, 11, 29), 3, date(2024, 2, 29)),
        (date(2024, 3, 31), 3, date(2024, 6, 30)),
        (date(2024, 10, 31), 3, date(2025, 1, 31)),
        (date(2024, 12, 15), 3, date(2025, 3, 15)),
        (date(2024, 5, 31), -3, date(2024, 2, 29)),
    ],
)
def test_calendar_months_clamp_to_the_end_of_the_month(start, months, expected):
    assert add_months_to_date(start, months) == expected


def test_acknowledgement_is_due_seven_days_after_receipt():
    assert acknowledgement_due(utc(2024, 2, 26, 10)) == utc(2024, 3, 4, 10)


def test_feedback_is_due_three_months_after_acknowledgement():
    assert feedback_due(utc(2024, 1, 2), utc(2024, 1, 31, 9)) == utc(2024, 4, 30, 9)
    assert feedback_due(utc(2023, 11, 1), utc(2023, 11, 30, 18)) == utc(2024, 2, 29, 18)


def test_feedback_without_acknowledgement_is_three_months_after_the_seven_day_period():
    # received 24 Jan, the 7-day period ends 31 Jan, three months later is 30 April (clamped)
    assert feedback_due(utc(2024, 1, 24, 8), None) == utc(2024, 4, 30, 8)
    assert feedback_due(utc(2024, 3, 1), None) == utc(2024, 6, 8)


def test_deadlines_are_computed_in_utc_whatever_the_zone_given():
    # 1 Feb 00:30 in Berlin is still 31 January in UTC
    berlin = datetime(2024, 2, 1, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert add_months(berlin, 1) == utc(2024, 2, 29, 23, 30)
    # 31 Jan 20:00 in New York is 1 Feb in UTC
    new_york = datetime(2024, 1, 31, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert add_months(new_york, 1) == utc(2024, 3, 1, 1, 0)
    kolkata = timezone(timedelta(hours=5, minutes=30))
    acknowledged = datetime(2024, 1, 1, 2, 0, tzinfo=kolkata)
    assert feedback_due(utc(2024, 1, 1), acknowledged) == utc(2024, 3, 31, 20, 30)
    assert add_months(berlin, 1).tzinfo == UTC


def test_daylight_saving_changes_do_not_move_a_deadline():
    before_switch = datetime(2024, 3, 30, 12, tzinfo=ZoneInfo("Europe/Paris"))
    assert acknowledgement_due(before_switch) - before_switch == timedelta(days=7)
    assert acknowledgement_due(before_switch) == utc(2024, 4, 6, 11)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_months(datetime(2024, 1, 31), 1)  # noqa: DTZ001
    with pytest.raises(ValueError):
        next_deadline(FakeCase(utc(2024, 1, 1)), datetime(2024, 1, 2))  # noqa: DTZ001


def test_next_deadline_moves_from_acknowledgement_to_feedback_to_none():
    case = FakeCase(utc(2024, 1, 31, 10))
    first = next_deadline(case, utc(2024, 2, 1))
    assert first is not None and first.kind == ACKNOWLEDGEMENT and first.due == utc(2024, 2, 7, 10)
    assert not first.overdue
    assert next_deadline(case, utc(2024, 2, 7, 10, 0, 1)).overdue  # type: ignore[union-attr]

    case.acknowledged_at = utc(2024, 2, 5, 9)
    second = next_deadline(case, utc(2024, 2, 6))
    assert second is not None and second.kind == FEEDBACK and second.due == utc(2024, 5, 5, 9)
    assert not second.overdue
    assert next_deadline(case, utc(2024, 5, 5, 9, 1)).overdue  # type: ignore[union-attr]

    case.feedback_given_at = utc(2024, 3, 1)
    assert next_deadline(case, utc(2024, 6, 1)) is None


def test_concluded_cases_have_no_deadline():
    case = FakeCase(utc(2020, 1, 1), state="concluded")
    assert next_deadline(case, utc(2024, 1, 1)) is None


moments = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@given(moments, moments)
def test_sql_bounds_agree_with_the_python_rule(candidate, now):
    """The range form used for SQL filters says 'more than 3 months ago' exactly when add_months does."""
    bounds = months_before_ranges(3, now)
    in_ranges = candidate < bounds.before or any(start <= candidate < end for start, end in bounds.same_day)
    assert in_ranges == (add_months(candidate, 3) < now)


@pytest.mark.parametrize(
    "now",
    [
        utc(2025, 2, 28, 12),
        utc(2024, 2, 29, 0, 0, 1),
        utc(2024, 3, 1),
        utc(2025, 2, 28, 0),
        utc(2024, 6, 30, 23),
    ],
)
def test_sql_bounds_at_month_ends(now):
    bounds = months_before_ranges(3, now)
    start = now - timedelta(days=95)
    step = timedelta(minutes=30)
    candidate = start
    while candidate < now - timedelta(days=85):
        in_ranges = candidate < bounds.before or any(a <= candidate < b for a, b in bounds.same_day)
        assert in_ranges == (add_months(candidate, 3) < now), candidate
        candidate += step
