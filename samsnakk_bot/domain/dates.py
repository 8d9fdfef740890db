"""Norwegian meeting times: «3.12 kl 10», «3. desember 10:00», «i morgen 14», «mandag 10».

Pure: no I/O and no clock (``now`` is a parameter). Used by ``!møte ny <dato> <tid> [varighet]``
and ``!møte flytt N <dato> <tid>``. A problem comes back as a :class:`DateProblem`; the caller
turns it into Norwegian text. All times are Europe/Oslo and always timezone-aware.

The rules people rely on:

- **A date without a year** is this year's if that date is today or later, otherwise next
  year's (3.12 asked on 5.12 is next year's 3.12). Only this year and next year are tried, so it
  is always less than a year ahead; 29.2 with neither year a leap year is IMPOSSIBLE. Today's
  date with a time already gone is PAST, not next year.
- **A weekday** (``mandag 10``, ``på mandag kl 10``) is the first such day from today on whose
  time is still ahead: on a Monday at 09:00, ``mandag 10`` is today and ``mandag 8`` is in seven
  days. ``neste mandag`` is the first Monday after today, never today. A weekday in front of a
  date (``fredag 4.12 kl 10``) must be that date's weekday, else IMPOSSIBLE.
- **DST:** a local time skipped in spring (02:30 on the last Sunday of March) is NONEXISTENT; one
  that occurs twice in autumn (02:30 on the last Sunday of October) is AMBIGUOUS. Neither is
  guessed. If every reading of a time is already over, the answer is PAST.
- **Duration** may follow the time (``90 min``, ``1,5 t``); it must be 5 minutes to 8 hours.
  A number right after the time is always read as a duration, so ``3.12 10 30`` is BAD_DURATION.
- ``1030`` is not a time (it reads like a year); write ``10:30`` or ``10.30``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from fractions import Fraction
from typing import Final

from babel.dates import format_date, get_day_names, get_month_names

from samsnakk_bot.domain.i18n import babel_locale
from samsnakk_bot.domain.timezone import OSLO

MIN_DURATION: Final = timedelta(minutes=5)
MAX_DURATION: Final = timedelta(hours=8)
MAX_YEARS_AHEAD: Final = 2

# Month and weekday names come from Babel's CLDR data for both written standards, so typed dates
# accept «tysdag» and «laurdag» as well as «tirsdag» and «lørdag» (D133).
_PARSE_LOCALES: Final = ("nb_NO", "nn_NO")
MONTH_NAMES: Final = tuple(get_month_names("wide", locale="nb_NO")[m] for m in range(1, 13))


def _ascii(name: str) -> str:
    return name.replace("æ", "ae").replace("ø", "o").replace("å", "a")


def _names(found: Sequence[tuple[str, int]]) -> dict[str, int]:
    table: dict[str, int] = {}
    for name, number in found:
        bare = name.casefold().rstrip(".")
        if len(bare) < 3:  # nynorsk CLDR abbreviates to «ma», «to»: «to» is also a number
            continue
        table[bare] = number
        table[_ascii(bare)] = number
    return table


MONTHS: Final[dict[str, int]] = _names(
    [
        (name, number)
        for locale in _PARSE_LOCALES
        for width in ("wide", "abbreviated")
        for number, name in get_month_names(width, locale=locale).items()
    ]
    + [("sept", 9), ("mar", 3), ("jun", 6), ("jul", 7)]
)
# CLDR's nynorsk has «søndag»; «sundag» is the other nynorsk form and is added by hand.
WEEKDAYS: Final[dict[str, int]] = _names(
    [
        (name, number)
        for locale in _PARSE_LOCALES
        for width in ("wide", "abbreviated")
        for number, name in get_day_names(width, locale=locale).items()
    ]
    + [("sundag", 6), ("tirs", 1), ("tors", 3), ("tir", 1), ("tor", 3), ("man", 0), ("fre", 4)]
    + [("lør", 5), ("søn", 6), ("ons", 2)]
)
RELATIVE_DAYS: Final[dict[str, int]] = {"dag": 0, "morgen": 1, "morra": 1, "overmorgen": 2}
CLOCK_WORDS: Final = frozenset({"kl", "klokka", "klokken"})
HOUR_UNITS: Final = frozenset({"t", "time", "timer", "h"})
MINUTE_UNITS: Final = frozenset({"m", "min", "minutt", "minutter"})

_D = "[0-9]"
_NUMERIC_DATE = re.compile(rf"({_D}{{1,2}})([./])({_D}{{1,2}})(?:\2({_D}{{4}}|{_D}{{2}}))?\.?")
_ISO_DATE = re.compile(rf"({_D}{{4}})-({_D}{{1,2}})-({_D}{{1,2}})")
_ISO_DATETIME = re.compile(rf"({_D}{{4}})-({_D}{{1,2}})-({_D}{{1,2}})t(.+)")
_DAY = re.compile(rf"({_D}{{1,2}})\.?")
_DAY_MONTH = re.compile(rf"({_D}{{1,2}})\.([a-zæø]+)\.?")
_YEAR = re.compile(rf"{_D}{{4}}")
_TIME = re.compile(rf"({_D}{{1,2}})(?:[:.]({_D}{{2}}))?\.?")
_GLUED_CLOCK = re.compile(rf"kl\.?({_D}.*)")
_DURATION = re.compile(rf"({_D}+(?:[.,]{_D}+)?)([a-z]*)\.?")


class DateProblem(Enum):
    MISSING = "missing"  # no date, or a date but no time
    UNREADABLE = "unreadable"  # words that are not a date or a time
    IMPOSSIBLE = "impossible"  # 31.2, 25:00, «mandag» in front of a Thursday
    AMBIGUOUS = "ambiguous"  # local time occurs twice (autumn DST night)
    NONEXISTENT = "nonexistent"  # local time skipped (spring DST night)
    PAST = "past"  # start is not after now
    TOO_FAR = "too_far"  # more than MAX_YEARS_AHEAD years ahead
    BAD_DURATION = "bad_duration"  # unreadable, or outside MIN_DURATION..MAX_DURATION


@dataclass(frozen=True)
class When:
    start: datetime  # aware, tzinfo=OSLO
    duration: timedelta
    consumed: int  # words of the input used; the caller parses what follows


class _Problem(Exception):
    def __init__(self, kind: DateProblem) -> None:
        super().__init__(kind.value)
        self.kind = kind


@dataclass(frozen=True)
class _OnDate:
    day: date
    weekday: int | None = None


@dataclass(frozen=True)
class _Yearless:
    month: int
    day: int
    weekday: int | None = None


@dataclass(frozen=True)
class _OnWeekday:
    weekday: int
    not_today: bool


_DaySpec = _OnDate | _Yearless | _OnWeekday


class _Cursor:
    """Walks the words, skipping blank ones; ``used`` counts words up to the last one taken."""

    def __init__(self, words: Sequence[str]) -> None:
        normal = [unicodedata.normalize("NFC", word).strip().lower().rstrip(",") for word in words]
        self._words = normal
        self._positions = [index for index, word in enumerate(normal) if word]
        self._next = 0
        self.used = 0

    def peek(self, ahead: int = 0) -> str | None:
        spot = self._next + ahead
        return self._words[self._positions[spot]] if spot < len(self._positions) else None

    def take(self, count: int = 1) -> None:
        self._next += count
        self.used = self._positions[self._next - 1] + 1


def parse_when(
    words: Sequence[str], now: datetime, default_duration: timedelta = timedelta(hours=1)
) -> When | DateProblem:
    """Read ``<dato> <tid> [varighet]`` from the start of ``words``. ``now`` must be aware."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(OSLO)
    cursor = _Cursor(words)
    try:
        spec, clock = _date_part(cursor, now)
        if clock is None:
            clock = _time_part(cursor)
        duration = _duration_part(cursor, default_duration)
        start = _instant(_resolve_day(spec, clock, now), clock, now)
    except _Problem as problem:
        return problem.kind
    return When(start=start, duration=duration, consumed=cursor.used)


