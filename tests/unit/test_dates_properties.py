"""Property tests for the meeting-time parser: what we render parses back to the same instant,
DST gaps and overlaps are refused exactly when zoneinfo says so, and nothing typed breaks it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from samsnakk_bot.domain.dates import (
    MAX_DURATION,
    MIN_DURATION,
    MONTH_NAMES,
    DateProblem,
    When,
    format_short,
    format_when_no,
    parse_when,
)

OSLO = ZoneInfo("Europe/Oslo")
# Last Sundays of March (02:00→03:00) and October (03:00→02:00), 2026–2028.
DST_SUNDAYS = [
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2027, 3, 28),
    date(2027, 10, 31),
    date(2028, 3, 26),
    date(2028, 10, 29),
]
NEAR_DST = [day + timedelta(days=shift) for day in DST_SUNDAYS for shift in (-1, 0, 1)]
MINUTES_PER_DAY = 24 * 60

random_nows = st.datetimes(
    min_value=datetime(2026, 1, 1),
    max_value=datetime(2028, 12, 31, 23, 59),
    timezones=st.just(OSLO),
    allow_imaginary=False,
).map(lambda moment: moment.astimezone(OSLO))
nows_before_dst = st.builds(
    lambda day, minutes: (
        datetime.combine(day, time(0), tzinfo=OSLO).astimezone(UTC) - timedelta(minutes=minutes)
    ).astimezone(OSLO),
    st.sampled_from(DST_SUNDAYS),
    st.integers(0, 3 * MINUTES_PER_DAY),
)
nows = st.one_of(nows_before_dst, random_nows)
wall_dates = st.one_of(
    st.sampled_from(NEAR_DST), st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31))
)
wall_times = st.builds(time, st.one_of(st.just(2), st.integers(0, 23)), st.integers(0, 59))


def offsets(wall: datetime) -> tuple[timedelta | None, timedelta | None]:
    """zoneinfo's own view (PEP 495): the two folds differ only in a gap or an overlap."""
    return (
        wall.replace(tzinfo=OSLO, fold=0).utcoffset(),
        wall.replace(tzinfo=OSLO, fold=1).utcoffset(),
    )


def is_repeated(wall: datetime) -> bool:
    first, second = offsets(wall)
    assert first is not None and second is not None
    return first > second  # overlap: fold 0 is still summer time


def is_skipped(wall: datetime) -> bool:
    first, second = offsets(wall)
    assert first is not None and second is not None
    return first < second  # gap: fold 0 uses the offset from before the change


def short(wall: datetime) -> str:
    clock = f"{wall.hour}" if wall.minute == 0 else f"{wall.hour}:{wall.minute:02d}"
    return f"{wall.day}.{wall.month} kl {clock}"


def long(wall: datetime) -> str:
    return f"{wall.day}. {MONTH_NAMES[wall.month - 1]} kl {wall:%H:%M}"


WALL_RENDERINGS: list[Callable[[datetime], str]] = [
    short,
    long,
    lambda wall: f"{wall:%Y-%m-%dT%H:%M}",
    lambda wall: f"{wall:%Y-%m-%d %H:%M}",
    lambda wall: f"{wall:%d.%m.%Y %H.%M}",
    lambda wall: f"{wall.day}/{wall.month} {wall.hour}:{wall.minute:02d}",
]
INSTANT_RENDERINGS: list[Callable[[datetime], str]] = [
    format_short,
    format_when_no,
    lambda start: f"{start:%Y-%m-%dT%H:%M}",
    lambda start: f"{start:%Y-%m-%d %H:%M}",
]


def assert_sound(result: When | DateProblem, words: list[str], now: datetime) -> None:
    if isinstance(result, DateProblem):
        return
    assert result.start.tzinfo is OSLO
    assert result.start.utcoffset() is not None
    assert result.start.astimezone(UTC) > now.astimezone(UTC)
    assert MIN_DURATION <= result.duration <= MAX_DURATION
    assert 1 <= result.consumed <= len(words)


