"""A closed brukerrom's keys end: the bot forgets its Megolm sessions for the room (D72).

What the bot could read there stays unreadable to it afterwards, even for whoever later gets
its crypto store and pickle key. Runs after the close, when nobody but the bot is left.
"""

from __future__ import annotations

from typing import Protocol

from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase


class RoomKeys(Protocol):
    async def forget(self, room_id: str) -> int: ...


class RoomKeyEnd(RoomUseCase):
    def __init__(self, deps: RoomDeps, keys: RoomKeys) -> None:
        super().__init__(deps)
        self._keys = keys

    async def after_close(self, room_id: str, actor: str) -> None:
        dropped = await self._keys.forget(room_id)
        await self.audit(
            room_id, self.d.bot_user_id, "room_keys_dropped", details={"sessions": dropped}
        )
