"""Real homeserver and real E2EE clients for tests and benchmarks. Nothing here is mocked."""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client_cross_signing import Identity, publish_identity, sign_device
from nio import (
    AsyncClient,
    AsyncClientConfig,
    EncryptionError,
    ForwardedRoomKeyEvent,
    LoginResponse,
    MatrixRoom,
    MegolmEvent,
    RoomCreateResponse,
    RoomEncryptedFile,
    RoomEncryptedImage,
    RoomKeyEvent,
    RoomMessageNotice,
    RoomMessageText,
    RoomSendResponse,
    UnknownEvent,
)

from samsnakk_bot.devstack.layout import (
    SERVER_NAME,
    DevStack,
    FederationSetup,
    prepare_dev_stack,
)
from samsnakk_bot.devstack.synapse_process import SynapseProcess
from samsnakk_bot.ops.admin_register import register_user

# Third-party chatter that says nothing about our code: nio's key bookkeeping while clients
# come and go ("Missing session for device …"), its complaints about a worker's 502 during a
# restart. Silenced for tests and benches, which all import this module; an operator's log
# never does and keeps it (app.configure_logging caps it at WARNING, not above).
QUIET_LOGGERS = ("nio.crypto", "nio.responses", "nio.rooms", "peewee")


def quiet_third_party_logs() -> None:
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


quiet_third_party_logs()

ENCRYPTION_STATE = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass
class RunningSynapse:
    stack: DevStack
    process: SynapseProcess

    @property
    def url(self) -> str:
        return self.stack.synapse.base_url

    @property
    def admin_url(self) -> str:
        """Where the admin API answers (behind nginx it is never proxied)."""
        return self.url


def start_synapse(
    data_dir: Path,
    antispam: bool = True,
    policies_dir: Path | None = None,
    *,
    server_name: str = SERVER_NAME,
    bind_host: str = "127.0.0.1",
    federation: FederationSetup | None = None,
    synapse_extra: dict[str, Any] | None = None,
) -> RunningSynapse:
    stack = prepare_dev_stack(
        data_dir,
        free_port(bind_host),
        free_port(),
        policies_dir=policies_dir,
        antispam=antispam,
        server_name=server_name,
        bind_host=bind_host,
        federation=federation,
        synapse_extra=synapse_extra,
    )
    proc = SynapseProcess(stack.synapse.config_path, stack.synapse.base_url)
    proc.start()
    return RunningSynapse(stack, proc)


@dataclass
class Seen:
    room_id: str
    sender: str
    body: str
    msgtype: str
    decrypted: bool
    content: dict[str, Any]
    ts: int = 0  # the server's origin_server_ts


# Every started client until it is stopped: conftest.py stops the ones a test left running at
# the end of its module, so no aiohttp session is left for the garbage collector to report.
OPEN_USERS: list[MatrixUser] = []


async def stop_open_users() -> int:
    """Stop every client still running; returns how many there were."""
    left = list(OPEN_USERS)
    for user in left:
        await user.stop()
    return len(left)


