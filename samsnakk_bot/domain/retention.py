"""When an inactive brukerrom is warned and closed. Pure: times in, the next step out.

A room is due to close ``inactivity`` after its last message. Participants are warned twice
before, and a warning is never skipped: if the bot was down when one was due, the closing moves
so that each warning still comes its full period before the room closes. Any message resets
everything (the caller sets the stage back to 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

DAY_MS = 86_400_000


class Action(Enum):
    FIRST_WARNING = 1
    SECOND_WARNING = 2
    CLOSE = 3


@dataclass(frozen=True, slots=True)
class Periods:
    inactivity_ms: int
    first_warning_ms: int
    second_warning_ms: int


@dataclass(frozen=True, slots=True)
class Step:
    action: Action
    close_ms: int  # when the room closes, as the warning should say


def next_step(
    now_ms: int, last_activity_ms: int, stage: int, close_ms: int | None, p: Periods
) -> Step | None:
    """What to do now for a room warned ``stage`` times (0, 1 or 2), or None for nothing yet."""
    due = last_activity_ms + p.inactivity_ms
    if stage == 0:
        if now_ms < due - p.first_warning_ms:
            return None
        return Step(Action.FIRST_WARNING, max(due, now_ms + p.first_warning_ms))
    planned = close_ms if close_ms is not None else due
    if stage == 1:
        if now_ms < planned - p.second_warning_ms:
            return None
        return Step(Action.SECOND_WARNING, max(planned, now_ms + p.second_warning_ms))
    return Step(Action.CLOSE, planned) if now_ms >= planned else None


def days_left(now_ms: int, close_ms: int) -> int:
    """Whole days until closing, rounded up, at least 1: «om 30 dager», never «om 0 dager»."""
    return max(1, -(-(close_ms - now_ms) // DAY_MS))
