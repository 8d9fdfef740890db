"""Varsler in the app: an encrypted DM from the bot, ``m.text`` with a mention so it notifies.

The send uses the varsel's idempotency key as the Matrix transaction ID, so a retry after a
crash is de-duplicated by Synapse instead of arriving twice.
"""

from __future__ import annotations

from typing import Any, Protocol

from bridge.channels.base import ChannelContext, Delivery, DmSender, PermanentFailure
from bridge.channels.registry import ChannelSpec, NoSettings
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.replies import Reply, reply_content


class DmBot(Protocol):
    async def wait_until_encrypted(self, room_id: str, timeout: float = 10.0) -> bool: ...
    async def send_content(self, room_id: str, content: dict[str, Any], txn_id: str) -> str: ...
    async def create_dm(self, user_id: str) -> str: ...


class DmRooms(Protocol):
    async def dm_with(self, user_id: str) -> str | None: ...
    async def upsert_kind(
        self, room_id: str, kind: Any, dm_user_id: str | None = None, *, now_ms: int
    ) -> None: ...
    async def set_encrypted(self, room_id: str, algorithm: str, now_ms: int) -> None: ...


class MatrixDm:
    def __init__(self, bot: DmBot, rooms: DmRooms, now_ms: Any) -> None:
        self._bot = bot
        self._rooms = rooms
        self._now_ms = now_ms

    async def send(self, user_id: str, reply: Reply, txn_id: str) -> str:
        room_id = await self._rooms.dm_with(user_id)
        if room_id is None:
            room_id = await self._bot.create_dm(user_id)
            now = self._now_ms()
            await self._rooms.upsert_kind(room_id, "dm", dm_user_id=user_id, now_ms=now)
            await self._rooms.set_encrypted(room_id, "m.megolm.v1.aes-sha2", now)
        if not await self._bot.wait_until_encrypted(room_id):
            raise RuntimeError(f"DM {room_id} never became encrypted")
        return await self._bot.send_content(room_id, reply_content(reply), txn_id)


class AppVarsler:
    """Varsler in the app: the bot's DM to the person, keyed by the varsel's idempotency key."""

    def __init__(self, dm: DmSender) -> None:
        self._dm = dm

    async def deliver(self, delivery: Delivery) -> str | None:
        if delivery.user_id is None:
            raise PermanentFailure("app varsel without a person")
        reply = texts.varsel_app(delivery.user_id, delivery.kind, delivery.count)
        return await self._dm.send(delivery.user_id, reply, delivery.idem_key)

    async def close(self) -> None:
        pass


def _varsler(_settings: NoSettings, ctx: ChannelContext) -> AppVarsler:
    return AppVarsler(ctx.dm)


# Always on: no config section.
CHANNEL = ChannelSpec("app", None, NoSettings, _varsler)
