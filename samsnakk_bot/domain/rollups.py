"""Which days an inbox purge rolls up: whole days in Europe/Oslo, as the report's periods are.

Pure: no I/O and no clock. A report period always starts and ends at an Oslo midnight
(``domain/report.py``), so counts per room and Oslo day give the same figures the inbox rows
gave, for every period.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from samsnakk_bot.domain.timezone import OSLO


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def day_start(ms: int) -> int:
    """The Oslo midnight at or before ``ms``."""
    local = datetime.fromtimestamp(ms / 1000, UTC).astimezone(OSLO)
    return _ms(datetime(local.year, local.month, local.day, tzinfo=OSLO))


def next_day(start_ms: int) -> int:
    """The Oslo midnight after the one at ``start_ms`` (23, 24 or 25 hours later)."""
    local = datetime.fromtimestamp(start_ms / 1000, UTC).astimezone(OSLO).date()
    following = local + timedelta(days=1)
    return _ms(datetime(following.year, following.month, following.day, tzinfo=OSLO))


def purge_before(now_ms: int, keep_days: int) -> int:
    """The Oslo midnight ``keep_days`` whole days before today's: rows before it may go."""
    today = datetime.fromtimestamp(now_ms / 1000, UTC).astimezone(OSLO).date()
    cut = today - timedelta(days=keep_days)
    return _ms(datetime(cut.year, cut.month, cut.day, tzinfo=OSLO))


def days_between(start_ms: int, end_ms: int) -> Iterator[tuple[int, int]]:
    """Each Oslo day ``[day, next)`` from the day holding ``start_ms`` up to ``end_ms``, which
    must be an Oslo midnight."""
    day = day_start(start_ms)
    while day < end_ms:
        following = next_day(day)
        yield day, following
        day = following
