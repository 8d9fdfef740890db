"""A local LINK Mobility "Common" SMS gateway: ``POST /sms/send`` plus delivery reports.

It follows LINK's "SMS REST API - MT and Delivery Reports" (and the OpenAPI description of it in
deveel/deveel.lm.client, docs/openapi/link-api-v1.json): HTTP Basic auth; a JSON
SmsMessageRequest whose required fields are ``source``, ``destination``, ``platformId`` and
``platformPartnerId``; an SmsSendResult answer ``{"messageId", "resultCode", "description"}``
with resultCode 1005 (Queued). The spec lists only 200 and 204 for /sms/send; the error
statuses here (401 bad credentials, 400 bad request with a result code from LINK's table) are
what the document's "HTTP statuses" and "Error result codes" sections describe in prose.

After accepting a message it can post a delivery report, as LINK does to a gate, to
``dlr_url`` with ``dlr_secret`` as the HTTP Basic password (or as a bearer token).

Usage::

    async with FakeLinkMobility(username="u", password="p" * 8) as fake:
        ...  # fake.base_url, fake.messages, fake.fail_next(1, 503), fake.down() / fake.up()
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import aiohttp
from aiohttp import web

DELIVERED = 1001  # "Billed and delivered": the final success code
QUEUED = 1005  # what /sms/send answers for an accepted message
NUMBER_ERROR = 2106
INVALID_USER_DATA = 4003
CONFIGURATION_ERROR = 104

_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_REQUIRED = ("source", "destination", "platformId", "platformPartnerId")


@dataclass(frozen=True)
class AcceptedSms:
    destination: str
    user_data: str
    ref_id: str | None
    message_id: str
    source: str
    delivery_report_gates: tuple[str, ...]


@dataclass
class _Failure:
    remaining: int
    status: int
    retry_after: str | None
    delay_s: float


class FakeLinkMobility:
    def __init__(
        self,
        *,
        username: str,
        password: str,
        platform_id: str = "fake-platform",
        platform_partner_id: str = "fake-partner",
        dedupe_ref_id: bool = True,
        dlr_url: str | None = None,
        dlr_secret: str | None = None,
        dlr_auth: Literal["basic", "bearer"] = "basic",
        dlr_result_code: int = DELIVERED,
    ) -> None:
        self.username = username
        self.password = password
        self.platform_id = platform_id
        self.platform_partner_id = platform_partner_id
        # LINK documents refId only as "your own internal transaction ID", mirrored in delivery
        # reports; it says nothing about refusing a second send with the same refId. This fake
        # de-duplicates by default so a resend shows up as one message, but that is a test
        # convenience: our exactly-once guarantee rests on our outbox, not on the provider.
        self.dedupe_ref_id = dedupe_ref_id
        self.dlr_url = dlr_url
        self.dlr_secret = dlr_secret
        self.dlr_auth = dlr_auth
        self.dlr_result_code = dlr_result_code
        # Every accepted message once; every well-authenticated POST (including resends).
        self.messages: list[AcceptedSms] = []
        self.requests: list[dict[str, Any]] = []
        # HTTP status our delivery-report endpoint gave each report the fake posted.
        self.dlr_statuses: list[int] = []
        self._by_ref: dict[str, AcceptedSms] = {}
        self._failure: _Failure | None = None
        self._dlr_tasks: set[asyncio.Task[None]] = set()
        self._app = web.Application()
        self._app.router.add_post("/sms/send", self._send)
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0
        self._is_down = False
        # Set: answers to accepted sends wait for release_answers() (a send in flight).
        self._held: asyncio.Event | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> FakeLinkMobility:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        await self.up()
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        for task in list(self._dlr_tasks):
            task.cancel()
        if self._dlr_tasks:
            await asyncio.wait(self._dlr_tasks, timeout=5)
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self._site = None

    async def down(self) -> None:
        """Stop listening: connections are refused until up(), and kept-alive ones are cut."""
        self._is_down = True
        if self._site is not None:
            await self._site.stop()
            self._site = None

    async def up(self) -> None:
        assert self._runner is not None, "start() first"
        self._is_down = False
        if self._site is not None:
            return
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await self._site.start()
        if not self.port:
            self.port = int(self._runner.addresses[0][1])

    def fail_next(
        self, n: int, status: int, *, retry_after: str | None = None, delay_s: float = 0.0
    ) -> None:
        """Answer the next n well-authenticated sends with ``status`` (after ``delay_s``)."""
        self._failure = _Failure(n, status, retry_after, delay_s)

    def hold_answers(self) -> None:
        """Accept sends (and post their reports) but keep the HTTP answers back, as a provider
        whose answer is still on the way when the sender crashes."""
        self._held = asyncio.Event()

    def release_answers(self) -> None:
        if self._held is not None:
            self._held.set()
            self._held = None

    async def drain_dlrs(self, timeout_s: float = 5.0) -> None:
        """Wait until every delivery report posted so far has been answered."""
        if self._dlr_tasks:
            await asyncio.wait(self._dlr_tasks, timeout=timeout_s)

    async def _send(self, request: web.Request) -> web.Response:
        if self._is_down and request.transport is not None:
            # A pooled connection from before down(): the server is gone, so drop it.
            request.transport.abort()
            raise ConnectionResetError("fake LINK Mobility is down")
        if not self._authorised(request.headers.get("Authorization", "")):
            return _error(401, CONFIGURATION_ERROR, "Unauthorized")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, INVALID_USER_DATA, "Request body is not JSON")
        if not isinstance(body, dict):
            return _error(400, INVALID_USER_DATA, "Request body is not a JSON object")
        self.requests.append(body)
        failure = self._failure
        if failure is not None and failure.remaining > 0:
            failure.remaining -= 1
            if failure.delay_s:
                await asyncio.sleep(failure.delay_s)
            headers = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            return _error(failure.status, 0, "Injected failure", headers)
        problem = self._validate(body)
        if problem is not None:
            return _error(400, *problem)
        ref_id = body.get("refId")
        if self.dedupe_ref_id and isinstance(ref_id, str) and ref_id in self._by_ref:
            previous = self._by_ref[ref_id]
            return _accepted(previous.message_id)
        accepted = AcceptedSms(
            destination=body["destination"],
            user_data=body.get("userData", ""),
            ref_id=ref_id,
            message_id=uuid.uuid4().hex,
            source=body["source"],
            delivery_report_gates=tuple(body.get("deliveryReportGates") or ()),
        )
        self.messages.append(accepted)
        if isinstance(ref_id, str):
            self._by_ref[ref_id] = accepted
        if self.dlr_url and accepted.delivery_report_gates:
            task = asyncio.get_running_loop().create_task(self._post_dlr(accepted))
            self._dlr_tasks.add(task)
            task.add_done_callback(self._dlr_tasks.discard)
        if self._held is not None:
            await self._held.wait()
        return _accepted(accepted.message_id)

    def _authorised(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, ValueError):
            return False
        return bool(sep) and hmac.compare_digest(
            f"{user}:{password}".encode(), f"{self.username}:{self.password}".encode()
        )

    def _validate(self, body: dict[str, Any]) -> tuple[int, str] | None:
        for field in _REQUIRED:
            if not isinstance(body.get(field), str) or not body[field]:
                return INVALID_USER_DATA, f"Missing or invalid field: {field}"
        if (body["platformId"], body["platformPartnerId"]) != (
            self.platform_id,
            self.platform_partner_id,
        ):
            return CONFIGURATION_ERROR, "Unknown platformId/platformPartnerId"
        if not _E164.match(body["destination"]):
            return NUMBER_ERROR, "Invalid destination"
        if "userData" in body and not isinstance(body["userData"], str):
            return INVALID_USER_DATA, "Invalid userData"
        gates = body.get("deliveryReportGates")
        if gates is not None and (
            not isinstance(gates, list) or not all(isinstance(g, str) for g in gates)
        ):
            return INVALID_USER_DATA, "deliveryReportGates must be a list of gate IDs"
        return None

    async def _post_dlr(self, sms: AcceptedSms) -> None:
        assert self._session is not None and self.dlr_url is not None
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        report = {
            "refId": sms.ref_id,
            "id": sms.message_id,
            "operator": "no.telenor",
            "sentTimestamp": now,
            "timestamp": now,
            "resultCode": self.dlr_result_code,
            "operatorResultCode": "0",
            "segments": 1,
            "gateCustomParameters": {},
            "customParameters": {"source": sms.source, "destination": sms.destination},
        }
        headers: dict[str, str] = {}
        if self.dlr_secret is not None:
            if self.dlr_auth == "bearer":
                headers["Authorization"] = f"Bearer {self.dlr_secret}"
            else:
                token = base64.b64encode(f"link:{self.dlr_secret}".encode()).decode()
                headers["Authorization"] = f"Basic {token}"
        with contextlib.suppress(aiohttp.ClientError):
            async with self._session.post(self.dlr_url, json=report, headers=headers) as resp:
                self.dlr_statuses.append(resp.status)


def _accepted(message_id: str) -> web.Response:
    return web.json_response(
        {"messageId": message_id, "resultCode": QUEUED, "description": "Queued"}
    )


def _error(
    status: int, result_code: int, description: str, headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        {"resultCode": result_code, "description": description}, status=status, headers=headers
    )
