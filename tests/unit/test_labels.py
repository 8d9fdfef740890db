from __future__ import annotations

import secrets

from samsnakk_bot.domain.labels import DRAWS_PER_WIDTH, draw_label, label_width


def test_the_first_draws_are_four_digits_and_never_start_with_zero() -> None:
    for _ in range(500):
        label = draw_label(0, secrets.randbelow)
        assert len(label) == 4 and label[0] != "0"
    assert draw_label(0, lambda n: 0) == "1000"
    assert draw_label(0, lambda n: n - 1) == "9999"


def test_each_run_of_taken_draws_widens_the_label_without_a_cap() -> None:
    assert [label_width(a) for a in range(DRAWS_PER_WIDTH * 3)] == [4] * 3 + [5] * 3 + [6] * 3
    assert len(draw_label(DRAWS_PER_WIDTH * 20, secrets.randbelow)) == 24