def format_when_no(start: datetime) -> str:
    """«3. desember kl 10:00» in Oslo time."""
    local = _in_oslo(start)
    return f"{format_date(local, 'd. MMMM', locale=babel_locale())} kl {local:%H:%M}"


def format_short(start: datetime) -> str:
    """«3.12 kl 10», or «3.12 kl 10:30» when the minutes are not zero, in Oslo time."""
    local = _in_oslo(start)
    clock = f"{local.hour}" if local.minute == 0 else f"{local.hour}:{local.minute:02d}"
    return f"{local.day}.{local.month} kl {clock}"


def _in_oslo(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime has no place in Oslo time")
    return moment.astimezone(OSLO)


# --- date ------------------------------------------------------------------------------------


def _date_part(cursor: _Cursor, now: datetime) -> tuple[_DaySpec, time | None]:
    word = cursor.peek()
    if word is None:
        raise _Problem(DateProblem.MISSING)
    relative = cursor.peek(1)
    if word == "i" and relative is not None and relative in RELATIVE_DAYS:
        cursor.take(2)
        return _OnDate(now.date() + timedelta(days=RELATIVE_DAYS[relative])), None
    if word.startswith("i") and word[1:] in RELATIVE_DAYS:
        cursor.take()
        return _OnDate(now.date() + timedelta(days=RELATIVE_DAYS[word[1:]])), None
    skip = 1 if word == "på" else 0
    not_today = cursor.peek(skip) == "neste"
    skip += int(not_today)
    weekday = WEEKDAYS.get((cursor.peek(skip) or "").rstrip("."))
    if weekday is None:
        return _calendar_date(cursor)
    cursor.take(skip + 1)
    if not _date_follows(cursor):
        return _OnWeekday(weekday, not_today), None
    spec, clock = _calendar_date(cursor)
    assert not isinstance(spec, _OnWeekday)
    return _with_weekday(spec, weekday), clock


def _with_weekday(spec: _OnDate | _Yearless, weekday: int) -> _DaySpec:
    if isinstance(spec, _OnDate):
        return _OnDate(spec.day, weekday)
    return _Yearless(spec.month, spec.day, weekday)


def _date_follows(cursor: _Cursor) -> bool:
    """After a weekday: is the next word a date? «3.12» could be 03:12, so a date without a
    year only counts when a time follows it (``fredag 4.12 kl 10``)."""
    word = cursor.peek()
    if word is None:
        return False
    if _ISO_DATE.fullmatch(word) or _ISO_DATETIME.fullmatch(word) or _DAY_MONTH.fullmatch(word):
        return True
    if _DAY.fullmatch(word) and (cursor.peek(1) or "").rstrip(".") in MONTHS:
        return True
    numeric = _NUMERIC_DATE.fullmatch(word)
    if numeric is None:
        return False
    if numeric.group(4) is not None or numeric.group(2) == "/":
        return True
    return _starts_time(cursor.peek(1) or "")


def _calendar_date(cursor: _Cursor) -> tuple[_OnDate | _Yearless, time | None]:
    word = cursor.peek()
    assert word is not None
    if match := _ISO_DATETIME.fullmatch(word):
        year, month, day, clock_text = match.groups()
        clock = _clock(clock_text)
        if clock is None:
            raise _Problem(DateProblem.UNREADABLE)
        cursor.take()
        return _OnDate(_date(int(year), int(month), int(day))), clock
    if match := _ISO_DATE.fullmatch(word):
        cursor.take()
        return _OnDate(_date(int(match[1]), int(match[2]), int(match[3]))), None
    if match := _NUMERIC_DATE.fullmatch(word):
        cursor.take()
        day, month, year = int(match[1]), int(match[3]), match[4]
        if year is None:
            return _yearless(month, day), None
        return _OnDate(_date(int(year) + (2000 if len(year) == 2 else 0), month, day)), None
    if match := _DAY_MONTH.fullmatch(word):
        if match[2] not in MONTHS:
            raise _Problem(DateProblem.UNREADABLE)
        cursor.take()
        return _with_year(cursor, int(match[1]), MONTHS[match[2]]), None
    if (match := _DAY.fullmatch(word)) and (cursor.peek(1) or "").rstrip(".") in MONTHS:
        month = MONTHS[(cursor.peek(1) or "").rstrip(".")]
        cursor.take(2)
        return _with_year(cursor, int(match[1]), month), None
    raise _Problem(DateProblem.UNREADABLE)


def _with_year(cursor: _Cursor, day: int, month: int) -> _OnDate | _Yearless:
    """After «3. desember»: an optional four-digit year."""
    year = cursor.peek()
    if year is not None and _YEAR.fullmatch(year):
        cursor.take()
        return _OnDate(_date(int(year), month, day))
    return _yearless(month, day)


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Problem(DateProblem.IMPOSSIBLE) from None


def _yearless(month: int, day: int) -> _Yearless:
    _date(2000, month, day)  # a leap year: 29.2 is possible, 30.2 and 31.4 are not
    return _Yearless(month, day)


# --- time and duration -----------------------------------------------------------------------


def _time_part(cursor: _Cursor) -> time:
    word = cursor.peek()
    if word is None:
        raise _Problem(DateProblem.MISSING)
    if glued := _GLUED_CLOCK.fullmatch(word):
        word = glued[1]
    elif word.rstrip(".") in CLOCK_WORDS:
        cursor.take()
        word = cursor.peek()
        if word is None:
            raise _Problem(DateProblem.MISSING)
    clock = _clock(word)
    if clock is None:
        raise _Problem(DateProblem.UNREADABLE)
    cursor.take()
    return clock


def _starts_time(word: str) -> bool:
    """«kl», «kl10» or a possible time such as «10» or «10:30» (without raising)."""
    if word.rstrip(".") in CLOCK_WORDS or _GLUED_CLOCK.fullmatch(word):
        return True
    match = _TIME.fullmatch(word)
    return match is not None and int(match[1]) < 24 and int(match[2] or 0) < 60


def _clock(text: str) -> time | None:
    """«10», «10:30», «10.30» → time; None if unreadable; IMPOSSIBLE for 25:00 or 10:60."""
    match = _TIME.fullmatch(text)
    if match is None:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise _Problem(DateProblem.IMPOSSIBLE)
    return time(hour, minute)


def _duration_part(cursor: _Cursor, default: timedelta) -> timedelta:
    """An optional «90 min», «1,5 t», «2 timer» right after the time. A word starting with a
    digit there is always a duration attempt: nothing else that may follow starts with one."""
    word = cursor.peek()
    if word is None or not "0" <= word[0] <= "9":
        return default
    match = _DURATION.fullmatch(word)
    if match is None:
        raise _Problem(DateProblem.BAD_DURATION)
    number, unit = match.groups()
    words = 1
    if not unit:
        unit = (cursor.peek(1) or "").rstrip(".")
        words = 2
    if unit in HOUR_UNITS:
        minutes = Fraction(number.replace(",", ".")) * 60
    elif unit in MINUTE_UNITS:
        minutes = Fraction(number.replace(",", "."))
    else:
        raise _Problem(DateProblem.BAD_DURATION)
    limits = (MIN_DURATION // timedelta(minutes=1), MAX_DURATION // timedelta(minutes=1))
    if minutes.denominator != 1 or not limits[0] <= minutes <= limits[1]:
        raise _Problem(DateProblem.BAD_DURATION)
    cursor.take(words)
    return timedelta(minutes=int(minutes))


# --- resolving to an instant -----------------------------------------------------------------


def _resolve_day(spec: _DaySpec, clock: time, now: datetime) -> date:
    today = now.date()
    if isinstance(spec, _OnWeekday):
        ahead = (spec.weekday - today.weekday()) % 7
        if ahead == 0 and (spec.not_today or not _still_ahead(today, clock, now)):
            ahead = 7
        return today + timedelta(days=ahead)
    if isinstance(spec, _OnDate):
        day = spec.day
    else:
        candidates = []
        for year in (today.year, today.year + 1):
            try:
                candidates.append(date(year, spec.month, spec.day))
            except ValueError:
                continue
        upcoming = [candidate for candidate in candidates if candidate >= today]
        if not upcoming:
            raise _Problem(DateProblem.IMPOSSIBLE)  # 29.2 with no leap year this year or next
        day = upcoming[0]
    if spec.weekday is not None and day.weekday() != spec.weekday:
        raise _Problem(DateProblem.IMPOSSIBLE)
    return day


def _readings(local: datetime) -> tuple[datetime, ...]:
    """The UTC instants a naive Oslo wall time can mean: none in the spring gap, two in the
    autumn overlap. Each fold is kept only if it round-trips through UTC to the same wall time."""
    found: list[datetime] = []
    for fold in (0, 1):
        instant = local.replace(tzinfo=OSLO, fold=fold).astimezone(UTC)
        if instant.astimezone(OSLO).replace(tzinfo=None) == local and instant not in found:
            found.append(instant)
    return tuple(found)


def _probes(local: datetime) -> tuple[datetime, ...]:
    """Readings, or for a skipped time the instant it would have been before the change."""
    return _readings(local) or (local.replace(tzinfo=OSLO, fold=0).astimezone(UTC),)


def _still_ahead(day: date, clock: time, now: datetime) -> bool:
    return any(instant > now for instant in _probes(datetime.combine(day, clock)))


def _limit(now: datetime) -> datetime:
    utc = now.astimezone(UTC)
    try:
        return utc.replace(year=utc.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29.2
        return utc.replace(year=utc.year + MAX_YEARS_AHEAD, day=28)


def _instant(day: date, clock: time, now: datetime) -> datetime:
    if day.year < now.year - 1:  # decided before any time zone arithmetic near year 1
        raise _Problem(DateProblem.PAST)
    if day.year > now.year + MAX_YEARS_AHEAD + 1:
        raise _Problem(DateProblem.TOO_FAR)
    local = datetime.combine(day, clock)
    probes = _probes(local)
    if all(instant <= now for instant in probes):
        raise _Problem(DateProblem.PAST)
    if all(instant > _limit(now) for instant in probes):
        raise _Problem(DateProblem.TOO_FAR)
    readings = _readings(local)
    if not readings:
        raise _Problem(DateProblem.NONEXISTENT)
    if len(readings) > 1:
        raise _Problem(DateProblem.AMBIGUOUS)
    return readings[0].astimezone(OSLO)
