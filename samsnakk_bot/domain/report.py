"""The usage report (gevinst): figures, small-number suppression and the report period.

Pure: no I/O and no clock (``now`` is a parameter). The store computes the figures
(``store/report_queries.py``); ``report_output.py`` turns them into CSV and PNG; the caller
turns a :class:`PeriodProblem` into Norwegian text.

**Suppression.** Every :class:`Figure` carries ``count``: how many rooms (or varsler) it rests
on. A figure resting on fewer than :data:`SUPPRESS_BELOW` is shown as ``<5``, whatever its
value, and so is a count-like (integer) value below 5. A median over three rooms can point at
one bruker as surely as the count "3" can.

**Periods** are half-open ``[start_ms, end_ms)`` in UTC milliseconds; days begin at midnight in
Europe/Oslo. The written forms (case-insensitive, surrounding spaces ignored):

- ``måned`` (or nothing at all): this calendar month so far, up to ``now``;
- ``forrige måned``: the whole previous calendar month;
- ``2026-10`` or ``oktober 2026``: that month;
- ``2026-10-15`` or ``15.10.2026``: that day;
- ``fra..til`` with a day or a month on each side (``2026-09-01..2026-10-15``,
  ``1.9.2026..15.10.2026``, ``2026-09..2026-10``): both ends included. ``...``, ``…`` and
  spaces around the dots work too.

What lies after ``now`` is cut off, so this month (or a range ending today) covers the time so
far. A written day after today, or a month that begins after today, is FUTURE: the report never
silently shortens a day someone explicitly asked for. ``til`` before ``fra`` is REVERSED;
anything else, including dates that do not exist (``2026-02-30``), is UNREADABLE.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Final

from samsnakk_bot.domain.dates import MONTHS
from samsnakk_bot.domain.timezone import OSLO

SUPPRESS_BELOW: Final = 5
SUPPRESSED: Final = "<5"
NO_VALUE: Final = "–"
DECIMALS: Final = 1
WEEK_MS: Final = 7 * 24 * 3600 * 1000
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Figure:
    """One aggregate figure. ``count``: how many rooms (or varsler) the value rests on."""

    key: str
    value: float | int | None
    count: int


def is_suppressed(fig: Figure) -> bool:
    if fig.count < SUPPRESS_BELOW:
        return True
    value = fig.value
    return isinstance(value, int) and not isinstance(value, bool) and value < SUPPRESS_BELOW


def format_number(value: float | int, decimals: int = DECIMALS) -> str:
    """Norwegian number: decimal comma, at most ``decimals`` decimals, no trailing zeros.

    Rounds half up (2,25 → 2,3), which is what people expect, not what ``round`` does.
    """
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = Decimal(0)  # no "-0"
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def shown(fig: Figure) -> str:
    """What a person may see of a figure: ``<5`` when suppressed, else a Norwegian number."""
    if is_suppressed(fig):
        return SUPPRESSED
    if fig.value is None:
        return NO_VALUE
    return format_number(fig.value)


def median(values: Iterable[float]) -> float | None:
    """The median, or None for no values."""
    data = list(values)
    return float(statistics.median(data)) if data else None


class PeriodProblem(Enum):
    UNREADABLE = "unreadable"
    REVERSED = "reversed"
    FUTURE = "future"


@dataclass(frozen=True)
class Period:
    """``[start_ms, end_ms)`` in UTC milliseconds."""

    start_ms: int
    end_ms: int

    def __post_init__(self) -> None:
        if self.end_ms < self.start_ms:
            raise ValueError(f"period ends ({self.end_ms}) before it starts ({self.start_ms})")

    @property
    def weeks(self) -> float:
        return (self.end_ms - self.start_ms) / WEEK_MS

    @property
    def first_day(self) -> date:
        """The first day (Europe/Oslo) in the period."""
        return _oslo(self.start_ms).date()

    @property
    def last_day(self) -> date:
        """The last day (Europe/Oslo) the period touches; ``first_day`` if it is empty."""
        return _oslo(max(self.start_ms, self.end_ms - 1)).date()


_DAY_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"),
)
_ISO_MONTH = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})")
_NAMED_MONTH = re.compile(r"(?P<name>[a-zæøå]+)\.?\s+(?P<y>\d{4})")
_RANGE = re.compile(r"\s*(?:\.\.\.?|…)\s*")
_THIS_MONTH = frozenset({"", "måned", "maned", "mnd", "denne måned", "denne maned"})
_LAST_MONTH = frozenset({"forrige måned", "forrige maned", "forrige mnd", "forrige"})


def parse_period(text: str, now: datetime) -> Period | PeriodProblem:
    """Read a report period; see the module docstring for the forms and the problems."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now_ms = _ms(now)
    today = now.astimezone(OSLO).date()
    cleaned = " ".join(text.strip().lower().split())

    if cleaned in _THIS_MONTH:
        return Period(_midnight_ms(today.replace(day=1)), now_ms)
    if cleaned in _LAST_MONTH:
        this_month = today.replace(day=1)
        return Period(_midnight_ms(_previous_month(this_month)), _midnight_ms(this_month))

    parts = _RANGE.split(cleaned)
    if len(parts) > 2:
        return PeriodProblem.UNREADABLE
    spans = [_span(part) for part in parts]
    first, last = spans[0], spans[-1]
    if first is None or last is None:
        return PeriodProblem.UNREADABLE
    if last[1] < first[0]:
        return PeriodProblem.REVERSED
    if first[0] > today or last[0] > today:
        return PeriodProblem.FUTURE
    end_ms = _midnight_ms(last[1] + timedelta(days=1))
    return Period(_midnight_ms(first[0]), min(end_ms, now_ms))


def _span(text: str) -> tuple[date, date] | None:
    """The first and last day of a written day or month."""
    day = _parse_day(text)
    if day is not None:
        return day, day
    month = _parse_month(text)
    if month is None:
        return None
    return month, _next_month(month) - timedelta(days=1)


def _parse_day(text: str) -> date | None:
    for form in _DAY_FORMS:
        m = form.fullmatch(text)
        if m is not None:
            return _date(int(m["y"]), int(m["m"]), int(m["d"]))
    return None


def _parse_month(text: str) -> date | None:
    """The first day of the month ``text`` names, or None."""
    m = _ISO_MONTH.fullmatch(text)
    if m is not None:
        return _date(int(m["y"]), int(m["m"]), 1)
    m = _NAMED_MONTH.fullmatch(text)
    if m is not None and m["name"] in MONTHS:
        return _date(int(m["y"]), MONTHS[m["name"]], 1)
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def _midnight_ms(day: date) -> int:
    # Midnight always exists in Europe/Oslo (the DST shifts happen at 02:00 and 03:00).
    return _ms(datetime(day.year, day.month, day.day, tzinfo=OSLO))


def _ms(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _oslo(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, OSLO)
