"""The guard: watches brukerrom membership in the transaction stream and enforces approval.

Server admins bypass the antispam checks, and a forced join must still end with nobody
unapproved in the room: whoever joins without approval is kicked at once, and audited.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import power_levels, power_levels_safe, unapproved_members
from samsnakk_bot.services.brukerrom import BrukerromService
from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)
# How often every brukerrom's members are compared with its approvals.
SWEEP_INTERVAL_S = 600.0


class Guard(RoomUseCase):
    def __init__(self, deps: RoomDeps, rooms: BrukerromService, tasks: TaskGroup) -> None:
        super().__init__(deps)
        self._rooms = rooms
        self._tasks = tasks

    async def __call__(self, event: dict[str, Any]) -> None:
        if not isinstance(event.get("state_key"), str):
            return
        if event.get("type") in ("m.room.power_levels", "m.room.join_rules"):
            await self._on_settings(event)
            return
        if event.get("type") != "m.room.member":
            return
        room = await self.d.brukerrom.get(str(event.get("room_id")))
        target = event["state_key"]
        if room is None or target == self.d.bot_user_id:
            return
        membership = (event.get("content") or {}).get("membership")
        sender = str(event.get("sender", ""))
        approved = room.state != "closed" and await self.d.participants.is_approved(
            room.room_id, target
        )
        if membership == "join":
            await self._on_join(room.room_id, target, approved)
            if approved and target == room.bruker_user_id and room.state == "awaiting_consent":
                self._tasks.spawn(self._rooms.post_consent_prompt(room), "consent prompt")
        elif membership == "invite" and sender != self.d.bot_user_id and not approved:
            # An invite we did not make (e.g. a server admin's): revoke it.
            await self.d.actions.kick(room.room_id, target, texts.ROOM_CLOSED)
            await self.audit(room.room_id, sender, "invite_refused", target, {"by": "guard"})
        elif membership == "leave" and sender == target:
            await self._on_self_leave(room.room_id, target, room.bruker_user_id)

    async def _on_settings(self, event: dict[str, Any]) -> None:
        """Settings nobody but the bot may change; a server admin's tools can still try."""
        room = await self.d.brukerrom.get(str(event.get("room_id")))
        if room is None or room.state == "closed":
            return
        content = event.get("content") or {}
        if event["type"] == "m.room.power_levels" and not power_levels_safe(content):
            await self.d.actions.set_state(room.room_id, "m.room.power_levels", power_levels())
            await self.audit(
                room.room_id,
                str(event.get("sender")),
                "settings_restored",
                details={"type": "m.room.power_levels"},
            )
        elif event["type"] == "m.room.join_rules" and content.get("join_rule") != "invite":
            await self.d.actions.set_state(
                room.room_id, "m.room.join_rules", {"join_rule": "invite"}
            )
            await self.audit(
                room.room_id,
                str(event.get("sender")),
                "settings_restored",
                details={"type": "m.room.join_rules"},
            )

    async def _on_join(self, room_id: str, user: str, approved: bool) -> None:
        if approved:
            await self.audit(room_id, user, "joined")
            return
        log.warning("unapproved member in brukerrom %s; removing", room_id)
        await self.d.actions.kick(room_id, user, texts.guard_removed().body)
        await self.audit(room_id, self.d.bot_user_id, "kicked_unapproved", user)
        self._tasks.spawn(self.d.actions.say(room_id, texts.guard_removed()), "guard notice")

    async def _on_self_leave(self, room_id: str, user: str, bruker: str | None) -> None:
        if user != bruker and await self.d.participants.end(
            room_id, user, "left", self.d.clock.now_ms()
        ):
            self.d.access.invalidate(room_id)
        await self.audit(room_id, user, "left")

    # -- the sweep: a failed kick, a missed event or a crash is caught up later ------------

    async def sweep_room(self, room_id: str) -> int:
        """Remove everyone joined who is not approved (everyone but the bot if closed)."""
        room = await self.d.brukerrom.get(room_id)
        if room is None:
            return 0
        approved = (
            frozenset()
            if room.state == "closed"
            else frozenset(p.user_id for p in await self.d.participants.in_room(room_id))
        )
        joined = frozenset(await self.d.actions.joined_members(room_id))
        extra = unapproved_members(joined, approved, self.d.bot_user_id)
        for user in sorted(extra):
            await self.d.actions.kick(room_id, user, texts.guard_removed().body)
            await self.audit(
                room_id, self.d.bot_user_id, "kicked_unapproved", user, {"by": "sweep"}
            )
        return len(extra)

    async def sweep_all(self) -> int:
        removed = 0
        for room in await self.d.brukerrom.list_all():
            if room.purge_requested_ms is not None:
                continue  # deleted on the homeserver and blocked: nobody can be in it
            try:
                removed += await self.sweep_room(room.room_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("sweep of %s failed; next round will try again", room.room_id)
        return removed

    async def run_sweeps(self, interval_s: float = SWEEP_INTERVAL_S) -> None:
        while True:
            removed = await self.sweep_all()
            if removed:
                log.warning("sweep removed %d unapproved members", removed)
            await asyncio.sleep(interval_s)
