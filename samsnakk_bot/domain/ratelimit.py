"""A sliding-window limit on counted attempts: how long to wait, if at all. Pure."""

from __future__ import annotations

import math


def minutes_to_wait(
    count: int, oldest_ms: int | None, now_ms: int, limit: int, window_ms: int
) -> int | None:
    """None while ``count`` attempts in the window are under ``limit``; else whole minutes
    (at least 1) until the oldest of them leaves the window."""
    if count < limit:
        return None
    wait_ms = (oldest_ms if oldest_ms is not None else now_ms) + window_ms - now_ms
    return max(1, math.ceil(wait_ms / 60_000))
