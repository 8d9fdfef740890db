"""Room labels (``Samsnakk · 4821``): short while rooms are few, longer as they fill up.

There is no fixed width. A label is drawn at :data:`FIRST_WIDTH` digits; every
:data:`DRAWS_PER_WIDTH` draws that were taken already (in our table, or as an alias on the
homeserver) widen the next draw by one digit. With a width nine-tenths full, three draws all
fail 73 % of the time, so a label costs a few queries however many rooms there are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

FIRST_WIDTH: Final = 4
DRAWS_PER_WIDTH: Final = 3


def label_width(attempt: int) -> int:
    """Digits of the ``attempt``-th draw (0-based)."""
    return FIRST_WIDTH + attempt // DRAWS_PER_WIDTH


def draw_label(attempt: int, randbelow: Callable[[int], int]) -> str:
    """A label of :func:`label_width` digits, never with a leading zero."""
    width = label_width(attempt)
    low = 10 ** (width - 1)
    return str(low + randbelow(9 * low))
