from __future__ import annotations

from datetime import datetime

from samsnakk_bot.domain.dates import OSLO
from samsnakk_bot.domain.rollups import day_start, days_between, next_day, purge_before


def _ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=OSLO).timestamp() * 1000)


def test_a_day_starts_at_oslo_midnight_also_across_the_clock_changes() -> None:
    assert day_start(_ms(2026, 3, 29, 23, 59)) == _ms(2026, 3, 29)
    assert next_day(_ms(2026, 3, 29)) - _ms(2026, 3, 29) == 23 * 3600 * 1000
    assert next_day(_ms(2026, 10, 25)) - _ms(2026, 10, 25) == 25 * 3600 * 1000


def test_purge_keeps_whole_days_and_days_between_covers_them() -> None:
    now = _ms(2026, 12, 10, 3, 30)
    assert purge_before(now, 7) == _ms(2026, 12, 3)
    days = list(days_between(_ms(2026, 12, 1, 17), _ms(2026, 12, 3)))
    assert days == [(_ms(2026, 12, 1), _ms(2026, 12, 2)), (_ms(2026, 12, 2), _ms(2026, 12, 3))]
