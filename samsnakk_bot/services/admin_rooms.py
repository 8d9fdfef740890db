"""One encrypted admin room per organisation, with the admins the roster names.

The guard (services/guard.py) keeps each room's membership in step with the roster afterwards.
"""

from __future__ import annotations

import logging

from samsnakk_bot.domain import texts
from samsnakk_bot.policies import HELSEFELLESSKAP_ID
from samsnakk_bot.services.admin_roster import AdminRoster
from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase

log = logging.getLogger(__name__)


class AdminRooms(RoomUseCase):
    def __init__(self, deps: RoomDeps, roster: AdminRoster) -> None:
        super().__init__(deps)
        self._roster = roster
        self._admin_rooms = roster.rooms

    async def ensure_admin_rooms(self) -> int:
        """An encrypted admin room for every organisation with an admin who exists.

        Admins are those the roster names (services/admin_roster.py); the guard keeps the
        room's membership in step with it afterwards.
        """
        made = 0
        for org in self.d.policies.organisations.organisations:
            if await self._admin_rooms.room_for(org.id) is not None:
                continue
            candidates = sorted(await self._roster.admins_of(org.id))
            admins = [a for a in candidates if await self._reachable(a)]
            if not admins:
                continue
            await self._make_admin_room(org.id, org.name, admins)
            made += 1
        hf = self.d.policies.organisations.helsefellesskap
        if hf is not None and await self._admin_rooms.room_for(HELSEFELLESSKAP_ID) is None:
            viewers = [v for v in hf.report_viewers if await self._reachable(v)]
            if viewers:
                await self._make_admin_room(HELSEFELLESSKAP_ID, hf.name, viewers)
                made += 1
        return made

    async def _reachable(self, user_id: str) -> bool:
        """Whether the account exists; one on a server we cannot reach must not stop the rest."""
        try:
            return await self.d.actions.user_exists(user_id)
        except Exception:
            log.warning("admin %s could not be looked up; no admin room for them yet", user_id)
            return False

    async def _make_admin_room(self, org_id: str, name: str, admins: list[str]) -> None:
        for admin in admins:
            self.d.access.expect_invite(admin)
        room_id = await self.d.actions.create_admin_room(
            f"{texts.ADMIN_ROOM_NAME} · {name}", admins
        )
        now = self.now()
        await self.d.rooms.upsert_kind(room_id, "admin", now_ms=now)
        await self.d.rooms.set_encrypted(room_id, "m.megolm.v1.aes-sha2", now)
        await self._admin_rooms.add(org_id, room_id, now)
        await self.audit(
            room_id,
            self.d.bot_user_id,
            "admin_action",
            details={"what": "admin_room_created", "org": org_id},
        )

    async def _admin_rooms_invite(self, room_id: str, user_id: str) -> None:
        """Invite an admin added after the room was made (e.g. a new admin in policies)."""
        self.d.access.expect_invite(user_id)
        await self.d.actions.invite(room_id, user_id)
