"""The usage report's pure core: suppression, Norwegian numbers, median, report periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsnakk_bot.domain.report import (
    SUPPRESS_BELOW,
    Figure,
    Period,
    PeriodProblem,
    format_number,
    median,
    parse_period,
    shown,
)

OSLO = ZoneInfo("Europe/Oslo")
# Tuesday 20 October 2026, 13:00 in Oslo (summer time, +02:00).
NOW = datetime(2026, 10, 20, 13, 0, tzinfo=OSLO)


def ms(year: int, month: int, day: int, hour: int = 0) -> int:
    return int(datetime(year, month, day, hour, tzinfo=OSLO).timestamp() * 1000)


def period(text: str, now: datetime = NOW) -> Period:
    result = parse_period(text, now)
    assert isinstance(result, Period), f"{text!r} gave {result}"
    return result


# -- suppression --------------------------------------------------------------------------


def test_suppression_threshold_is_five() -> None:
    assert SUPPRESS_BELOW == 5


@pytest.mark.parametrize(("count", "expected"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, "5")])
def test_a_count_below_five_is_suppressed_and_five_is_shown(count: int, expected: str) -> None:
    assert shown(Figure("rooms_created", count, count)) == expected


def test_a_median_over_four_rooms_is_suppressed_whatever_its_value() -> None:
    assert shown(Figure("median_hours_proposal_to_approval", 31.5, 4)) == "<5"


def test_a_median_over_five_rooms_is_shown() -> None:
    assert shown(Figure("median_hours_proposal_to_approval", 31.5, 5)) == "31,5"


def test_a_count_like_value_below_five_is_suppressed_even_if_count_is_large() -> None:
    assert shown(Figure("varsler_failed", 3, 40)) == "<5"


def test_a_small_rate_over_many_rooms_is_shown() -> None:
    assert shown(Figure("messages_per_room_per_week", 0.5, 12)) == "0,5"


def test_a_figure_with_nothing_to_measure_shows_a_dash() -> None:
    assert shown(Figure("share_summary_within_24h", None, 6)) == "–"


# -- Norwegian numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.5, "3,5"),
        (3.46, "3,5"),
        (2.25, "2,3"),  # half up, not banker's rounding
        (3.0, "3"),
        (12, "12"),
        (1234.04, "1234"),
        (0.04, "0"),
        (87.5, "87,5"),
    ],
)
def test_numbers_use_a_decimal_comma_and_one_decimal(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_more_decimals_can_be_asked_for() -> None:
    assert format_number(2 / 3, decimals=2) == "0,67"


# -- median -------------------------------------------------------------------------------


def test_median_of_an_odd_number_of_values_is_the_middle_one() -> None:
    assert median([9.0, 1.0, 4.0]) == 4.0


def test_median_of_an_even_number_of_values_is_the_mean_of_the_middle_two() -> None:
    assert median([1, 2, 10, 20]) == 6.0


def test_median_of_no_values_is_none() -> None:
    assert median([]) is None


def test_median_takes_a_generator() -> None:
    assert median(x / 2 for x in (2, 4, 6)) == 2.0


# -- periods ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["måned", "  MÅNED ", "maned", "mnd", ""])
def test_maned_is_this_month_so_far(text: str) -> None:
    p = period(text)
    assert (p.start_ms, p.end_ms) == (ms(2026, 10, 1), ms(2026, 10, 20, 13))
    assert (p.first_day, p.last_day) == (date(2026, 10, 1), date(2026, 10, 20))


def test_maned_uses_the_oslo_month_even_when_utc_is_still_in_the_last_one() -> None:
    # 1 October 00:30 in Oslo is 30 September 22:30 UTC.
    now = datetime(2026, 9, 30, 22, 30, tzinfo=UTC)
    p = period("måned", now)
    assert p.start_ms == ms(2026, 10, 1)
    assert p.end_ms - p.start_ms == 30 * 60 * 1000


def test_forrige_maned_is_the_whole_previous_month() -> None:
    p = period("forrige måned")
    assert (p.start_ms, p.end_ms) == (ms(2026, 9, 1), ms(2026, 10, 1))


def test_forrige_maned_in_january_is_last_december() -> None:
    p = period("forrige måned", datetime(2027, 1, 10, 12, tzinfo=OSLO))
    assert (p.start_ms, p.end_ms) == (ms(2026, 12, 1), ms(2027, 1, 1))


@pytest.mark.parametrize("text", ["2026-09", "september 2026", "sep 2026", "Sept. 2026"])
def test_a_past_month_is_the_whole_month(text: str) -> None:
    p = period(text)
    assert (p.start_ms, p.end_ms) == (ms(2026, 9, 1), ms(2026, 10, 1))


def test_december_ends_at_new_year() -> None:
    p = period("2025-12")
    assert (p.start_ms, p.end_ms) == (ms(2025, 12, 1), ms(2026, 1, 1))
    assert (p.first_day, p.last_day) == (date(2025, 12, 1), date(2025, 12, 31))


def test_the_current_month_is_cut_off_at_now() -> None:
    p = period("2026-10")
    assert (p.start_ms, p.end_ms) == (ms(2026, 10, 1), ms(2026, 10, 20, 13))


@pytest.mark.parametrize(
    "text",
    [
        "2026-09-01..2026-10-15",
        "2026-09-01...2026-10-15",
        "2026-09-01 .. 2026-10-15",
        "2026-09-01…2026-10-15",
        "1.9.2026..15.10.2026",
        "01.09.2026..2026-10-15",
    ],
)
def test_a_date_range_includes_both_days(text: str) -> None:
    p = period(text)
    assert (p.start_ms, p.end_ms) == (ms(2026, 9, 1), ms(2026, 10, 16))
    assert (p.first_day, p.last_day) == (date(2026, 9, 1), date(2026, 10, 15))


def test_a_range_across_the_dst_change_starts_and_ends_at_oslo_midnight() -> None:
    # Summer time ends on 25 October 2026: that day has 25 hours.
    p = period("2026-10-25..2026-10-25", datetime(2026, 11, 2, tzinfo=OSLO))
    assert p.end_ms - p.start_ms == 25 * 3600 * 1000


def test_a_range_of_months_runs_from_the_first_to_the_last_day() -> None:
    p = period("2026-08..2026-09")
    assert (p.start_ms, p.end_ms) == (ms(2026, 8, 1), ms(2026, 10, 1))


def test_a_range_ending_today_is_cut_off_at_now() -> None:
    p = period("2026-10-01..2026-10-20")
    assert (p.start_ms, p.end_ms) == (ms(2026, 10, 1), ms(2026, 10, 20, 13))


def test_a_single_day_is_that_day() -> None:
    p = period("2026-10-19")
    assert (p.start_ms, p.end_ms) == (ms(2026, 10, 19), ms(2026, 10, 20))


def test_weeks_of_a_period() -> None:
    assert period("2026-09-07..2026-09-20").weeks == 2.0


@pytest.mark.parametrize(
    "text", ["2026-11", "november 2026", "2026-10-21", "2026-10-01..2026-10-21", "2027-01..2027-02"]
)
def test_a_period_in_the_future_is_refused(text: str) -> None:
    assert parse_period(text, NOW) is PeriodProblem.FUTURE


@pytest.mark.parametrize(
    "text", ["2026-10-15..2026-09-01", "2026-10..2026-09", "15.10.2026..1.9.2026"]
)
def test_a_reversed_range_is_refused(text: str) -> None:
    assert parse_period(text, NOW) is PeriodProblem.REVERSED


@pytest.mark.parametrize(
    "text",
    [
        "i går",
        "2026",
        "2026-13",
        "2026-02-30",
        "31.9.2026",
        "2026-09-01..",
        "..2026-09-01",
        "2026-09-01..2026-09-05..2026-09-09",
        "smørbrød 2026",
        "1.9..15.10",
    ],
)
def test_junk_is_unreadable(text: str) -> None:
    assert parse_period(text, NOW) is PeriodProblem.UNREADABLE


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_period("måned", datetime(2026, 10, 20, 13))


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        Period(10, 5)


def test_an_empty_period_has_zero_weeks_and_one_day() -> None:
    # At midnight on the 1st, this month so far is empty.
    p = period("måned", datetime(2026, 10, 1, tzinfo=OSLO))
    assert p.weeks == 0
    assert p.first_day == p.last_day == date(2026, 10, 1)
    assert timedelta(milliseconds=p.end_ms - p.start_ms) == timedelta(0)


# -- properties ---------------------------------------------------------------------------

_days = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 10, 20))


@given(first=_days, last=_days)
def test_any_past_range_parses_to_its_days_or_is_reversed(first: date, last: date) -> None:
    result = parse_period(f"{first.isoformat()}..{last.isoformat()}", NOW)
    if last < first:
        assert result is PeriodProblem.REVERSED
    else:
        assert isinstance(result, Period)
        assert (result.first_day, result.last_day) == (first, last)
        assert result.end_ms <= ms(2026, 10, 20, 13)


@given(st.text(max_size=40))
def test_nothing_typed_breaks_the_parser(text: str) -> None:
    assert isinstance(parse_period(text, NOW), Period | PeriodProblem)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.integers(5, 10_000))
def test_a_shown_value_is_a_norwegian_number(value: float, count: int) -> None:
    text = shown(Figure("messages_per_room_per_week", value, count))
    assert "." not in text
    assert float(text.replace(",", ".")) == pytest.approx(value, abs=0.05 + 1e-9)  # half up
