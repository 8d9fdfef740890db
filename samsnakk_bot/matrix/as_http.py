"""Raw client-server calls made with the as_token, acting as a user in our namespace.

nio covers the conversation; this covers what nio cannot do (registration, MSC4190 devices,
cross-signing uploads). Every request carries ``user_id`` (and ``device_id`` once known),
which MSC4190 requires.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp


class MatrixHttpError(RuntimeError):
    def __init__(self, method: str, path: str, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.errcode = str(body.get("errcode", ""))
        self.body = body
        super().__init__(f"{method} {path} -> {status} {self.errcode}")


class AppserviceHttp:
    def __init__(self, base_url: str, as_token: str, user_id: str) -> None:
        self._base = base_url.rstrip("/")
        self._token = as_token
        self.user_id = user_id
        self.device_id: str | None = None
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    async def __aenter__(self) -> AppserviceHttp:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _http(self) -> aiohttp.ClientSession:
        if self._closed:
            # A task that outlived stop() must not leave a new, never-closed session behind.
            raise RuntimeError("the appservice HTTP client is closed")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self._session

    async def close(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()

    async def request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        as_user: bool = True,
    ) -> dict[str, Any]:
        params: dict[str, str] = {}
        if as_user:
            params["user_id"] = self.user_id
            if self.device_id:
                params["device_id"] = self.device_id
        async with self._http().request(
            method,
            f"{self._base}{path}",
            json=body,
            params=params,
            headers={"Authorization": f"Bearer {self._token}"},
        ) as resp:
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                data = {}
            if not isinstance(data, dict):
                data = {"value": data}
            if resp.status >= 400:
                raise MatrixHttpError(method, path, resp.status, data)
            return data

    async def ping(self, appservice_id: str, txn_id: str) -> None:
        """Ask the homeserver to ping us (MSC2659). When that succeeds, Synapse sends at once
        what it queued while we were down, instead of waiting out its backoff (up to 512 s)."""
        await self.request(
            "POST", ping_path(appservice_id), {"transaction_id": txn_id}, as_user=False
        )

    @staticmethod
    def q(part: str) -> str:
        return quote(part, safe="")


def ping_path(appservice_id: str) -> str:
    """MSC2659's ping: Synapse calls our /_matrix/app/v1/ping and answers with the round trip."""
    return f"/_matrix/client/v1/appservice/{quote(appservice_id, safe='')}/ping"
