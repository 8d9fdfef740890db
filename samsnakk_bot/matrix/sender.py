"""The only way the bot sends room messages: encrypted, or not at all (security rule 1)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from nio import GroupEncryptionError, OlmUnverifiedDeviceError, RoomSendResponse

from samsnakk_bot.domain.sending import PlaintextRefused
from samsnakk_bot.domain.trust import CandidateDevice, DeviceKeys
from samsnakk_bot.matrix.client import AppserviceClient

log = logging.getLogger(__name__)


class SendFailed(RuntimeError):
    pass


class EncryptionRecords(Protocol):
    async def is_encrypted(self, room_id: str) -> bool: ...


class KeySharing(Protocol):
    async def shareable(
        self, room_id: str, candidates: Sequence[CandidateDevice]
    ) -> set[tuple[str, str]]: ...


class GuardedSender:
    """Sends only when our DB *and* nio both know the room is encrypted, and shares the room
    key only with devices their owners have cross-signed (MSC4153).

    nio silently sends plaintext to a room whose ``m.room.encryption`` it has not seen, so
    its view alone is not enough; our DB, fed by appservice transactions, is the second check.
    Every other device is blacklisted in nio before the send, so nio withholds the key from it;
    nio rotates the room's session whenever such a mark changes.
    """

    def __init__(
        self, client: AppserviceClient, records: EncryptionRecords, sharing: KeySharing
    ) -> None:
        self._client = client
        self._records = records
        self._sharing = sharing
        # One send at a time per room: a trust mark that changes rotates the room's session,
        # which must not happen between another send's key sharing and its encryption.
        self._room_locks: dict[str, asyncio.Lock] = {}

    async def mark_devices(self, room_id: str) -> None:
        """Verify the devices that may get the room key in nio, blacklist all others."""
        client = self._client
        room = client.rooms.get(room_id)
        if room is None:
            return
        devices = [
            d
            for user_id in room.users
            for d in client.device_store.active_user_devices(user_id)
            if not (user_id == client.user_id and d.id == client.device_id)
        ]
        candidates = [
            CandidateDevice(d.user_id, d.id, DeviceKeys(d.ed25519, d.curve25519)) for d in devices
        ]
        allowed = await self._sharing.shareable(room_id, candidates)
        olm = client.olm
        assert olm is not None
        # nio rewrites its trust files on every mark call, even an unchanged one: mark only
        # what changes (a send went from 132 to 156 ms when every device was marked each time).
        for device in devices:
            if (device.user_id, device.id) in allowed:
                if olm.is_device_blacklisted(device) or not olm.is_device_verified(device):
                    client.unblacklist_device(device)
                    client.verify_device(device)
            elif not olm.is_device_blacklisted(device) or olm.is_device_verified(device):
                client.unverify_device(device)
                client.blacklist_device(device)

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
        async with self._room_locks.setdefault(room_id, asyncio.Lock()):
            resp = await self._send_marked(room_id, event_type, content, txn_id)
        if not isinstance(resp, RoomSendResponse):
            raise SendFailed(f"{room_id}: {getattr(resp, 'status_code', '')} {resp}")
        return str(resp.event_id)

    async def _send_marked(
        self, room_id: str, event_type: str, content: dict[str, Any], txn_id: str
    ) -> Any:
        resp: Any = None
        for attempt in range(3):
            try:
                await self.mark_devices(room_id)
                resp = await self._client.room_send(
                    room_id, event_type, content, tx_id=txn_id, ignore_unverified_devices=False
                )
                return resp
            except OlmUnverifiedDeviceError as err:
                # nio learnt of a device while sending; judge it and send again.
                if attempt == 2:
                    raise
                log.info("new device %s in %s; judging it", err.device.id, room_id)
            except (KeyError, GroupEncryptionError):
                # nio drops a room's outbound session when its members change (e.g. a kick)
                # while it is being shared; a fresh attempt shares a new one.
                if attempt == 2:
                    raise
                log.info("room key rotated during a send in %s; trying again", room_id)
                await asyncio.sleep(0.05 * (attempt + 1))
        return resp
