"""Tell people when someone's security identity changes: the rooms they share, and their DM."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.lifecycle import ROOMS_WITH_BRUKER
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase

log = logging.getLogger(__name__)

SendToRoom = Callable[[str, Reply], Awaitable[object]]
SendToPerson = Callable[[str, Reply, str], Awaitable[object]]


class IdentityNotices(RoomUseCase):
    def __init__(self, deps: RoomDeps, to_room: SendToRoom, to_person: SendToPerson) -> None:
        super().__init__(deps)
        self._to_room = to_room
        self._to_person = to_person

    async def identity_changed(self, user_id: str) -> None:
        for room_id, bruker in await self._open_rooms_of(user_id):
            if bruker == user_id:
                reply = texts.bruker_identity_changed_in_room(user_id)
            else:
                person = await self.d.people.describe(user_id)
                reply = texts.identity_changed_in_room(person, user_id, bruker)
            try:
                await self._to_room(room_id, reply)
            except Exception:
                log.exception("could not tell room %s of an identity change", room_id)
        txn = f"identity-{user_id}-{self.now()}"
        await self._to_person(user_id, texts.identity_changed_dm(), txn)

    async def _open_rooms_of(self, user_id: str) -> list[tuple[str, str | None]]:
        rooms: dict[str, str | None] = {}
        for room in await self.d.brukerrom.list_all(ROOMS_WITH_BRUKER):
            if room.bruker_user_id == user_id or room.creator_user_id == user_id:
                rooms[room.room_id] = room.bruker_user_id
        for room_id in await self.d.participants.rooms_of(user_id):
            record = await self.d.brukerrom.get(room_id)
            if record is not None and record.state in ROOMS_WITH_BRUKER:
                rooms[room_id] = record.bruker_user_id
        return list(rooms.items())