@settings(max_examples=400)
@given(
    now=nows,
    minutes_ahead=st.one_of(
        st.integers(1, 3 * MINUTES_PER_DAY), st.integers(1, 360 * MINUTES_PER_DAY)
    ),
    render=st.sampled_from(INSTANT_RENDERINGS),
)
def test_rendered_future_instant_parses_back_or_is_ambiguous(
    now: datetime, minutes_ahead: int, render: Callable[[datetime], str]
) -> None:
    whole_minute = now.astimezone(UTC).replace(second=0, microsecond=0)
    start = (whole_minute + timedelta(minutes=minutes_ahead)).astimezone(OSLO)

    result = parse_when(render(start).split(), now)

    if is_repeated(start.replace(tzinfo=None)):
        assert result is DateProblem.AMBIGUOUS
    else:
        assert isinstance(result, When)
        assert result.start.astimezone(UTC) == start.astimezone(UTC)
        assert result.start.utcoffset() == start.utcoffset()


@settings(max_examples=400)
@given(
    day=wall_dates,
    clock=wall_times,
    lead_minutes=st.integers(61, 300 * MINUTES_PER_DAY),
    render=st.sampled_from(WALL_RENDERINGS),
)
def test_wall_time_is_refused_exactly_when_skipped_or_repeated(
    day: date, clock: time, lead_minutes: int, render: Callable[[datetime], str]
) -> None:
    wall = datetime.combine(day, clock)
    earliest = wall.replace(tzinfo=OSLO, fold=0).astimezone(UTC)
    now = (earliest - timedelta(minutes=lead_minutes)).astimezone(OSLO)

    result = parse_when(render(wall).split(), now)

    if is_skipped(wall):
        assert result is DateProblem.NONEXISTENT
    elif is_repeated(wall):
        assert result is DateProblem.AMBIGUOUS
    else:
        assert isinstance(result, When)
        assert result.start.replace(tzinfo=None) == wall
        assert result.start.astimezone(UTC) == earliest


@given(text=st.text(), now=nows)
def test_arbitrary_text_never_raises(text: str, now: datetime) -> None:
    words = text.split()

    assert_sound(parse_when(words, now), words, now)


VOCABULARY = [
    *["i", "dag", "morgen", "idag", "iovermorgen", "på", "neste", "mandag", "søn", "kl", "kl."],
    *["3.12", "3.12.", "29.2", "31.12.26", "3/12", "3.", "3", "2026", "2028-02-29", "desember"],
    *["des.", "mai", "10", "02:30", "2.30", "23:59", "24", "0", "1030", "kl10", "1,5", "t", "90"],
    *["min", "90min", "2", "timer", "sted", "", "2026-10-25T02:30", "2027-03-28t02:30"],
]


@settings(max_examples=400)
@given(
    words=st.lists(st.one_of(st.sampled_from(VOCABULARY), st.text(max_size=6)), max_size=7),
    now=nows,
)
def test_any_mix_of_date_words_gives_a_sound_answer(words: list[str], now: datetime) -> None:
    assert_sound(parse_when(words, now), words, now)


WEEKDAY_NAMES = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]


@given(
    now=nows,
    weekday=st.integers(0, 6),
    clock=wall_times,
    next_=st.booleans(),
)
def test_weekday_is_the_first_such_day_whose_time_is_ahead(
    now: datetime, weekday: int, clock: time, next_: bool
) -> None:
    words = [*(["neste"] if next_ else []), WEEKDAY_NAMES[weekday], f"{clock:%H:%M}"]

    result = parse_when(words, now)

    if isinstance(result, DateProblem):
        assert result in (DateProblem.AMBIGUOUS, DateProblem.NONEXISTENT)
        return
    assert_sound(result, words, now)
    days = (result.start.date() - now.date()).days
    assert result.start.weekday() == weekday
    assert result.start.time() == clock
    assert days in (range(1, 8) if next_ else range(8))
    if days == 7 and not next_:  # every reading of that time today is already over
        today = datetime.combine(now.date(), clock)
        for fold in (0, 1):
            assert today.replace(tzinfo=OSLO, fold=fold).astimezone(UTC) <= now.astimezone(UTC)


@given(now=nows, day=st.dates(date(2028, 1, 1), date(2028, 12, 31)), clock=wall_times)
def test_date_without_year_is_within_a_year(now: datetime, day: date, clock: time) -> None:
    words = [f"{day.day}.{day.month}", f"{clock:%H:%M}"]

    result = parse_when(words, now)

    if isinstance(result, When):
        ahead = result.start.astimezone(UTC) - now.astimezone(UTC)
        assert timedelta(0) < ahead < timedelta(days=366)
        assert (result.start.month, result.start.day) == (day.month, day.day)
    else:
        assert result in (
            DateProblem.PAST,
            DateProblem.IMPOSSIBLE,
            DateProblem.AMBIGUOUS,
            DateProblem.NONEXISTENT,
        )
