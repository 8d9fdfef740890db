"""MAS's admin API, for making a bruker's account before their first login (D86).

With MAS as the login (auth.mode mas), Synapse's admin API cannot make accounts: MAS owns
them. ``!rom ny fnr:…`` therefore makes ``b-<HMAC(pid)>`` in MAS, without a password or an
upstream link. At the bruker's first ID-porten login the broker gives MAS the same localpart,
and MAS (``localpart.on_conflict: set``) links the login to this waiting account, once.

Only MAS's documented endpoints are used: the OAuth 2.0 token endpoint with the client
credentials grant and the ``urn:mas:admin`` scope, ``GET /api/admin/v1/users/by-username/…``
and ``POST /api/admin/v1/users``.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import aiohttp

from samsnakk_bot.services.ports import AccountState

ADMIN_SCOPE = "urn:mas:admin"
USERS = "/api/admin/v1/users"
# Renew the token this long before MAS says it ends.
_TOKEN_MARGIN_S = 30


class MasAdminError(RuntimeError):
    """MAS refused or failed; the message names the call and MAS's own error titles."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.status = status
        errors = body.get("errors", []) if isinstance(body, dict) else []
        self.titles = [str(e.get("title", "")) for e in errors if isinstance(e, dict)]
        detail = body.get("error", "") if isinstance(body, dict) else ""
        super().__init__(f"MAS {method} {path} -> {status} {'; '.join(self.titles) or detail}")


def _localpart(user_id: str) -> str:
    return user_id.removeprefix("@").split(":", 1)[0]


class MasAdmin:
    """An :class:`~samsnakk_bot.services.ports.AccountProvisioner` on MAS's admin API."""

    def __init__(self, base_url: str, client_id: str, client_secret: str) -> None:
        self._base = base_url.rstrip("/")
        self._auth = aiohttp.BasicAuth(client_id, client_secret)
        self._token: str | None = None
        self._token_until = 0.0
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _access_token(self) -> str:
        if self._token is not None and time.monotonic() < self._token_until:
            return self._token
        form = {"grant_type": "client_credentials", "scope": ADMIN_SCOPE}
        path = "/oauth2/token"
        async with self._http().post(self._base + path, data=form, auth=self._auth) as resp:
            answer = await resp.json(content_type=None)
            if resp.status != 200 or not isinstance(answer, dict):
                raise MasAdminError("POST", path, resp.status, answer)
        self._token = str(answer["access_token"])
        lifetime = float(answer.get("expires_in", 300))
        self._token_until = time.monotonic() + max(lifetime - _TOKEN_MARGIN_S, 0)
        return self._token

    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        """Status and JSON answer; a token MAS no longer accepts is renewed once."""
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {await self._access_token()}"}
            async with self._http().request(
                method, self._base + path, json=body, headers=headers
            ) as resp:
                answer = await resp.json(content_type=None)
                if resp.status == 401 and attempt == 1:
                    self._token = None
                    continue
                return resp.status, answer
        raise AssertionError("unreachable")  # pragma: no cover

    async def _state(self, localpart: str) -> AccountState | None:
        path = f"{USERS}/by-username/{quote(localpart, safe='')}"
        status, answer = await self._call("GET", path)
        if status == 404:
            return None
        if status != 200:
            raise MasAdminError("GET", path, status, answer)
        attributes = answer["data"]["attributes"]
        # Reported, not refused: the caller answers alike whatever the account's history.
        if attributes.get("deactivated_at") or attributes.get("locked_at"):
            return AccountState.DEACTIVATED
        return AccountState.EXISTS

    async def ensure_user(self, user_id: str, display_name: str) -> AccountState:
        """Make the account in MAS unless it exists; an existing one is left as it is."""
        localpart = _localpart(user_id)
        state = await self._state(localpart)
        if state is not None:
            return state
        body = {"username": localpart, "displayname": display_name}
        status, answer = await self._call("POST", USERS, body)
        if status == 201:
            return AccountState.CREATED
        if status == 409 and "User already exists" in MasAdminError("", "", 0, answer).titles:
            # Made meanwhile (another command for the same bruker): as if it had existed.
            return await self._state(localpart) or AccountState.EXISTS
        raise MasAdminError("POST", USERS, status, answer)
