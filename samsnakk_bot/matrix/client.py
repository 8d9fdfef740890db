"""The bot's nio client, acting through the as_token on an MSC4190 device."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from nio import AsyncClient, AsyncClientConfig


class AppserviceClient(AsyncClient):
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
        )
        super().__init__(homeserver, user_id, device_id, str(store_path), config)
        self._masquerade = masquerade

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
