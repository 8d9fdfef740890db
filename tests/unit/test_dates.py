"""Norwegian meeting times for «!møte ny» and «!møte flytt»: every form, every problem, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from samsnakk_bot.domain.dates import (
    DateProblem,
    When,
    format_short,
    format_when_no,
    parse_when,
)

OSLO = ZoneInfo("Europe/Oslo")
# Monday 16 November 2026, 09:00 in Oslo (winter time, +01:00).
MONDAY_9 = datetime(2026, 11, 16, 9, 0, tzinfo=OSLO)


def oslo(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def parse(text: str, now: datetime = MONDAY_9) -> When:
    result = parse_when(text.split(), now)
    assert isinstance(result, When), f"{text!r} gave {result}"
    return result


def problem(text: str, now: datetime = MONDAY_9) -> DateProblem | When:
    return parse_when(text.split(), now)


def local(when: When) -> tuple[int, int, int, int, int]:
    start = when.start
    return (start.year, start.month, start.day, start.hour, start.minute)


@pytest.mark.parametrize(
    ("text", "expected", "consumed"),
    [
        ("3.12 kl 10", (2026, 12, 3, 10, 0), 3),
        ("3.12 10", (2026, 12, 3, 10, 0), 2),
        ("3.12. kl 10:30", (2026, 12, 3, 10, 30), 3),
        ("03.12.2026 10.30", (2026, 12, 3, 10, 30), 2),
        ("3/12 10", (2026, 12, 3, 10, 0), 2),
        ("3/12/2026 10", (2026, 12, 3, 10, 0), 2),
        ("3.12.26 10", (2026, 12, 3, 10, 0), 2),
        ("3.12 kl. 9", (2026, 12, 3, 9, 0), 3),
        ("3.12 kl10", (2026, 12, 3, 10, 0), 2),
        ("3.12 KL 10:30", (2026, 12, 3, 10, 30), 3),
        ("3.12 klokka 10", (2026, 12, 3, 10, 0), 3),
        ("3.12 0", (2026, 12, 3, 0, 0), 2),
        ("3.12 23:59", (2026, 12, 3, 23, 59), 2),
        ("3.12, kl 10", (2026, 12, 3, 10, 0), 3),
    ],
)
def test_numeric_dates(text: str, expected: tuple[int, ...], consumed: int) -> None:
    when = parse(text)

    assert local(when) == expected
    assert when.consumed == consumed
    assert when.duration == timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected", "consumed"),
    [
        ("3. desember 10:00", (2026, 12, 3, 10, 0), 3),
        ("3 desember kl 10", (2026, 12, 3, 10, 0), 4),
        ("3. des 10", (2026, 12, 3, 10, 0), 3),
        ("3. des. 10", (2026, 12, 3, 10, 0), 3),
        ("3.des 10", (2026, 12, 3, 10, 0), 2),
        ("3. Desember 2026 10:00", (2026, 12, 3, 10, 0), 4),
        ("3. DESEMBER 2027 kl 10", (2027, 12, 3, 10, 0), 5),
    ],
)
def test_month_names(text: str, expected: tuple[int, ...], consumed: int) -> None:
    when = parse(text)

    assert local(when) == expected
    assert when.consumed == consumed


@pytest.mark.parametrize(
    ("name", "month"),
    [
        *[
            (name, number)
            for number, names in enumerate(
                [
                    ["januar", "jan"],
                    ["februar", "feb"],
                    ["mars", "mar"],
                    ["april", "apr"],
                    ["mai"],
                    ["juni", "jun"],
                    ["juli", "jul"],
                    ["august", "aug"],
                    ["september", "sep", "sept"],
                    ["oktober", "okt"],
                    ["november", "nov"],
                    ["desember", "des"],
                ],
                start=1,
            )
            for name in names
        ]
    ],
)
def test_every_month_name_and_abbreviation(name: str, month: int) -> None:
    assert local(parse(f"15. {name} 2027 10")) == (2027, month, 15, 10, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i dag 14", (2026, 11, 16, 14, 0)),
        ("idag 14", (2026, 11, 16, 14, 0)),
        ("i morgen 14", (2026, 11, 17, 14, 0)),
        ("imorgen 14", (2026, 11, 17, 14, 0)),
        ("i morgen kl 14:30", (2026, 11, 17, 14, 30)),
        ("I MORGEN kl. 8", (2026, 11, 17, 8, 0)),
        ("iovermorgen 9", (2026, 11, 18, 9, 0)),
        ("i overmorgen 9", (2026, 11, 18, 9, 0)),
    ],
)
def test_relative_days(text: str, expected: tuple[int, ...]) -> None:
    assert local(parse(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # It is Monday 09:00: a Monday time still ahead is today, one already gone is next week.
        ("mandag 10", (2026, 11, 16, 10, 0)),
        ("på mandag kl 10", (2026, 11, 16, 10, 0)),
        ("mandag 8", (2026, 11, 23, 8, 0)),
        ("neste mandag 10", (2026, 11, 23, 10, 0)),
        ("tirsdag 10", (2026, 11, 17, 10, 0)),
        ("neste tirsdag 10", (2026, 11, 17, 10, 0)),
        ("på neste fredag kl 12:15", (2026, 11, 20, 12, 15)),
        ("søndag 10", (2026, 11, 22, 10, 0)),
        ("Lørdag 10", (2026, 11, 21, 10, 0)),
        ("ons 10", (2026, 11, 18, 10, 0)),
        ("fredag 4.12 kl 10", (2026, 12, 4, 10, 0)),
        ("fredag 4. desember 10", (2026, 12, 4, 10, 0)),
        ("mandag 10.30", (2026, 11, 16, 10, 30)),
    ],
)
def test_weekdays(text: str, expected: tuple[int, ...]) -> None:
    assert local(parse(text)) == expected


def test_weekday_that_does_not_match_the_date_is_impossible() -> None:
    assert problem("torsdag 4.12 kl 10") is DateProblem.IMPOSSIBLE


@pytest.mark.parametrize(
    ("text", "consumed"),
    [("2026-12-03T10:00", 1), ("2026-12-03 10:00", 2), ("2026-12-03 10", 2)],
)
def test_iso(text: str, consumed: int) -> None:
    when = parse(text)

    assert local(when) == (2026, 12, 3, 10, 0)
    assert when.consumed == consumed


def test_date_without_year_already_gone_this_year_is_next_year() -> None:
    assert local(parse("3.12 10", now=oslo(2026, 12, 5, 12))) == (2027, 12, 3, 10, 0)
    assert local(parse("3. desember 10", now=oslo(2026, 12, 1, 12))) == (2026, 12, 3, 10, 0)


def test_todays_date_with_a_time_already_gone_is_past_not_next_year() -> None:
    assert problem("16.11 8") is DateProblem.PAST
    assert local(parse("16.11 10")) == (2026, 11, 16, 10, 0)


def test_leap_day_without_year_is_never_more_than_a_year_ahead() -> None:
    assert local(parse("29.2 10", now=oslo(2027, 3, 1))) == (2028, 2, 29, 10, 0)
    assert problem("29.2 10", now=oslo(2026, 3, 1)) is DateProblem.IMPOSSIBLE
    assert problem("30.2 10") is DateProblem.IMPOSSIBLE


@pytest.mark.parametrize(
    ("text", "minutes", "consumed"),
    [
        ("3.12 10 1t", 60, 3),
        ("3.12 10 1 t", 60, 4),
        ("3.12 10 90 min", 90, 4),
        ("3.12 10 90min", 90, 3),
        ("3.12 10 1,5 t", 90, 4),
        ("3.12 10 1.5t", 90, 3),
        ("3.12 10 2 timer", 120, 4),
        ("3.12 kl 10 45 minutter", 45, 5),
        ("3.12 10 5 min", 5, 4),
        ("3.12 10 8 t", 480, 4),
    ],
)
def test_durations(text: str, minutes: int, consumed: int) -> None:
    when = parse(text)

    assert when.duration == timedelta(minutes=minutes)
    assert when.consumed == consumed


@pytest.mark.parametrize(
    "text", ["3.12 10 4 min", "3.12 10 9 t", "3.12 10 0t", "3.12 10 30", "3.12 10 2 dager"]
)
def test_bad_durations(text: str) -> None:
    assert problem(text) is DateProblem.BAD_DURATION


def test_default_duration_is_used_when_none_is_written() -> None:
    result = parse_when(["3.12", "10"], MONDAY_9, default_duration=timedelta(minutes=30))

    assert isinstance(result, When)
    assert result.duration == timedelta(minutes=30)


def test_consumed_stops_before_what_follows_and_counts_blank_words() -> None:
    words = ["3.12", "", "kl", "10", "90", "min", "sted", "Kontoret", "3"]

    when = parse_when(words, MONDAY_9)

    assert isinstance(when, When)
    assert when.consumed == 6
    assert words[when.consumed :] == ["sted", "Kontoret", "3"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", DateProblem.MISSING),
        ("3.12", DateProblem.MISSING),
        ("3.12 kl", DateProblem.MISSING),
        ("snart", DateProblem.UNREADABLE),
        ("3.12 1030", DateProblem.UNREADABLE),
        ("3.12 10:5", DateProblem.UNREADABLE),
        ("14", DateProblem.UNREADABLE),
        ("3. desembr 10", DateProblem.UNREADABLE),
        ("31.2 10", DateProblem.IMPOSSIBLE),
        ("3.12 25:00", DateProblem.IMPOSSIBLE),
        ("3.12 24", DateProblem.IMPOSSIBLE),
        ("3.12 10:60", DateProblem.IMPOSSIBLE),
        ("3.13 10", DateProblem.IMPOSSIBLE),
        ("1.11.2026 10", DateProblem.PAST),
        ("i dag 9", DateProblem.PAST),
        ("1.1.0001 10", DateProblem.PAST),
        ("17.11.2028 10", DateProblem.TOO_FAR),
        ("3.12.2031 10", DateProblem.TOO_FAR),
        ("3.12 10 10 t", DateProblem.BAD_DURATION),
    ],
)
def test_problems(text: str, expected: DateProblem) -> None:
    # AMBIGUOUS and NONEXISTENT have their own DST tests below.
    assert problem(text) is expected


def test_exactly_two_years_ahead_is_allowed() -> None:
    assert local(parse("16.11.2028 09:00")) == (2028, 11, 16, 9, 0)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when(["3.12", "10"], datetime(2026, 11, 16, 9))


# --- DST: spring 02:00→03:00 on the last Sunday of March, autumn 03:00→02:00 in October.

EARLY_2026 = oslo(2026, 1, 10, 12)
EARLY_2027 = oslo(2027, 1, 10, 12)


@pytest.mark.parametrize(
    ("text", "now"),
    [("29.3.2026 02:30", EARLY_2026), ("28.3.2027 02:30", EARLY_2027), ("28.3 2:00", EARLY_2027)],
)
def test_time_skipped_in_spring_is_nonexistent(text: str, now: datetime) -> None:
    assert problem(text, now) is DateProblem.NONEXISTENT


@pytest.mark.parametrize(
    ("text", "now"),
    [("25.10.2026 02:30", EARLY_2026), ("31.10.2027 02:30", EARLY_2027), ("31.10 2", EARLY_2027)],
)
def test_time_repeated_in_autumn_is_ambiguous(text: str, now: datetime) -> None:
    assert problem(text, now) is DateProblem.AMBIGUOUS


@pytest.mark.parametrize(
    ("text", "now", "instant"),
    [
        ("25.10.2026 03:30", EARLY_2026, utc(2026, 10, 25, 2, 30)),  # +01:00
        ("25.10.2026 01:30", EARLY_2026, utc(2026, 10, 24, 23, 30)),  # +02:00
        ("29.3.2026 03:30", EARLY_2026, utc(2026, 3, 29, 1, 30)),  # +02:00
        ("29.3.2026 01:59", EARLY_2026, utc(2026, 3, 29, 0, 59)),  # +01:00
        ("31.10.2027 03:30", EARLY_2027, utc(2027, 10, 31, 2, 30)),
        ("28.3.2027 03:30", EARLY_2027, utc(2027, 3, 28, 1, 30)),
        # 10:00 the day after each change.
        ("30.3.2026 10:00", EARLY_2026, utc(2026, 3, 30, 8)),
        ("26.10.2026 10:00", EARLY_2026, utc(2026, 10, 26, 9)),
        ("29.3.2027 10:00", EARLY_2027, utc(2027, 3, 29, 8)),
        ("1.11.2027 10:00", EARLY_2027, utc(2027, 11, 1, 9)),
    ],
)
def test_times_around_dst_changes_have_the_right_utc_instant(
    text: str, now: datetime, instant: datetime
) -> None:
    when = parse(text, now)

    assert when.start == instant
    assert when.start.utcoffset() == instant.astimezone(OSLO).utcoffset()


def test_offsets_after_dst_changes() -> None:
    assert parse("25.10.2026 03:30", EARLY_2026).start.utcoffset() == timedelta(hours=1)
    assert parse("29.3.2026 03:30", EARLY_2026).start.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    ("evening", "instant"),
    [
        (oslo(2026, 3, 28, 23, 30), utc(2026, 3, 29, 8)),  # tomorrow is summer time
        (oslo(2026, 10, 24, 23, 30), utc(2026, 10, 25, 9)),  # tomorrow is winter time
        (oslo(2027, 3, 27, 23, 30), utc(2027, 3, 28, 8)),
        (oslo(2027, 10, 30, 23, 30), utc(2027, 10, 31, 9)),
    ],
)
def test_tomorrow_asked_the_evening_before_a_dst_change(
    evening: datetime, instant: datetime
) -> None:
    when = parse("i morgen 10", evening)

    assert when.start == instant
    assert local(when)[3:] == (10, 0)


def test_tomorrow_night_on_dst_change_day_is_refused() -> None:
    assert problem("i morgen 02:30", oslo(2026, 3, 28, 23, 30)) is DateProblem.NONEXISTENT
    assert problem("i morgen 02:30", oslo(2026, 10, 24, 23, 30)) is DateProblem.AMBIGUOUS


def test_repeated_time_whose_both_readings_are_gone_is_past() -> None:
    after_both = datetime(2026, 10, 25, 1, 45, tzinfo=UTC)  # 02:45 the second time

    assert problem("i dag 02:30", after_both) is DateProblem.PAST


def test_start_is_aware_and_in_oslo() -> None:
    start = parse("3.12 10").start

    assert start.tzinfo is OSLO
    assert start.utcoffset() == timedelta(hours=1)


# --- formatting


@pytest.mark.parametrize(
    ("instant", "long", "short"),
    [
        (utc(2026, 12, 3, 9), "3. desember kl 10:00", "3.12 kl 10"),
        (utc(2026, 12, 3, 9, 30), "3. desember kl 10:30", "3.12 kl 10:30"),
        (utc(2026, 7, 1, 7, 5), "1. juli kl 09:05", "1.7 kl 9:05"),
        (utc(2026, 1, 31, 23), "1. februar kl 00:00", "1.2 kl 0"),
    ],
)
def test_formats_in_oslo_time(instant: datetime, long: str, short: str) -> None:
    assert format_when_no(instant) == long
    assert format_short(instant) == short


def test_formats_parse_back() -> None:
    start = oslo(2026, 12, 3, 10, 30)

    assert parse(format_short(start)).start == start
    assert parse(format_when_no(start)).start == start


def test_formatting_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_short(datetime(2026, 12, 3, 10))
