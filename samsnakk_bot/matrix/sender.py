"""The only way the bot sends room messages: encrypted, or not at all (security rule 1)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any, Protocol

from nio import RoomSendResponse

from samsnakk_bot.matrix.client import AppserviceClient

log = logging.getLogger(__name__)


class PlaintextRefused(RuntimeError):
    """A send was stopped because it could have left the bot unencrypted."""


class SendFailed(RuntimeError):
    pass


class EncryptionRecords(Protocol):
    async def is_encrypted(self, room_id: str) -> bool: ...


class GuardedSender:
    """Sends only when our DB *and* nio both know the room is encrypted.

    nio silently sends plaintext to a room whose ``m.room.encryption`` it has not seen, so
    its view alone is not enough; our DB, fed by appservice transactions, is the second check.
    """

    def __init__(self, client: AppserviceClient, records: EncryptionRecords) -> None:
        self._client = client
        self._records = records

    async def check(self, room_id: str) -> None:
        if not await self._records.is_encrypted(room_id):
            raise PlaintextRefused(f"{room_id}: not recorded as encrypted")
        room = await self._client.joined_room(room_id)
        if room is None or not room.encrypted:
            raise PlaintextRefused(f"{room_id}: the E2EE client has not seen m.room.encryption")

    async def send(
        self,
        room_id: str,
        content: dict[str, Any],
        event_type: str = "m.room.message",
        txn_id: str | None = None,
    ) -> str:
        """``txn_id`` makes a retried send the same event: Synapse de-duplicates it."""
        await self.check(room_id)
        txn_id = txn_id or uuid.uuid4().hex  # the same ID on a retry: never sent twice
        for attempt in range(3):
            try:
                resp = await self._client.room_send(
                    room_id, event_type, content, tx_id=txn_id, ignore_unverified_devices=True
                )
                break
            except KeyError:
                # nio drops a room's outbound session when its members change (e.g. a kick)
                # while it is being shared; a fresh attempt shares a new one.
                if attempt == 2:
                    raise
                log.info("room key rotated during a send in %s; trying again", room_id)
                await asyncio.sleep(0.05 * (attempt + 1))
        if not isinstance(resp, RoomSendResponse):
            raise SendFailed(f"{room_id}: {getattr(resp, 'status_code', '')} {resp}")
        return str(resp.event_id)
