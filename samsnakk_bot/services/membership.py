"""Membership and encryption state from appservice transactions (the authoritative stream)."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.invites import InviteOutcome, decide_bot_invite
from samsnakk_bot.services.store_ports import RoomStore

log = logging.getLogger(__name__)


class BotActions(Protocol):
    async def join_dm(self, room_id: str) -> bool: ...
    async def room_encryption(self, room_id: str) -> str | None: ...
    def greet_later(self, room_id: str) -> None: ...
    async def leave(self, room_id: str, reason: str) -> None: ...


class MembershipHandler:
    def __init__(
        self,
        bot_user_id: str,
        server_name: str,
        bot_localpart: str,
        rooms: RoomStore,
        actions: BotActions,
        clock: Clock,
    ) -> None:
        self._bot = bot_user_id
        self._server = server_name
        self._localpart = bot_localpart
        self._rooms = rooms
        self._actions = actions
        self._clock = clock

    async def __call__(self, event: dict[str, Any]) -> None:
        etype = event.get("type")
        room_id = event.get("room_id")
        if not isinstance(room_id, str) or event.get("state_key") is None:
            return
        content = event.get("content") or {}
        if etype == "m.room.encryption" and event["state_key"] == "":
            algorithm = str(content.get("algorithm", ""))
            await self._rooms.set_encrypted(room_id, algorithm, self._clock.now_ms())
        elif etype == "m.room.member":
            await self._on_member(room_id, event["state_key"], event.get("sender", ""), content)

    async def _on_member(
        self, room_id: str, target: str, sender: str, content: dict[str, Any]
    ) -> None:
        membership = content.get("membership")
        if target == self._bot and membership == "invite":
            await self._on_bot_invited(room_id, sender, bool(content.get("is_direct")))
            return
        record = await self._rooms.get(room_id)
        if (
            record is not None
            and record.kind == "dm"
            and membership in ("join", "invite")
            and target not in (self._bot, record.dm_user_id)
        ):
            # No longer one-to-one: what the bot says there (settings, codes, varsler) is for
            # one person only, so it stops treating the room as a DM and leaves.
            await self._rooms.upsert_kind(room_id, "other", now_ms=self._clock.now_ms())
            await self._actions.leave(room_id, texts.DM_CLOSED)
            return
        if (
            record is not None
            and record.kind == "dm"
            and target == record.dm_user_id
            and membership in ("leave", "ban")
        ):
            # The person left our DM; staying would keep an empty room alive, and varsler
            # must find (or make) a DM the person is actually in.
            await self._rooms.upsert_kind(room_id, "other", now_ms=self._clock.now_ms())
            await self._actions.leave(room_id, texts.DM_CLOSED)

    async def _on_bot_invited(self, room_id: str, inviter: str, is_direct: bool) -> None:
        decision = decide_bot_invite(inviter, self._server, is_direct, self._localpart)
        log.info("invite to %s: %s (%s)", room_id, decision.outcome.value, decision.reason)
        if decision.outcome is InviteOutcome.ACCEPT_DM:
            await self._rooms.upsert_kind(
                room_id, "dm", dm_user_id=inviter, now_ms=self._clock.now_ms()
            )
            if not await self._actions.join_dm(room_id):
                return
            # Events from before our invite never reach us as transactions, so ask the server.
            algorithm = await self._actions.room_encryption(room_id)
            if algorithm:
                await self._rooms.set_encrypted(room_id, algorithm, self._clock.now_ms())
            self._actions.greet_later(room_id)
        else:
            await self._actions.leave(room_id, texts.ONLY_DIRECT_CHATS)
