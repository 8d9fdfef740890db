"""The bot's nio client, acting through the as_token on an MSC4190 device."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinedMembersResponse,
    KeysQueryError,
    MatrixRoom,
)

from samsnakk_bot.matrix.lazy_sessions import LazySessionStore


# nio ships no types, so AsyncClient is Any to mypy; subclassing it is the point of this module.
class AppserviceClient(AsyncClient):  # type: ignore[misc]
    """AsyncClient that adds ``user_id`` and ``device_id`` to every client-server request.

    With MSC4190, Synapse identifies the appservice user and device by these two query
    parameters; with ``device_id`` alone it answers 500.
    """

    def __init__(
        self,
        homeserver: str,
        user_id: str,
        device_id: str,
        store_path: Path,
        pickle_key: str,
        masquerade: bool = True,
    ) -> None:
        store_path.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(
            encryption_enabled=True,
            store_sync_tokens=True,
            pickle_key=pickle_key,
            max_limit_exceeded=0,
            max_timeouts=0,
            store=LazySessionStore,  # Megolm sessions load when first needed (D160)
        )
        super().__init__(homeserver, user_id, device_id, str(store_path), config)
        self._masquerade = masquerade
        self._rebuilding: dict[str, asyncio.Lock] = {}
        self._not_joined: set[str] = set()

    async def joined_room(self, room_id: str) -> MatrixRoom | None:
        """nio's view of a room we are joined to, rebuilt on demand after a restart.

        A restart syncs only what changed since the stored token (D55), so a room without news
        is not in ``rooms`` yet. nio stores the rooms in which it has seen ``m.room.encryption``
        (``encrypted_rooms``; encryption cannot be turned off). Such a room is rebuilt from
        that fact and the server's current members, and only if we are joined.
        """
        room = self.rooms.get(room_id)
        if room is not None or room_id not in self.encrypted_rooms:
            return room
        if room_id in self._not_joined:
            return None
        async with self._rebuilding.setdefault(room_id, asyncio.Lock()):
            room = self.rooms.get(room_id)
            if room is not None or room_id in self._not_joined:
                return room
            placeholder = MatrixRoom(room_id, self.user_id, encrypted=True)
            self.rooms[room_id] = placeholder
            joined = False
            try:
                # nio fills in the members and tracks their devices from this answer.
                resp = await self.joined_members(room_id)
                joined = isinstance(resp, JoinedMembersResponse) and any(
                    m.user_id == self.user_id for m in resp.members
                )
                if not joined and (
                    isinstance(resp, JoinedMembersResponse)
                    or getattr(resp, "status_code", None) == "M_FORBIDDEN"
                ):
                    self._not_joined.add(room_id)  # a definite no; a server error is not
            except KeyError:
                pass  # our sync saw us leave while we asked
            finally:
                if not joined and self.rooms.get(room_id) is placeholder:
                    del self.rooms[room_id]
            return self.rooms.get(room_id) if joined else None

    async def keys_query(self) -> Any:
        """nio's key query, answering "nothing to do" instead of raising when nothing is.

        ``sync_forever`` schedules a query whenever one is due as it starts a round, and a
        reply's ``room_send`` may make that same query first. nio then raises, which ended the
        whole sync round and paused the bot's sync for 2 s, on every restart at 10,000 rooms.
        """
        if not self.users_for_key_query:
            return KeysQueryError("No key query required.")
        return await super().keys_query()

    async def _send(
        self, response_class: type, method: str, path: str, *args: Any, **kw: Any
    ) -> Any:
        if self._masquerade and path.startswith("/_matrix/client"):
            path = self._with_identity(path)
        return await super()._send(response_class, method, path, *args, **kw)

    def _with_identity(self, path: str) -> str:
        parts = urlsplit(path)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("user_id", "device_id")]
        query += [("user_id", self.user_id), ("device_id", self.device_id)]
        return urlunsplit(parts._replace(query=urlencode(query)))
