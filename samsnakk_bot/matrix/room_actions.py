"""RoomActions for the brukerrom use cases: raw appservice calls plus the guarded E2EE send."""

from __future__ import annotations

import asyncio
import io
import secrets
import time
from collections.abc import Collection
from typing import Any

from nio import UploadResponse

from samsnakk_bot.domain.brukerrom import ROOM_VERSION, initial_state, power_levels
from samsnakk_bot.domain.replies import Reply, reply_content
from samsnakk_bot.domain.sending import PlaintextRefused
from samsnakk_bot.matrix.as_http import MatrixHttpError
from samsnakk_bot.matrix.bot import BotRuntime
from samsnakk_bot.services.ports import AliasTaken, RoomMember


class MatrixRoomActions:
    def __init__(self, bot: BotRuntime) -> None:
        self._bot = bot

    def _room_path(self, room_id: str, tail: str) -> str:
        return f"/_matrix/client/v3/rooms/{self._bot.http.q(room_id)}/{tail}"

    async def create_room(
        self,
        name: str,
        alias_localpart: str,
        initial_state: list[dict[str, Any]],
        power_levels: dict[str, Any],
        invite: list[str],
    ) -> str:
        body = {
            "name": name,
            "room_alias_name": alias_localpart,
            "preset": "private_chat",
            "room_version": ROOM_VERSION,
            "visibility": "private",
            "is_direct": False,
            "initial_state": initial_state,
            "power_level_content_override": power_levels,
            "invite": invite,
        }
        try:
            result = await self._bot.http.request("POST", "/_matrix/client/v3/createRoom", body)
        except MatrixHttpError as err:
            if err.errcode == "M_ROOM_IN_USE":
                raise AliasTaken(alias_localpart) from err
            raise
        return str(result["room_id"])

    async def invite(self, room_id: str, user_id: str) -> None:
        try:
            await self._bot.http.request(
                "POST", self._room_path(room_id, "invite"), {"user_id": user_id}
            )
        except MatrixHttpError as err:
            if "already in the room" not in str(err.body.get("error", "")):
                raise

    async def kick(self, room_id: str, user_id: str, reason: str) -> None:
        try:
            await self._bot.http.request(
                "POST", self._room_path(room_id, "kick"), {"user_id": user_id, "reason": reason}
            )
        except MatrixHttpError as err:
            # Someone who already left cannot be kicked; that is the outcome we wanted.
            if err.status != 403:
                raise

    async def set_name(self, room_id: str, name: str) -> None:
        await self.set_state(room_id, "m.room.name", {"name": name})

    async def set_state(self, room_id: str, event_type: str, content: dict[str, Any]) -> None:
        path = self._room_path(room_id, f"state/{self._bot.http.q(event_type)}/")
        await self._bot.http.request("PUT", path, content)

    async def say(self, room_id: str, reply: Reply) -> str:
        if not await self._bot.wait_until_encrypted(room_id, timeout=10):
            raise PlaintextRefused(f"{room_id}: the E2EE client never saw the room encrypted")
        return await self._bot.send_reply(room_id, reply)

    async def say_once(self, room_id: str, reply: Reply, txn_id: str) -> str:
        """As :meth:`say`, with our transaction ID: sent again after a crash, it is the same
        event on the homeserver (Synapse de-duplicates it)."""
        if not await self._bot.wait_until_encrypted(room_id, timeout=10):
            raise PlaintextRefused(f"{room_id}: the E2EE client never saw the room encrypted")
        return await self._bot.send_content(room_id, reply_content(reply), txn_id)

    async def say_event(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        if not await self._bot.wait_until_encrypted(room_id, timeout=10):
            raise PlaintextRefused(f"{room_id}: the E2EE client never saw the room encrypted")
        assert self._bot.sender is not None
        return await self._bot.sender.send(room_id, content, event_type)

    async def edit(self, room_id: str, event_id: str, reply: Reply) -> str:
        """An ``m.replace`` edit of one of the bot's messages (encrypted like any other)."""
        new = reply_content(reply)
        content = {
            **new,
            "body": f"* {new['body']}",
            "m.new_content": new,
            "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        }
        if "formatted_body" in new:
            content["formatted_body"] = f"* {new['formatted_body']}"
        return await self.say_event(room_id, "m.room.message", content)

    async def send_file(
        self, room_id: str, data: bytes, mime: str, filename: str, msgtype: str
    ) -> str:
        """Upload ``data`` encrypted (the server stores ciphertext only) and post it."""
        client = self._bot.client
        assert client is not None
        upload, keys = await client.upload(
            io.BytesIO(data),
            content_type=mime,
            filename=filename,
            encrypt=True,
            filesize=len(data),
        )
        if not isinstance(upload, UploadResponse) or keys is None:
            raise RuntimeError(f"upload failed: {getattr(upload, 'status_code', upload)}")
        content = {
            "msgtype": msgtype,
            "body": filename,
            "filename": filename,
            "info": {"mimetype": mime, "size": len(data)},
            "file": {**keys, "url": upload.content_uri},
            "m.mentions": {},
        }
        return await self.say_event(room_id, "m.room.message", content)

    async def create_admin_room(self, name: str, invite: list[str]) -> str:
        body = {
            "name": name,
            "preset": "private_chat",
            "visibility": "private",
            "room_version": ROOM_VERSION,
            "initial_state": initial_state("joined"),
            "power_level_content_override": power_levels(),
            "invite": invite,
        }
        result = await self._bot.http.request("POST", "/_matrix/client/v3/createRoom", body)
        return str(result["room_id"])

    async def pin(self, room_id: str, event_id: str) -> None:
        """Pin ``event_id`` first, keeping the room's other pins."""
        try:
            current = await self._bot.http.request(
                "GET", self._room_path(room_id, "state/m.room.pinned_events/")
            )
            pinned = [e for e in current.get("pinned", []) if e != event_id]
        except MatrixHttpError as err:
            if err.status != 404:
                raise
            pinned = []
        await self.set_state(room_id, "m.room.pinned_events", {"pinned": [event_id, *pinned]})

    async def joined_members(self, room_id: str) -> set[str]:
        result = await self._bot.http.request("GET", self._room_path(room_id, "joined_members"))
        return set(result.get("joined", {}))

    async def current_members(self, room_id: str) -> dict[str, RoomMember]:
        """Joined and invited members (the sweep revokes invites, too), and who left."""
        result = await self._bot.http.request("GET", self._room_path(room_id, "members"))
        members: dict[str, RoomMember] = {}
        for event in result.get("chunk", []):
            membership = (event.get("content") or {}).get("membership")
            user = event.get("state_key")
            if membership in ("join", "invite", "leave") and isinstance(user, str):
                members[user] = RoomMember(
                    membership, str(event.get("sender", "")), int(event.get("origin_server_ts", 0))
                )
        return members

    async def redact(self, room_id: str, event_id: str, reason: str) -> None:
        txn = f"redact-{secrets.token_hex(8)}"
        path = self._room_path(
            room_id, f"redact/{self._bot.http.q(event_id)}/{self._bot.http.q(txn)}"
        )
        await self._bot.http.request("PUT", path, {"reason": reason})

    async def upgrade_room(self, room_id: str, version: str) -> str:
        result = await self._bot.http.request(
            "POST", self._room_path(room_id, "upgrade"), {"new_version": version}
        )
        return str(result["replacement_room"])

    def _alias_path(self, alias: str) -> str:
        return f"/_matrix/client/v3/directory/room/{self._bot.http.q(alias)}"

    async def alias_target(self, alias: str) -> str | None:
        try:
            result = await self._bot.http.request("GET", self._alias_path(alias))
        except MatrixHttpError as err:
            if err.status == 404:
                return None
            raise
        return str(result["room_id"])

    async def point_alias(self, alias: str, room_id: str) -> None:
        if await self.alias_target(alias) is not None:
            await self._bot.http.request("DELETE", self._alias_path(alias))
        await self._bot.http.request("PUT", self._alias_path(alias), {"room_id": room_id})

    async def wait_until_gone(
        self, room_ids: Collection[str], user_id: str, timeout: float = 10.0
    ) -> set[str]:
        """Wait until the E2EE client no longer counts ``user_id`` among these rooms' members.

        nio shares a new room key with everyone it still lists, so a notice sent before its
        sync has seen a kick would hand the key to the person just removed. Returns the rooms
        where they were still listed when ``timeout`` ran out.
        """
        client = self._bot.client
        assert client is not None
        deadline = time.monotonic() + timeout
        waiting = set(room_ids)
        while True:
            waiting = {
                r for r in waiting if (room := client.rooms.get(r)) and user_id in room.users
            }
            if not waiting or time.monotonic() >= deadline:
                return waiting
            await asyncio.sleep(0.05)

    async def user_exists(self, user_id: str) -> bool:
        path = f"/_matrix/client/v3/profile/{self._bot.http.q(user_id)}"
        try:
            await self._bot.http.request("GET", path)
        except MatrixHttpError as err:
            if err.status == 404:
                return False
            raise
        return True

    async def display_name(self, user_id: str) -> str | None:
        path = f"/_matrix/client/v3/profile/{self._bot.http.q(user_id)}/displayname"
        try:
            result = await self._bot.http.request("GET", path)
        except MatrixHttpError:
            return None
        name = result.get("displayname")
        return str(name) if name else None
