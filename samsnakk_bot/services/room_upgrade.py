"""Samsnakk upgrades a brukerrom itself (e.g. to a new room version).

The successor is registered before anyone is invited, so every layer guards it at once: the
room's records move to it, the old room is sealed (nobody may join it again), and the approved
participants are invited by the bot. While the upgrade runs, the old room's tombstone and the
power change Synapse makes there are Samsnakk's own (``AccessService.begin_upgrade``).
"""

from __future__ import annotations

from samsnakk_bot.domain.brukerrom import MEGOLM, ROOM_VERSION
from samsnakk_bot.domain.lifecycle import is_open
from samsnakk_bot.services.access import AccessService
from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase
from samsnakk_bot.services.store_ports import RefusedRooms, RoomMover


class RoomUpgrader(RoomUseCase):
    def __init__(
        self, deps: RoomDeps, access: AccessService, refused: RefusedRooms, moves: RoomMover
    ) -> None:
        super().__init__(deps)
        self._access = access
        self._refused = refused
        self._moves = moves

    async def upgrade(self, room_id: str, version: str = ROOM_VERSION) -> str:
        """Upgrade ``room_id``; returns the successor's room ID."""
        room = await self.d.brukerrom.get(room_id)
        if room is None or not is_open(room.state):
            raise ValueError("only an open brukerrom can be upgraded")
        people = [p.user_id for p in await self.d.participants.in_room(room_id)]
        self._access.begin_upgrade(room_id)
        try:
            successor = await self.d.actions.upgrade_room(room_id, version)
            await self._register(room_id, successor)
        finally:
            self._access.end_upgrade(room_id)
        for user in people:
            self.d.access.expect_invite(user)
            await self.d.actions.invite(successor, user)
        return successor

    async def _register(self, old: str, new: str) -> None:
        now = self.now()
        await self.d.rooms.upsert_kind(new, "brukerrom", now_ms=now)
        await self.d.rooms.set_encrypted(new, MEGOLM, now)
        # Sealed before its records move, so no check ever sees it unguarded.
        await self._refused.add(old, new, now, reason="upgraded")
        await self._moves.move_brukerrom(old, new)
        self._access.invalidate(old)
        self._access.invalidate(new)
        await self.audit(old, self.d.bot_user_id, "room_upgraded", details={"successor": new})
        await self.audit(new, self.d.bot_user_id, "room_upgraded", details={"predecessor": old})