@dataclass
class MatrixUser:
    """A person with a real E2EE nio client that keeps syncing in the background."""

    user_id: str
    password: str
    client: AsyncClient
    seen: list[Seen] = field(default_factory=list)
    identity: Identity | None = None
    _sync_task: asyncio.Task[Any] | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    # Events that came before their room key, tried again when a key arrives (as Element
    # does): with Synapse workers the key (to-device, written by main) and the message
    # (written by the event persister) are separate streams and may reach /sync in any order.
    _undecrypted: list[tuple[MatrixRoom, MegolmEvent]] = field(default_factory=list)

    async def start(self) -> None:
        self.client.add_event_callback(
            self._record,
            (RoomMessageText, RoomMessageNotice, RoomEncryptedImage, RoomEncryptedFile),
        )
        self.client.add_event_callback(self._record_other, UnknownEvent)
        self.client.add_event_callback(self._keep_undecrypted, MegolmEvent)
        self.client.add_to_device_callback(self._key_arrived, (RoomKeyEvent, ForwardedRoomKeyEvent))
        OPEN_USERS.append(self)
        await self.client.sync(timeout=0, full_state=True)
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        self._sync_task = asyncio.create_task(self.client.sync_forever(timeout=500))

    async def _keep_undecrypted(self, room: MatrixRoom, event: MegolmEvent) -> None:
        self._undecrypted.append((room, event))

    async def _key_arrived(self, _event: Any) -> None:
        waiting, self._undecrypted = self._undecrypted, []
        for room, event in waiting:
            assert self.client.olm is not None
            try:
                decrypted = self.client.olm.decrypt_megolm_event(event, room.room_id)
            except EncryptionError:
                self._undecrypted.append((room, event))
                continue
            if isinstance(decrypted, UnknownEvent):
                await self._record_other(room, decrypted)
            elif isinstance(
                decrypted,
                (RoomMessageText, RoomMessageNotice, RoomEncryptedImage, RoomEncryptedFile),
            ):
                await self._record(room, decrypted)

    async def _record(self, room: MatrixRoom, event: Any) -> None:
        self.seen.append(
            Seen(
                room.room_id,
                event.sender,
                event.body,
                event.source.get("content", {}).get("msgtype", ""),
                bool(getattr(event, "decrypted", False)),
                event.source.get("content", {}),
                int(event.server_timestamp),
            )
        )
        self._arrived.set()

    async def _record_other(self, room: MatrixRoom, event: UnknownEvent) -> None:
        """Polls: msgtype holds the event type, body the fallback text, event_id in content."""
        content = dict(event.source.get("content", {}))
        content["event_id"] = event.event_id
        self.seen.append(
            Seen(
                room.room_id,
                event.sender,
                str(content.get("body", "")),
                event.type,
                bool(getattr(event, "decrypted", False)),
                content,
                int(event.server_timestamp),
            )
        )
        self._arrived.set()

    async def answer_poll(self, room_id: str, poll_event_id: str, answer: str) -> None:
        resp = await self.client.room_send(
            room_id,
            "org.matrix.msc3381.poll.response",
            {
                "m.relates_to": {"rel_type": "m.reference", "event_id": poll_event_id},
                "org.matrix.msc3381.poll.response": {"answers": [answer]},
            },
            ignore_unverified_devices=True,
        )
        assert isinstance(resp, RoomSendResponse), resp

    async def stop(self) -> None:
        if self in OPEN_USERS:
            OPEN_USERS.remove(self)
        if self._sync_task is not None:
            self._sync_task.cancel()
            await asyncio.gather(self._sync_task, return_exceptions=True)
        await self.client.close()

    async def create_dm(self, other: str, encrypted: bool = True) -> str:
        resp = await self.client.room_create(
            is_direct=True,
            invite=[other],
            preset=None,
            initial_state=[ENCRYPTION_STATE] if encrypted else [],
        )
        assert isinstance(resp, RoomCreateResponse), resp
        return str(resp.room_id)

    async def create_group_room(self, invite: list[str]) -> str:
        resp = await self.client.room_create(
            is_direct=False, invite=invite, initial_state=[ENCRYPTION_STATE]
        )
        assert isinstance(resp, RoomCreateResponse), resp
        return str(resp.room_id)

    async def send(self, room_id: str, body: str) -> str:
        await self.wait_for(lambda: room_id in self.client.rooms, 10, "room known to client")
        resp = await self.client.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": body},
            ignore_unverified_devices=True,
        )
        assert isinstance(resp, RoomSendResponse), resp
        return str(resp.event_id)

    async def server_ts(self, room_id: str, event_id: str) -> int:
        """When the server took one of our events (origin_server_ts)."""
        resp = await self.client.room_get_event(room_id, event_id)
        return int(resp.event.server_timestamp)

    async def wait_for_message(
        self, room_id: str, match: Callable[[Seen], bool], timeout: float = 30.0, after: int = 0
    ) -> Seen:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            self._arrived.clear()
            for s in self.seen[after:]:
                if s.room_id == room_id and match(s):
                    return s
            try:
                await asyncio.wait_for(self._arrived.wait(), left)
            except TimeoutError:
                break
        bodies = [(s.sender, s.body[:80]) for s in self.seen if s.room_id == room_id]
        raise AssertionError(f"{self.user_id}: no matching message in {room_id}; saw {bodies}")

    async def wait_for_member(
        self, room_id: str, user_id: str, membership: str, timeout: float = 30.0
    ) -> None:
        async def current() -> str | None:
            resp = await self.client.room_get_state_event(room_id, "m.room.member", user_id)
            content = getattr(resp, "content", None)
            return content.get("membership") if isinstance(content, dict) else None

        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = await current()
            if last == membership:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{user_id} in {room_id} is {last!r}, expected {membership!r}")

    async def accept_invite(self, room_id: str | None = None, timeout: float = 30.0) -> str:
        """Join ``room_id`` (or the first room we are invited to) once the invite arrives."""

        def invited() -> str | None:
            rooms = self.client.invited_rooms
            if room_id is not None:
                return room_id if room_id in rooms else None
            return next(iter(rooms), None)

        await self.wait_for(lambda: invited() is not None, timeout, f"invite to {room_id}")
        target = invited()
        assert target is not None
        resp = await self.client.join(target)
        assert hasattr(resp, "room_id"), resp
        await self.wait_for(lambda: target in self.client.rooms, timeout, "joined room synced")
        return target

    @staticmethod
    async def wait_for(cond: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}")


