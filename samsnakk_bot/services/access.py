"""Answers Synapse's invite and join questions from our approval records, fast.

A brukerrom's snapshot (closed or not, who is approved) is cached in memory, because Synapse
waits for our answer on every invite and join. The room service must call :meth:`invalidate`
whenever a room's participants or state change. Rooms we do not manage are never cached, so a
brukerrom recorded after ``createRoom`` is seen at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from samsnakk_bot.domain.access import (
    AccessDecision,
    RoomAccess,
    decide_federated_invite,
    decide_invite,
    decide_join,
)
from samsnakk_bot.store.brukerrom import BrukerromRepo, ParticipantRepo

# A backstop for an invalidation that never came (e.g. a change made by another process).
DEFAULT_CACHE_TTL_S = 60.0
DEFAULT_CACHE_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class _Cached:
    access: RoomAccess
    expires: float


class AccessService:
    def __init__(
        self,
        brukerrom: BrukerromRepo,
        participants: ParticipantRepo,
        bot_user_id: str,
        monotonic: Callable[[], float] = time.monotonic,
        cache_ttl_s: float = DEFAULT_CACHE_TTL_S,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        self._rooms = brukerrom
        self._participants = participants
        self._bot = bot_user_id
        self._now = monotonic
        self._ttl = cache_ttl_s
        self._size = cache_size
        self._cache: dict[str, _Cached] = {}
        # Bumped by every invalidation, so that a snapshot read before it is never cached.
        self._generation = 0
        self._expected: dict[str, float] = {}

    @property
    def bot_user_id(self) -> str:
        return self._bot

    # --- Snapshots ---------------------------------------------------------------------------

    async def snapshot(self, room_id: str) -> RoomAccess | None:
        """The room as the checks see it, or None if it is not a brukerrom."""
        now = self._now()
        hit = self._cache.get(room_id)
        if hit is not None and hit.expires > now:
            return hit.access
        generation = self._generation
        room = await self._rooms.get(room_id)
        if room is None:
            return None
        people = await self._participants.in_room(room_id, only_approved=True)
        access = RoomAccess(
            is_brukerrom=True,
            closed=room.state == "closed",
            approved=frozenset(p.user_id for p in people),
            bot=self._bot,
        )
        if generation == self._generation:
            self._store(room_id, access, now)
        return access

    def invalidate(self, room_id: str) -> None:
        """Forget the cached snapshot; call it after every change to a room or its participants."""
        self._generation += 1
        self._cache.pop(room_id, None)

    def invalidate_all(self) -> None:
        self._generation += 1
        self._cache.clear()

    def _store(self, room_id: str, access: RoomAccess, now: float) -> None:
        self._cache.pop(room_id, None)
        while len(self._cache) >= self._size:
            self._cache.pop(next(iter(self._cache)))
        self._cache[room_id] = _Cached(access, now + self._ttl)

    # --- Invites the room service announces ------------------------------------------------

    def expect_invite(self, invitee: str, ttl_s: float = 30.0) -> None:
        """Announce the bot's invite in a ``createRoom`` that is about to be sent."""
        now = self._now()
        for user, deadline in list(self._expected.items()):
            if deadline <= now:
                del self._expected[user]
        self._expected[invitee] = now + ttl_s

    def take_expected(self, invitee: str) -> bool:
        """True once if ``invitee``'s invite was announced and has not expired."""
        deadline = self._expected.pop(invitee, None)
        return deadline is not None and deadline > self._now()

    # --- The questions Synapse asks ----------------------------------------------------------

    async def may_invite(self, room_id: str, inviter: str, invitee: str) -> AccessDecision:
        access = await self.snapshot(room_id)
        expected = access is None and inviter == self._bot and self.take_expected(invitee)
        return decide_invite(access, inviter, invitee, expected, bot=self._bot)

    async def may_join(self, room_id: str, user: str) -> AccessDecision:
        return decide_join(await self.snapshot(room_id), user)

    async def may_federated_invite(self, room_id: str, sender: str, invitee: str) -> AccessDecision:
        return decide_federated_invite(await self.snapshot(room_id), sender, invitee)
