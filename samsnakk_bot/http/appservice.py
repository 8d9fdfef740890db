"""Appservice API: transactions, ping and the user/room queries (Synapse -> us).

Kept thin on purpose: check the token, parse, persist to the inbox, answer. Processing
happens later from the inbox, so Synapse's single in-flight transaction returns fast.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from aiohttp import web

from samsnakk_bot.http.auth import require_bearer
from samsnakk_bot.http.errors import matrix_error
from samsnakk_bot.metrics import Metrics

log = logging.getLogger(__name__)


class TransactionSink(Protocol):
    async def accept_transaction(self, txn_id: str, events: list[dict[str, Any]]) -> int: ...


class AppserviceRoutes:
    def __init__(
        self, hs_token: str, sink: TransactionSink, bot_user_id: str, metrics: Metrics
    ) -> None:
        self._hs_token = hs_token
        self._sink = sink
        self._bot = bot_user_id
        self._metrics = metrics

    def register(self, app: web.Application) -> None:
        for prefix in ("/_matrix/app/v1", ""):
            app.router.add_put(f"{prefix}/transactions/{{txn_id}}", self.transaction)
            app.router.add_get(f"{prefix}/users/{{user_id}}", self.query_user)
            app.router.add_get(f"{prefix}/rooms/{{alias}}", self.query_room)
        app.router.add_post("/_matrix/app/v1/ping", self.ping)

    async def transaction(self, request: web.Request) -> web.Response:
        require_bearer(request, self._hs_token)
        txn_id = request.match_info["txn_id"]
        body = await _json_body(request)
        events = body.get("events", [])
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise matrix_error(web.HTTPBadRequest, "M_BAD_JSON", "'events' must be a list")
        try:
            new = await self._sink.accept_transaction(txn_id, events)
        except Exception:
            # Not acknowledged, so Synapse retries the same transaction: nothing is lost.
            log.exception("could not persist transaction %s", txn_id)
            raise matrix_error(web.HTTPInternalServerError, "M_UNKNOWN", "Try again") from None
        self._metrics.transactions.inc()
        self._metrics.events_received.inc(new)
        log.debug("txn %s: %d events, %d new", txn_id, len(events), new)
        return web.json_response({})

    async def ping(self, request: web.Request) -> web.Response:
        require_bearer(request, self._hs_token)
        await _json_body(request)
        return web.json_response({})

    async def query_user(self, request: web.Request) -> web.Response:
        require_bearer(request, self._hs_token)
        if request.match_info["user_id"] == self._bot:
            return web.json_response({})
        raise matrix_error(web.HTTPNotFound, "M_NOT_FOUND", "No such user")

    async def query_room(self, request: web.Request) -> web.Response:
        require_bearer(request, self._hs_token)
        # Brukerrom are never created on demand by alias lookups.
        raise matrix_error(web.HTTPNotFound, "M_NOT_FOUND", "No such room")


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read() or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise matrix_error(web.HTTPBadRequest, "M_NOT_JSON", "Body is not JSON") from None
    if not isinstance(body, dict):
        raise matrix_error(web.HTTPBadRequest, "M_BAD_JSON", "Body must be a JSON object")
    return body
