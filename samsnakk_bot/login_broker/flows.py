"""Short-lived, single-use state kept in memory: pending logins and issued codes.

Nothing here is ever written to disk: a restart only means that logins in progress start over.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class _Entry(Generic[T]):
    value: T
    expires: float


class StoreFull(Exception):
    """More logins in progress than the broker will hold; the newest one is turned away."""


class ExpiringStore(Generic[T]):
    """Keys are random; ``pop`` gives a value once, and never after it has expired.

    ``limit`` bounds memory: /authorize is public, and each call would otherwise add an entry.
    """

    def __init__(
        self, lifetime: float, limit: int = 20_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._lifetime = lifetime
        self._limit = limit
        self._clock = clock
        self._entries: dict[str, _Entry[T]] = {}

    def put(self, value: T, key: str | None = None) -> str:
        self._sweep()
        if len(self._entries) >= self._limit:
            raise StoreFull
        key = key or secrets.token_urlsafe(32)
        self._entries[key] = _Entry(value, self._clock() + self._lifetime)
        return key

    def get(self, key: str) -> T | None:
        entry = self._entries.get(key)
        if entry is None or entry.expires <= self._clock():
            return None
        return entry.value

    def pop(self, key: str) -> T | None:
        entry = self._entries.pop(key, None)
        if entry is None or entry.expires <= self._clock():
            return None
        return entry.value

    def __len__(self) -> int:
        self._sweep()
        return len(self._entries)

    def _sweep(self) -> None:
        now = self._clock()
        for key in [k for k, e in self._entries.items() if e.expires <= now]:
            del self._entries[key]
