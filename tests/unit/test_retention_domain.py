"""The retention steps: two warnings, never skipped, and closing only after both."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from samsnakk_bot.domain.retention import DAY_MS, Action, Periods, days_left, next_step

P = Periods(inactivity_ms=180 * DAY_MS, first_warning_ms=30 * DAY_MS, second_warning_ms=7 * DAY_MS)
LAST = 1_000 * DAY_MS


def test_nothing_happens_before_the_first_warning_is_due() -> None:
    assert next_step(LAST + 149 * DAY_MS, LAST, 0, None, P) is None


def test_on_time_the_warnings_come_30_and_7_days_before_closing() -> None:
    close = LAST + 180 * DAY_MS
    first = next_step(LAST + 150 * DAY_MS, LAST, 0, None, P)
    assert first is not None and (first.action, first.close_ms) == (Action.FIRST_WARNING, close)
    assert next_step(close - 8 * DAY_MS, LAST, 1, close, P) is None
    second = next_step(close - 7 * DAY_MS, LAST, 1, close, P)
    assert second is not None and (second.action, second.close_ms) == (Action.SECOND_WARNING, close)
    assert next_step(close - 1, LAST, 2, close, P) is None
    closing = next_step(close, LAST, 2, close, P)
    assert closing is not None and closing.action is Action.CLOSE


def test_a_late_first_warning_moves_the_closing_so_the_full_period_is_given() -> None:
    late = LAST + 200 * DAY_MS  # the bot was down long past the due date
    step = next_step(late, LAST, 0, None, P)
    assert step is not None and step.close_ms == late + 30 * DAY_MS


@given(
    checks=st.lists(st.integers(1, 5 * DAY_MS), min_size=1, max_size=400),
)
def test_closing_always_comes_after_both_warnings_with_their_periods(checks: list[int]) -> None:
    """Whatever the gaps between checks, the room closes only after two warnings, the first
    at least 30 days and the second at least 7 days before."""
    now, stage, close, warned = LAST, 0, None, {}
    for gap in checks:
        now += gap
        step = next_step(now, LAST, stage, close, P)
        if step is None:
            continue
        if step.action is Action.CLOSE:
            assert stage == 2
            assert now - warned[1] >= 30 * DAY_MS and now - warned[2] >= 7 * DAY_MS
            return
        stage, close = step.action.value, step.close_ms
        warned[stage] = now


def test_days_left_rounds_up_and_never_says_zero() -> None:
    assert days_left(0, 30 * DAY_MS) == 30
    assert days_left(0, 29 * DAY_MS + 1) == 30
    assert days_left(5, 5) == 1
