"""Synapse's admin API, for deleting a closed room and its history (close_mode "delete"),
and for making the account of a bruker who will log in with ID-porten.

Needs a server admin's token: the appservice token cannot use the admin API. Deletion runs in
the background on Synapse; we ask for it, note the delete id, and can ask how it went.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp

from samsnakk_bot.matrix.as_http import MatrixHttpError
from samsnakk_bot.services.ports import AccountState


class SynapseAdmin:
    def __init__(self, base_url: str, admin_token: str) -> None:
        self._base = base_url.rstrip("/")
        self._token = admin_token
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self._token}"}
        async with self._http().request(
            method, self._base + path, json=body, headers=headers
        ) as resp:
            answer = await resp.json(content_type=None)
            if resp.status >= 400:
                raise MatrixHttpError(method, path, resp.status, answer or {})
            return answer

    async def delete_room(self, room_id: str) -> str:
        """Ask Synapse to remove everyone, then purge the room's events and state. Returns the
        delete id. ``block`` stops anyone recreating history under the same room id."""
        path = f"/_synapse/admin/v2/rooms/{quote(room_id, safe='')}"
        answer = await self._call("DELETE", path, {"purge": True, "block": True})
        return str(answer["delete_id"])

    async def delete_status(self, delete_id: str) -> str:
        """``scheduled``, ``active``, ``complete`` or ``failed``."""
        path = f"/_synapse/admin/v2/rooms/delete_status/{quote(delete_id, safe='')}"
        return str((await self._call("GET", path))["status"])

    async def ensure_user(self, user_id: str, display_name: str) -> AccountState:
        """Make a local account without a password (SSO is its only login), unless it exists.

        An existing account is left as it is: the bruker may have chosen their own name."""
        path = f"/_synapse/admin/v2/users/{quote(user_id, safe='')}"
        try:
            found = await self._call("GET", path)
        except MatrixHttpError as err:
            if err.status != 404:
                raise
        else:
            return AccountState.DEACTIVATED if found.get("deactivated") else AccountState.EXISTS
        await self._call("PUT", path, {"displayname": display_name})
        return AccountState.CREATED

    async def deactivate(self, user_id: str) -> None:
        """Deactivate a local account (offboarding, when policy says so): its logins and
        devices end. ``erase`` stays off, so the audit trail keeps naming the person."""
        path = f"/_synapse/admin/v1/deactivate/{quote(user_id, safe='')}"
        await self._call("POST", path, {"erase": False})
