"""The guard: watches guarded rooms in the transaction stream and enforces who may be there.

Guarded rooms are brukerrom, admin rooms and refused rooms (successors of a tombstone the bot
did not send). Server admins bypass the antispam checks, and a stolen bot token passes them, so
whatever lands must still end with nobody unapproved in the room and Samsnakk's settings in
place: whoever joins without approval is kicked at once, a foreign setting is put back, and a
foreign tombstone is undone. Every such step is audited.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.access import ADMIN_ROOM, BRUKERROM, REFUSED, RoomAccess
from samsnakk_bot.domain.guarded_state import (
    GUARDED_TYPES,
    TOMBSTONE,
    Tombstone,
    as_set,
    classify_tombstone,
    expected_state,
    predecessor_of,
    successor_of,
)
from samsnakk_bot.domain.lifecycle import ParticipantEvent, RoomState, is_open
from samsnakk_bot.services.access import AccessService
from samsnakk_bot.services.admin_roster import AdminRoster
from samsnakk_bot.services.brukerrom import BrukerromService
from samsnakk_bot.services.ports import RoomMember
from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase
from samsnakk_bot.services.store_ports import RefusedRooms
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)
# How often every guarded room's members are compared with who may be there.
SWEEP_INTERVAL_S = 600.0
# Admin rooms are few: their membership follows the admin list within a minute.
ADMIN_SWEEP_INTERVAL_S = 60.0
# An invite younger than this is left alone by the sweep: a room being created has its
# bruker invited a moment before the approval row is written.
INVITE_GRACE_MS = 60_000


class Guard(RoomUseCase):
    def __init__(
        self,
        deps: RoomDeps,
        rooms: BrukerromService,
        tasks: TaskGroup,
        access: AccessService,
        roster: AdminRoster,
        refused: RefusedRooms,
    ) -> None:
        super().__init__(deps)
        self._rooms = rooms
        self._tasks = tasks
        self._access = access
        self._roster = roster
        self._refused = refused

    async def __call__(self, event: dict[str, Any]) -> None:
        if not isinstance(event.get("state_key"), str):
            return
        etype = str(event.get("type", ""))
        if etype == "m.room.create":
            await self._on_create(event)
            return
        access = await self._access.snapshot(str(event.get("room_id")), fresh=True)
        if access is None:
            return
        if etype in GUARDED_TYPES:
            await self._on_setting(access, event)
        elif etype == TOMBSTONE:
            await self._on_tombstone(access, event)
        elif etype == "m.room.member":
            await self._on_member(access, event)
        elif etype == "m.room.canonical_alias" and access.kind == BRUKERROM:
            await self._on_alias(event)

    # -- membership --------------------------------------------------------------------

    async def _on_member(self, access: RoomAccess, event: dict[str, Any]) -> None:
        room_id = str(event.get("room_id"))
        target = event["state_key"]
        if target == self.d.bot_user_id:
            return
        membership = (event.get("content") or {}).get("membership")
        sender = str(event.get("sender", ""))
        allowed = not access.closed and target in access.approved
        if membership == "join":
            await self._on_join(access, room_id, target, allowed)
        elif membership == "invite" and sender != self.d.bot_user_id and not allowed:
            # An invite we did not make (e.g. a server admin's): revoke it.
            await self.d.actions.kick(room_id, target, texts.GUARD_STRAY_INVITE)
            await self.audit(room_id, sender, "invite_refused", target, {"by": "guard"})
        elif membership == "leave" and sender == target and access.kind == BRUKERROM:
            await self._on_self_leave(room_id, target)

    async def _on_join(self, access: RoomAccess, room_id: str, user: str, allowed: bool) -> None:
        if allowed:
            await self.audit(room_id, user, "joined")
            if access.kind == BRUKERROM:
                await self._maybe_prompt_consent(room_id, user)
            return
        log.warning("unapproved member in a guarded room %s; removing", room_id)
        await self._remove(access, room_id, user, "guard")

    async def _maybe_prompt_consent(self, room_id: str, user: str) -> None:
        room = await self.d.brukerrom.get(room_id)
        if room is None or user != room.bruker_user_id:
            return
        if room.state == RoomState.AWAITING_CONSENT:
            self._tasks.spawn(self._rooms.post_consent_prompt(room), "consent prompt")

    async def _remove(self, access: RoomAccess, room_id: str, user: str, by: str) -> None:
        """Kick someone who may not be here, audit it, and tell the room why."""
        if access.kind == REFUSED:
            moved = await self._refused.reason(room_id) == "upgraded"
            await self.d.actions.kick(
                room_id, user, texts.ROOM_MOVED if moved else texts.ACCESS_ROOM_REFUSED
            )
            await self.audit(room_id, self.d.bot_user_id, "kicked_unapproved", user, {"by": by})
            return
        if access.kind == ADMIN_ROOM:
            await self.d.actions.kick(room_id, user, texts.GUARD_NOT_ADMIN)
            await self.audit(room_id, self.d.bot_user_id, "admin_removed", user, {"by": by})
            notice = texts.admin_removed(await self.d.people.name(user))
        else:
            await self.d.actions.kick(room_id, user, texts.guard_removed().body)
            await self.audit(room_id, self.d.bot_user_id, "kicked_unapproved", user, {"by": by})
            notice = texts.guard_removed()
        self._tasks.spawn(self.d.actions.say(room_id, notice), "guard notice")

    async def _on_self_leave(self, room_id: str, user: str) -> None:
        room = await self.d.brukerrom.get(room_id)
        bruker = room.bruker_user_id if room else None
        if user != bruker and await self.d.participants.end(
            room_id, user, ParticipantEvent.LEAVE, self.d.clock.now_ms()
        ):
            self.d.access.invalidate(room_id)
        await self.audit(room_id, user, "left")

    # -- settings ------------------------------------------------------------------------

    async def _on_setting(self, access: RoomAccess, event: dict[str, Any]) -> None:
        """Settings only Samsnakk sets: whoever changed them, the bot's token included."""
        room_id = str(event.get("room_id"))
        if access.kind == REFUSED or access.closed or self._access.upgrading(room_id):
            return
        etype = str(event["type"])
        content = event.get("content") or {}
        if as_set(etype, content, access.history_visibility):
            return
        await self.d.actions.set_state(
            room_id, etype, expected_state(access.history_visibility)[etype]
        )
        await self.audit(
            room_id, str(event.get("sender")), "settings_restored", details={"type": etype}
        )

    async def _restore_alias(self, room_id: str, alias: str, attempts: int = 5) -> None:
        """Point the alias home, then name it canonical. The upgrade moves the alias while
        we work, and Synapse refuses a canonical alias that points elsewhere, so try again."""
        for attempt in range(attempts):
            if await self.d.actions.alias_target(alias) != room_id:
                await self.d.actions.point_alias(alias, room_id)
            try:
                await self.d.actions.set_state(room_id, "m.room.canonical_alias", {"alias": alias})
                return
            except Exception:
                if attempt == attempts - 1:
                    raise
                log.info("alias of %s moved again while restoring it; trying again", room_id)
                await asyncio.sleep(0.2 * (attempt + 1))

    async def _on_alias(self, event: dict[str, Any]) -> None:
        """An upgrade made with the bot's token moves the room's alias to the successor."""
        room_id = str(event.get("room_id"))
        room = await self.d.brukerrom.get(room_id)
        if room is None or not is_open(room.state) or self._access.upgrading(room_id):
            return
        server = self.d.bot_user_id.split(":", 1)[1]
        alias = f"#{self.d.policies.policy.room.alias_prefix}{room.label}:{server}"
        if (event.get("content") or {}).get("alias") == alias:
            return
        await self._restore_alias(room_id, alias)
        await self.audit(
            room_id,
            str(event.get("sender")),
            "settings_restored",
            details={"type": "m.room.canonical_alias"},
        )

    # -- upgrades ------------------------------------------------------------------------

    async def _on_tombstone(self, access: RoomAccess, event: dict[str, Any]) -> None:
        room_id = str(event.get("room_id"))
        content = event.get("content") or {}
        if access.kind == REFUSED:
            return
        upgrading = self._access.upgrading(room_id)
        if classify_tombstone(content, access.closed, upgrading) is Tombstone.OURS:
            return
        log.warning("foreign tombstone in guarded room %s; refusing its successor", room_id)
        successor = successor_of(TOMBSTONE, content)
        if successor is not None:
            await self._refuse_successor(successor, room_id, str(event.get("sender")))
        # Clients offer to follow a tombstone; redacted, it points nowhere.
        await self.d.actions.redact(room_id, str(event.get("event_id")), "samsnakk: not ours")
        await self.audit(
            room_id,
            str(event.get("sender")),
            "foreign_tombstone",
            details={"successor": successor or ""},
        )
        mentions = sorted(access.approved - {self.d.bot_user_id})
        self._tasks.spawn(
            self.d.actions.say(room_id, texts.foreign_upgrade_alarm(mentions)), "upgrade alarm"
        )

    async def _on_create(self, event: dict[str, Any]) -> None:
        """A new room that says it replaces a guarded one, made with the bot's token."""
        room_id = str(event.get("room_id"))
        predecessor = predecessor_of("m.room.create", event.get("content") or {})
        if predecessor is None or self._access.upgrading(predecessor):
            return
        before = await self._access.snapshot(predecessor, fresh=True)
        if before is None or before.kind == REFUSED:
            return
        await self._refuse_successor(room_id, predecessor, str(event.get("sender")))

    async def _refuse_successor(self, successor: str, predecessor: str, sender: str) -> None:
        if await self.d.brukerrom.get(successor) is not None:
            return  # never refuse a room Samsnakk itself registered
        if await self._refused.add(successor, predecessor, self.now()):
            self._access.invalidate(successor)
            await self.audit(
                predecessor, sender, "successor_refused", details={"successor": successor}
            )
        self._tasks.spawn(self._sweep_quietly(successor), "refused room sweep")

    async def _sweep_quietly(self, room_id: str) -> None:
        try:
            await self.sweep_room(room_id)
        except Exception:
            log.warning("could not sweep refused room %s; the next sweep tries again", room_id)

    # -- the sweep: a failed kick, a missed event or a crash is caught up later ------------

    async def sweep_room(self, room_id: str, invite_grace_ms: int = INVITE_GRACE_MS) -> int:
        """Remove everyone joined or invited who may not be here; invite missing admins."""
        access = await self._access.snapshot(room_id, fresh=True)
        if access is None:
            return 0
        allowed = frozenset() if access.closed else access.approved
        if access.kind == REFUSED and not await self._bot_is_in(room_id):
            return 0  # an attacker's room the bot never joined: joins there are refused anyway
        members = await self.d.actions.current_members(room_id)
        strays = {
            user: member
            for user, member in members.items()
            if user != self.d.bot_user_id and user not in allowed and member.membership != "leave"
        }
        if strays:
            # Someone approved and let in between the two reads above is in the members but
            # not in the first snapshot; approval comes before the invite, so a second look
            # after reading the members sees everyone who came in the right way.
            access = await self._access.snapshot(room_id, fresh=True)
            if access is None:
                return 0
            allowed = frozenset() if access.closed else access.approved
        removed = 0
        for user, member in sorted(strays.items()):
            if user in allowed:
                continue
            if member.membership == "invite":
                if self.now() - member.ts_ms < invite_grace_ms:
                    continue
                await self._revoke(room_id, user, member)
            else:
                await self._remove(access, room_id, user, "sweep")
            removed += 1
        if access.kind == ADMIN_ROOM:
            await self._invite_missing_admins(room_id, access.approved, members)
        return removed

    async def _bot_is_in(self, room_id: str) -> bool:
        try:
            return self.d.bot_user_id in await self.d.actions.joined_members(room_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            return False

    async def _revoke(self, room_id: str, user: str, member: RoomMember) -> None:
        await self.d.actions.kick(room_id, user, texts.GUARD_STRAY_INVITE)
        await self.audit(room_id, self.d.bot_user_id, "invite_revoked", user, {"by": "sweep"})

    async def _invite_missing_admins(
        self, room_id: str, admins: frozenset[str], members: dict[str, RoomMember]
    ) -> None:
        for admin in sorted(admins):
            member = members.get(admin)
            if member is not None and (member.membership != "leave" or member.sender == admin):
                continue  # in the room, invited, or left or declined of their own accord
            try:
                self.d.access.expect_invite(admin)
                await self.d.actions.invite(room_id, admin)
            except asyncio.CancelledError:
                raise
            except Exception:
                # An admin listed in policies who has no account yet: the next round tries.
                log.info("could not invite an admin into admin room %s", room_id)
                continue
            await self.audit(room_id, self.d.bot_user_id, "admin_invited", admin)

    async def reconcile_admin_rooms(self) -> int:
        """Admin room membership follows the admin list: start-up, list changes, every minute."""
        changed = 0
        for room_id in sorted(await self._roster.rooms.all()):
            try:
                changed += await self.sweep_room(room_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("reconciling admin room %s failed; next round will try", room_id)
        return changed

    async def _guarded_rooms(self) -> list[str]:
        rooms = [
            r.room_id
            for r in await self.d.brukerrom.list_all()
            # deleted on the homeserver and blocked: nobody can be in it
            if r.purge_requested_ms is None
        ]
        return rooms + sorted(await self._roster.rooms.all()) + await self._refused.all()

    async def sweep_all(self) -> int:
        removed = 0
        for room_id in await self._guarded_rooms():
            try:
                removed += await self.sweep_room(room_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("sweep of %s failed; next round will try again", room_id)
        return removed

    async def run_sweeps(self, interval_s: float = SWEEP_INTERVAL_S) -> None:
        while True:
            removed = await self.sweep_all()
            if removed:
                log.warning("sweep removed %d unapproved members or invites", removed)
            await asyncio.sleep(interval_s)

    async def run_admin_sweeps(self, interval_s: float = ADMIN_SWEEP_INTERVAL_S) -> None:
        while True:
            await asyncio.sleep(interval_s)
            await self.reconcile_admin_rooms()
