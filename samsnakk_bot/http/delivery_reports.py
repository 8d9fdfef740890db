"""Delivery reports from LINK Mobility (LINK -> us), one POST per report.

LINK's gate is set up with the URL below and a shared secret, sent either as HTTP Basic auth
(the password is the secret; the user name is ignored) or as ``Authorization: Bearer``. We never
take the secret in the URL: URLs end up in access logs.

LINK counts a report as received only on HTTP 200, and sends it again otherwise. So: a bad
secret is 401/403 and a malformed body 400, and in both cases nothing reaches the sink; a sink
that fails is 500, so that LINK retries; only a stored report is 200 ``{}``.
Logs carry LINK's message ID and result code, never the body (it names the phone number).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bridge.delivery_reports import (
    DeliveryReport,
    MalformedDeliveryReport,
    parse_link_delivery_report,
)
from samsnakk_bot.clock import Clock, SystemClock
from samsnakk_bot.http.errors import matrix_error

log = logging.getLogger(__name__)

PATH = "/_samsnakk/sms/linkmobility/dlr"
MIN_SECRET_LEN = 16

DeliveryReportSink = Callable[[DeliveryReport], Awaitable[None]]


class DeliveryReportRoutes:
    def __init__(self, secret: str, sink: DeliveryReportSink, clock: Clock | None = None) -> None:
        if len(secret) < MIN_SECRET_LEN:
            raise ValueError(f"the delivery report secret must be at least {MIN_SECRET_LEN} long")
        self._secret = secret.encode()
        self._sink = sink
        self._clock = clock or SystemClock()

    def register(self, app: web.Application) -> None:
        app.router.add_post(PATH, self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        self._authenticate(request)
        try:
            body = json.loads(await request.text())
            report = parse_link_delivery_report(body, received_ms=self._clock.now_ms())
        except (ValueError, UnicodeDecodeError) as exc:
            # MalformedDeliveryReport names the field; a JSON error would quote the body.
            reason = str(exc) if isinstance(exc, MalformedDeliveryReport) else "body is not JSON"
            log.warning("refused a malformed LINK delivery report: %s", reason)
            raise matrix_error(web.HTTPBadRequest, "M_BAD_JSON", reason) from None
        try:
            await self._sink(report)
        except Exception as exc:
            log.error(
                "could not store the delivery report for %s: %s",
                report.provider_message_id,
                type(exc).__name__,
            )
            raise matrix_error(
                web.HTTPInternalServerError, "M_UNKNOWN", "Could not store the report"
            ) from None
        log.info(
            "delivery report for %s: resultCode %s",
            report.provider_message_id,
            report.result_code,
        )
        return web.json_response({})

    def _authenticate(self, request: web.Request) -> None:
        """No credentials -> 401 (with a Basic challenge); wrong ones -> 403."""
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        presented = _credential(scheme.lower(), value.strip())
        if presented is None:
            err = matrix_error(web.HTTPUnauthorized, "M_UNAUTHORIZED", "Missing credentials")
            err.headers["WWW-Authenticate"] = 'Basic realm="samsnakk-dlr"'
            raise err
        if not hmac.compare_digest(presented, self._secret):
            log.warning("refused a LINK delivery report with a wrong secret")
            raise matrix_error(web.HTTPForbidden, "M_FORBIDDEN", "Bad credentials")


def _credential(scheme: str, value: str) -> bytes | None:
    if not value:
        return None
    if scheme == "bearer":
        return value.encode()
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return b""  # present but unreadable: a wrong credential, not a missing one
        _, sep, password = decoded.partition(b":")
        return password if sep else b""
    return None
