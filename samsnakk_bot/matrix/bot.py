"""The bot's E2EE side: device, keys, sync, and the encrypted conversation.

Membership and state decisions come from appservice transactions (services/membership.py);
this module only carries them out and handles decrypted messages.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nio import (
    EncryptionError,
    JoinError,
    KeysUploadError,
    MatrixRoom,
    MegolmEvent,
    RoomKeyEvent,
    RoomMessageText,
    SyncError,
    SyncResponse,
    UnknownEvent,
)

from samsnakk_bot.config import Config
from samsnakk_bot.domain.polls import POLL_RESPONSE, read_response
from samsnakk_bot.domain.replies import Reply, reply_content
from samsnakk_bot.domain.sending import PlaintextRefused
from samsnakk_bot.matrix.as_http import AppserviceHttp, MatrixHttpError
from samsnakk_bot.matrix.client import AppserviceClient
from samsnakk_bot.matrix.cross_signing import (
    Cipher,
    CrossSigningStatus,
    SecretStore,
    ensure_cross_signed,
)
from samsnakk_bot.matrix.device import choose_device, ensure_device, register_bot
from samsnakk_bot.matrix.late_keys import LateEvents
from samsnakk_bot.matrix.sender import GuardedSender, KeySharing
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)
GREETING_WAIT_S = 60.0

# The bot reads timelines, state, to-device messages and device lists, never presence,
# typing, receipts or account data. Left in, every read receipt in any of thousands of rooms
# wakes its /sync; filtered with "not_types": ["*"], Synapse skips computing them at all.
NOTHING = {"not_types": ["*"]}
SYNC_FILTER: dict[str, Any] = {
    "presence": NOTHING,
    "account_data": NOTHING,
    "room": {"ephemeral": NOTHING, "account_data": NOTHING},
}


@dataclass(frozen=True)
class SendingDevice:
    """The keys that bind a decrypted event to a device: the Olm sender key that shared its
    Megolm session, and the signing key the session claims. ``None`` for a forwarded session."""

    curve25519: str | None
    ed25519: str | None


@dataclass(frozen=True)
class IncomingText:
    room_id: str
    event_id: str
    sender: str
    body: str
    device: SendingDevice = SendingDevice(None, None)


@dataclass(frozen=True)
class IncomingPollAnswer:
    room_id: str
    event_id: str
    sender: str
    poll_event_id: str
    answer: str
    device: SendingDevice = SendingDevice(None, None)


MessageHandler = Callable[[IncomingText], Awaitable[Reply | None]]
PollHandler = Callable[[IncomingPollAnswer], Awaitable[Reply | None]]
GreetingFactory = Callable[[str], Awaitable[Reply | None]]
DeviceListsChanged = Callable[[list[str]], None]


def _safe_to_answer_early(room: MatrixRoom, sender_and_bot: set[str]) -> bool:
    """Whether a reply sent before /sync has caught up can only reach whom it should.

    A member list nio has not fetched yet (a room made by a restart's incremental sync, or
    rebuilt on demand) is asked from the server before nio shares a key: it is current. A
    list nio keeps up from /sync may miss a leave; it is safe only if its one other member is
    the sender. Anywhere else the command waits for /sync.
    """
    return not room.members_synced or set(room.users) == sender_and_bot


class _RecentIds:
    """Event IDs already answered, so a replayed sync never answers twice."""

    def __init__(self, size: int = 4096) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def __contains__(self, event_id: str) -> bool:
        return event_id in self._ids

    def seen(self, event_id: str) -> bool:
        if event_id in self._ids:
            return True
        self._ids[event_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return False


class BotRuntime:
    def __init__(
        self,
        cfg: Config,
        secrets: SecretStore,
        cipher: Cipher,
        encryption_records: Any,
        now_ms: Callable[[], int],
    ) -> None:
        self._cfg = cfg
        self._secrets = secrets
        self._cipher = cipher
        self._records = encryption_records
        self._now_ms = now_ms
        self.user_id = cfg.bot_user_id
        self.http = AppserviceHttp(cfg.homeserver.url, cfg.appservice.as_token, self.user_id)
        self.client: AppserviceClient | None = None
        self.sender: GuardedSender | None = None
        self.cross_signing: CrossSigningStatus | None = None
        self._tasks = TaskGroup()
        self._on_message: MessageHandler | None = None
        self._greeting: GreetingFactory | None = None
        self._on_poll: PollHandler | None = None
        self._answered = _RecentIds()
        self._synced = asyncio.Event()
        self._sharing: KeySharing | None = None
        self._on_device_lists: DeviceListsChanged | None = None
        self._late: LateEvents[MegolmEvent] = LateEvents()

    def set_key_sharing(self, sharing: KeySharing, on_changed: DeviceListsChanged) -> None:
        """Who may get room keys, and whom to tell when someone's devices or keys change."""
        self._sharing = sharing
        self._on_device_lists = on_changed

    @property
    def device_id(self) -> str:
        assert self.client is not None
        return str(self.client.device_id)

    def set_message_handler(self, handler: MessageHandler) -> None:
        self._on_message = handler

    def set_poll_handler(self, handler: PollHandler) -> None:
        self._on_poll = handler

    def set_greeting(self, factory: GreetingFactory) -> None:
        self._greeting = factory

    async def start(self) -> None:
        cfg = self._cfg
        await register_bot(self.http)
        device = choose_device(cfg.bot.store_dir, self.user_id, cfg.bot.device_id)
        await ensure_device(self.http, device, cfg.bot.display_name)

        client = AppserviceClient(
            cfg.homeserver.url,
            self.user_id,
            device.device_id,
            cfg.bot.store_dir,
            cfg.bot.pickle_key,
            masquerade=cfg.appservice.msc4190,
        )
        client.restore_login(self.user_id, device.device_id, cfg.appservice.as_token)
        self.client = client
        if self._sharing is None:
            raise RuntimeError("the bot needs a key-sharing policy before it starts (MSC4153)")
        self.sender = GuardedSender(client, self._records, self._sharing)
        if client.should_upload_keys:
            resp = await client.keys_upload()
            if isinstance(resp, KeysUploadError):
                raise RuntimeError(f"could not upload the bot's device keys: {resp.message}")
        # Setting the name, even to the same one, makes Synapse renew the bot's join in every
        # room it is in, through our join check: about an hour at 10,000 rooms (D56).
        profile = await client.get_displayname()
        if getattr(profile, "displayname", None) != cfg.bot.display_name:
            await client.set_displayname(cfg.bot.display_name)
        self.cross_signing = await ensure_cross_signed(
            self.http, self._secrets, self._cipher, device.device_id, self._now_ms()
        )

        # Catch up before listening, so a first start never answers old history. A restart
        # asks only for what changed since the stored token: the full state of every room
        # took 92-136 s at 10,000 rooms (D55). Quiet rooms are rebuilt when needed.
        fresh = client.loaded_sync_token is None
        first = await client.sync(timeout=0, sync_filter=SYNC_FILTER)
        if isinstance(first, SyncError):
            raise RuntimeError(f"initial sync failed: {first.message}")
        if not fresh:
            await self._handle_backlog(first)
        client.add_response_callback(self._on_sync, SyncResponse)
        client.add_event_callback(self._on_text, RoomMessageText)
        client.add_event_callback(self._on_undecryptable, MegolmEvent)
        client.add_event_callback(self._on_unknown, UnknownEvent)
        client.add_to_device_callback(self._on_room_key, RoomKeyEvent)
        self._synced.set()
        self._tasks.spawn(self._sync_loop(), "nio-sync")
        log.info("bot %s ready on device %s", self.user_id, device.device_id)

    async def _handle_backlog(self, sync: Any) -> None:
        """Commands that arrived while we were down are still answered."""
        for room_id, info in sync.rooms.join.items():
            if self.client is None or room_id not in self.client.rooms:
                continue
            for event in info.timeline.events:
                await self._dispatch(room_id, event)

    async def _dispatch(self, room_id: str, event: Any) -> None:
        if isinstance(event, RoomMessageText):
            await self._handle_text(room_id, event)
        elif isinstance(event, UnknownEvent):
            await self._handle_unknown(room_id, event)
        elif isinstance(event, MegolmEvent):
            self._hold(room_id, event)

    def take_transaction(self, events: list[dict[str, Any]]) -> None:
        """Messages from an appservice transaction, opened as soon as it arrives (D176).

        Synapse pushes each event to us in a transaction before our long-poll /sync carries
        it: 0.26-0.43 s earlier at 10,000 rooms, where Synapse works out the bot's sync across
        every room. A message whose key we hold is answered from here; /sync still brings
        the same event, which ``_answered`` then skips, and holds it if its key is late.

        Only where that is safe (``_safe_to_answer_early``): the reply's room key goes to
        nio's members, and nio learns of joins and leaves from /sync, in stream order.
        """
        if not self._synced.is_set():
            return  # until the first sync, backlog and history are the first sync's to judge
        encrypted = [
            e
            for e in events
            if e.get("type") == "m.room.encrypted"
            and e.get("sender") != self.user_id
            and isinstance(e.get("room_id"), str)
            and str(e.get("event_id")) not in self._answered
        ]
        if encrypted:
            self._tasks.spawn(self._open_from_transaction(encrypted), "transaction messages")

    async def _open_from_transaction(self, events: list[dict[str, Any]]) -> None:
        assert self.client is not None and self.client.olm is not None
        for raw in events:
            event = MegolmEvent.from_dict(raw)
            if not isinstance(event, MegolmEvent) or event.event_id in self._answered:
                continue
            room_id = str(raw["room_id"])
            room = await self.client.joined_room(room_id)
            if room is None or not _safe_to_answer_early(room, {self.user_id, event.sender}):
                log.debug("%s: left to /sync, which brings the members first", event.event_id)
                continue
            try:
                opened = self.client.olm.decrypt_megolm_event(event, room_id)
            except EncryptionError as err:
                # No key yet: /sync brings the event too and holds it (D171).
                log.debug("%s: left to /sync (%s)", event.event_id, err)
                continue
            log.debug("%s: opened from its transaction", event.event_id)
            await self._dispatch(room_id, opened)

    async def _sync_loop(self) -> None:
        assert self.client is not None
        while True:
            try:
                await self.client.sync_forever(timeout=30_000, sync_filter=SYNC_FILTER)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sync loop failed; restarting in 2 s")
                await asyncio.sleep(2)

    async def stop(self) -> None:
        await self._tasks.stop()
        if self.client is not None:
            await self.client.close()
        await self.http.close()

    # -- actions decided by the membership handler -------------------------------------

    async def join_dm(self, room_id: str) -> bool:
        assert self.client is not None
        resp = await self.client.join(room_id)
        if isinstance(resp, JoinError):
            log.warning("could not join %s: %s", room_id, resp.status_code)
            return False
        return True

    def greet_later(self, room_id: str) -> None:
        self._tasks.spawn(self._greet_when_ready(room_id), f"greet {room_id}")

    async def room_encryption(self, room_id: str) -> str | None:
        """The room's current ``m.room.encryption`` algorithm as the server has it."""
        path = f"/_matrix/client/v3/rooms/{self.http.q(room_id)}/state/m.room.encryption/"
        try:
            content = await self.http.request("GET", path)
        except MatrixHttpError as err:
            if err.status == 404:
                return None
            raise
        return str(content.get("algorithm", "")) or None

    async def leave(self, room_id: str, reason: str) -> None:
        await self.http.request(
            "POST", f"/_matrix/client/v3/rooms/{self.http.q(room_id)}/leave", {"reason": reason}
        )

    async def send_content(self, room_id: str, content: dict[str, Any], txn_id: str) -> str:
        assert self.sender is not None
        return await self.sender.send(room_id, content, txn_id=txn_id)

    async def create_dm(self, user_id: str) -> str:
        """A new encrypted direct chat from the bot to ``user_id``."""
        result = await self.http.request(
            "POST",
            "/_matrix/client/v3/createRoom",
            {
                "preset": "trusted_private_chat",
                "is_direct": True,
                "invite": [user_id],
                "initial_state": [
                    {
                        "type": "m.room.encryption",
                        "state_key": "",
                        "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                    }
                ],
            },
        )
        room_id = str(result["room_id"])
        await self._wait_until_known(room_id, user_id)
        return room_id

    async def _wait_until_known(self, room_id: str, user_id: str, timeout: float = 10.0) -> None:
        """Until our sync shows ``user_id`` invited: nio shares the room key only with the
        members it knows, and Synapse sends the invite after the room's first state. With
        workers the /sync worker may show the room before the invite, and a message sent
        then could never be read by the person it was for (tests/integration/
        test_worker_stack.py)."""
        assert self.client is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            room = self.client.rooms.get(room_id)
            if room is not None and user_id in room.users:
                return
            await asyncio.sleep(0.05)
        log.warning("%s: the invite is not in our sync after %.0f s", room_id, timeout)

    async def wait_until_encrypted(self, room_id: str, timeout: float = 10.0) -> bool:
        """Wait until nio has seen the room and its encryption, enabling it if missing."""
        assert self.client is not None
        deadline = time.monotonic() + timeout
        asked = False
        while time.monotonic() < deadline:
            room = await self.client.joined_room(room_id)
            if room is not None and room.encrypted:
                return True
            if room is not None and not asked and time.monotonic() > deadline - timeout / 2:
                # A DM without E2EE: turn it on rather than ever speak in plaintext.
                asked = True
                await self.client.room_put_state(
                    room_id, "m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"}
                )
            await asyncio.sleep(0.05)
        return False

    async def _greet_when_ready(self, room_id: str) -> None:
        if self._greeting is None or self.sender is None:
            return
        # A minute, not 10 s: under load our /sync can trail a new DM that long, and a
        # person who gets no greeting does not know the bot is there (D170).
        if not await self.wait_until_encrypted(room_id, timeout=GREETING_WAIT_S):
            log.warning("room %s never became encrypted; not greeting", room_id)
            return
        reply = await self._greeting(room_id)
        if reply is not None:
            await self.send_reply(room_id, reply)

    async def send_reply(self, room_id: str, reply: Reply) -> str:
        assert self.sender is not None
        # Our DB learns of encryption from the transaction stream; give it a moment.
        for _ in range(40):
            try:
                return await self.sender.send(room_id, reply_content(reply))
            except PlaintextRefused:
                if not await self._records.is_encrypted(room_id):
                    await asyncio.sleep(0.05)
                    continue
                raise
        return await self.sender.send(room_id, reply_content(reply))

    # -- the encrypted conversation ------------------------------------------------------

    async def _on_sync(self, response: SyncResponse) -> None:
        changed = list(response.device_list.changed)
        if changed and self._on_device_lists is not None:
            self._on_device_lists(changed)

    def _sending_device(self, room_id: str, event: Any) -> SendingDevice:
        assert self.client is not None and self.client.olm is not None
        sender_key = getattr(event, "sender_key", None)
        session_id = getattr(event, "session_id", None)
        if not sender_key or not session_id:
            return SendingDevice(None, None)
        session = self.client.olm.inbound_group_store.get(room_id, sender_key, session_id)
        if session is None or session.forwarding_chain:
            return SendingDevice(None, None)  # a forwarded key proves no device
        return SendingDevice(sender_key, session.ed25519)

    async def _on_text(self, room: MatrixRoom, event: RoomMessageText) -> None:
        await self._handle_text(room.room_id, event)

    async def _handle_text(self, room_id: str, event: RoomMessageText) -> None:
        if event.sender == self.user_id or self._on_message is None:
            return
        if not event.decrypted:
            return  # never act on a plaintext message
        if self._answered.seen(event.event_id):
            return
        incoming = IncomingText(
            room_id,
            event.event_id,
            event.sender,
            event.body,
            self._sending_device(room_id, event),
        )
        reply = await self._on_message(incoming)
        if reply is not None:
            await self.send_reply(room_id, reply)

    async def _on_unknown(self, room: MatrixRoom, event: UnknownEvent) -> None:
        await self._handle_unknown(room.room_id, event)

    async def _handle_unknown(self, room_id: str, event: UnknownEvent) -> None:
        """Poll answers arrive as a type nio does not model; only encrypted ones count."""
        if event.type != POLL_RESPONSE or self._on_poll is None or event.sender == self.user_id:
            return
        if not getattr(event, "decrypted", False) or self._answered.seen(event.event_id):
            return
        parsed = read_response(event.source.get("content", {}))
        if parsed is None:
            return
        answer = IncomingPollAnswer(
            room_id,
            event.event_id,
            event.sender,
            *parsed,
            device=self._sending_device(room_id, event),
        )
        reply = await self._on_poll(answer)
        if reply is not None:
            await self.send_reply(room_id, reply)

    async def _on_undecryptable(self, room: MatrixRoom, event: MegolmEvent) -> None:
        self._hold(room.room_id, event)

    def _hold(self, room_id: str, event: MegolmEvent) -> None:
        log.warning(
            "could not decrypt %s in %s (session %s) yet; waiting for its key",
            event.event_id,
            room_id,
            event.session_id,
        )
        self._late.hold(event.event_id, room_id, event.session_id, event)

    async def _on_room_key(self, key: RoomKeyEvent) -> None:
        """Open the events that came before this key, and handle them as if just arrived."""
        assert self.client is not None and self.client.olm is not None
        for event in self._late.release(key.room_id, key.session_id):
            try:
                opened = self.client.olm.decrypt_megolm_event(event, key.room_id)
            except EncryptionError as err:
                log.warning("could not decrypt %s after its key came: %s", event.event_id, err)
                continue
            log.info("decrypted %s in %s after its key came", event.event_id, key.room_id)
            await self._dispatch(key.room_id, opened)