async def new_user(
    synapse: RunningSynapse,
    store_dir: Path,
    name: str | None = None,
    admin: bool = False,
    cross_sign: bool = True,
) -> MatrixUser:
    """A registered user logged in on one device, cross-signed as Element X does at login."""
    localpart = name or f"u{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(12)
    result = await asyncio.to_thread(
        register_user,
        synapse.admin_url,
        synapse.stack.synapse.registration_shared_secret,
        localpart,
        password,
        admin=admin,
    )
    user = await _login(synapse.url, str(result["user_id"]), password, store_dir / localpart)
    if cross_sign:
        await cross_sign_login(synapse.url, user)
    return user


async def cross_sign_login(hs: str, user: MatrixUser) -> None:
    """A new identity for ``user``, signing the device it is logged in on (Element X's setup)."""
    user.identity = Identity.generate()
    token = user.client.access_token
    await publish_identity(hs, token, user.user_id, user.identity, user.password or None)
    await sign_device(hs, token, user.user_id, user.client.device_id, user.identity)


async def _login(hs: str, user_id: str, password: str, path: Path) -> MatrixUser:
    await asyncio.to_thread(path.mkdir, parents=True, exist_ok=True)
    client = AsyncClient(
        hs,
        user_id,
        store_path=str(path),
        config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False),
    )
    login = await client.login(password, device_name=f"{user_id}-test")
    assert isinstance(login, LoginResponse), login
    user = MatrixUser(user_id, password, client)
    await user.start()
    return user


async def new_device(
    synapse: RunningSynapse, store_dir: Path, user: MatrixUser, signed: bool = False
) -> MatrixUser:
    """A second login of ``user``: a stolen password, unless its owner signs it."""
    path = store_dir / f"{user.user_id.split(':')[0][1:]}-{secrets.token_hex(3)}"
    other = await _login(synapse.url, user.user_id, user.password, path)
    if signed:
        assert user.identity is not None
        await sign_device(
            synapse.url,
            other.client.access_token,
            user.user_id,
            other.client.device_id,
            user.identity,
        )
        other.identity = user.identity
    return other


UserFactory = Callable[..., Awaitable[MatrixUser]]
