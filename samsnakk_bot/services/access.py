"""Answers Synapse's invite and join questions from our approval records, fast.

A brukerrom's snapshot (closed or not, who is approved) is cached in memory, because Synapse
waits for our answer on every invite and join. The room service must call :meth:`invalidate`
whenever a room's participants or state change. Rooms we do not manage are never cached, so a
brukerrom recorded after ``createRoom`` is seen at once.

Admin rooms and refused rooms (successors of a foreign tombstone) are guarded the same way.
An admin room's members are its organisation's *current* admins, read fresh every time (never
cached), so a removed admin is refused at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from samsnakk_bot.domain.access import (
    ADMIN_ROOM,
    REFUSED,
    AccessDecision,
    RoomAccess,
    decide_federated_invite,
    decide_invite,
    decide_join,
)
from samsnakk_bot.domain.lifecycle import is_open
from samsnakk_bot.services.store_ports import BrukerromStore, ParticipantStore


class AdminMembers(Protocol):
    async def members_for(self, room_id: str) -> frozenset[str] | None: ...


class RefusedRooms(Protocol):
    async def contains(self, room_id: str) -> bool: ...


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
        brukerrom: BrukerromStore,
        participants: ParticipantStore,
        bot_user_id: str,
        monotonic: Callable[[], float] = time.monotonic,
        cache_ttl_s: float = DEFAULT_CACHE_TTL_S,
        cache_size: int = DEFAULT_CACHE_SIZE,
        *,
        admin_members: AdminMembers | None = None,
        refused: RefusedRooms | None = None,
        history_visibility: str = "joined",
    ) -> None:
        self._rooms = brukerrom
        self._admin_members = admin_members
        self._refused = refused
        self._history = history_visibility
        # Rooms Samsnakk is upgrading right now: their tombstone and settings are its own.
        self._upgrading: set[str] = set()
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

    async def snapshot(self, room_id: str, fresh: bool = False) -> RoomAccess | None:
        """The room as the checks see it, or None if Samsnakk does not guard it.

        ``fresh`` skips the cache: the guard decides on kicks from the database itself.
        """
        now = self._now()
        hit = None if fresh else self._cache.get(room_id)
        if hit is not None and hit.expires > now:
            return hit.access
        generation = self._generation
        room = await self._rooms.get(room_id)
        if room is None:
            return await self._other_guarded(room_id)
        people = await self._participants.in_room(room_id, only_approved=True)
        access = RoomAccess(
            is_brukerrom=True,
            closed=not is_open(room.state),
            approved=frozenset(p.user_id for p in people),
            bot=self._bot,
            history_visibility=self._history,
        )
        if generation == self._generation:
            self._store(room_id, access, now)
        return access

    async def _other_guarded(self, room_id: str) -> RoomAccess | None:
        """An admin room or a refused room; both lookups are in memory after the first."""
        if self._refused is not None and await self._refused.contains(room_id):
            return RoomAccess(True, True, frozenset(), self._bot, kind=REFUSED)
        if self._admin_members is not None:
            admins = await self._admin_members.members_for(room_id)
            if admins is not None:
                return RoomAccess(True, False, admins, self._bot, kind=ADMIN_ROOM)
        return None

    # --- Samsnakk's own upgrades -------------------------------------------------------------

    def begin_upgrade(self, room_id: str) -> None:
        self._upgrading.add(room_id)

    def end_upgrade(self, room_id: str) -> None:
        self._upgrading.discard(room_id)

    def upgrading(self, room_id: str) -> bool:
        return room_id in self._upgrading

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
