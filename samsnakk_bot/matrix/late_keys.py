"""Encrypted events that arrived before their room key, kept until the key comes.

With Synapse workers the room key (a to-device message) and the event it opens (written by
the event persister) are separate streams, and /sync may deliver the event first. Element
tries such events again when the key arrives; so does the bot, or the command is lost.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

Held = TypeVar("Held")

# A key normally follows within seconds; one that never comes must not hold memory forever.
MAX_AGE_S = 15 * 60
MAX_HELD = 2000


class LateEvents(Generic[Held]):
    """Events waiting for a Megolm session, by (room, session); oldest dropped first."""

    def __init__(
        self,
        max_held: int = MAX_HELD,
        max_age_s: float = MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._held: OrderedDict[str, tuple[float, str, str, Held]] = OrderedDict()
        self._max_held = max_held
        self._max_age_s = max_age_s
        self._clock = clock

    def __len__(self) -> int:
        return len(self._held)

    def hold(self, event_id: str, room_id: str, session_id: str, event: Held) -> None:
        self._expire()
        self._held[event_id] = (self._clock(), room_id, session_id, event)
        self._held.move_to_end(event_id)
        while len(self._held) > self._max_held:
            self._held.popitem(last=False)

    def release(self, room_id: str, session_id: str) -> list[Held]:
        """The held events this session opens, in the order they came."""
        self._expire()
        ready = [
            event_id
            for event_id, (_, room, session, _) in self._held.items()
            if room == room_id and session == session_id
        ]
        return [self._held.pop(event_id)[3] for event_id in ready]

    def _expire(self) -> None:
        cutoff = self._clock() - self._max_age_s
        while self._held and next(iter(self._held.values()))[0] < cutoff:
            self._held.popitem(last=False)
