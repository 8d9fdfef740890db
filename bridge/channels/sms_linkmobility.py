"""SMS through LINK Mobility's "Common" REST API (``POST {base_url}/sms/send``).

The request and response shapes follow LINK's "SMS REST API - MT and Delivery Reports":
HTTP Basic auth with the username and password LINK issues, a JSON body with ``source``,
``destination``, ``userData``, ``platformId``, ``platformPartnerId``, ``refId`` and
``deliveryReportGates``, and a JSON answer with ``messageId``, ``resultCode`` and
``description``.

``refId`` carries our idempotency key, so a retried send is recognisably the same message and
its delivery report can be matched. LINK documents ``refId`` only as the client's own
reference: it does not promise to drop a second send with the same one. Exactly-once is the
outbox's job, not the provider's.

Failures never carry the phone number, the text, or LINK's ``description`` (which may echo
either): only the HTTP status and LINK's ``resultCode``.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, Any

import aiohttp
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bridge.channels.base import (
    ChannelContext,
    OutboundSms,
    PermanentFailure,
    TemporaryFailure,
)
from bridge.channels.registry import ChannelSpec
from bridge.channels.sms_varsel import SmsVarsler

log = logging.getLogger(__name__)

SEND_PATH = "/sms/send"
_PLACEHOLDERS = {"change-me", "changeme", "CHANGE_ME", "generate", "secret", "xxx", "password"}
# An alphanumeric sender ID: at most 11 characters, and not all digits (that would be a number).
_SENDER_RE = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$")
_MAX_RETRY_AFTER_S = 3600.0


class LinkMobilityConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # e.g. https://n-eu.linkmobility.io (LINK's Northern Europe node), without /sms/send.
    base_url: str
    username: Annotated[str, Field(min_length=1)]
    password: Annotated[str, Field(min_length=8)]
    platform_id: Annotated[str, Field(min_length=1)]
    platform_partner_id: Annotated[str, Field(min_length=1)]
    # The gate LINK posts delivery reports to; None sends without asking for reports.
    gate_id: str | None = None
    source: str = "Samsnakk"
    timeout_s: Annotated[float, Field(gt=0, le=120)] = 10.0

    @field_validator("base_url")
    @classmethod
    def _url_has_scheme(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return v.rstrip("/")

    @field_validator("password")
    @classmethod
    def _not_placeholder(cls, v: str) -> str:
        if v.strip() in _PLACEHOLDERS:
            raise ValueError("is a placeholder from the sample config; use the one LINK issued")
        return v

    @field_validator("source")
    @classmethod
    def _alphanumeric_sender(cls, v: str) -> str:
        if not _SENDER_RE.match(v):
            raise ValueError("must be 1-11 letters A-Z/a-z or digits, with at least one letter")
        return v


class LinkMobilitySms:
    """An SmsChannel. One aiohttp session is shared by all sends; call close() when done."""

    def __init__(
        self, config: LinkMobilityConfig, session: aiohttp.ClientSession | None = None
    ) -> None:
        self._config = config
        self._session = session
        self._owns_session = session is None
        self._auth = aiohttp.BasicAuth(config.username, config.password)
        self._url = config.base_url + SEND_PATH

    async def __aenter__(self) -> LinkMobilitySms:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use, so that it belongs to the running event loop.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    def request_body(self, message: OutboundSms) -> dict[str, Any]:
        body: dict[str, Any] = {
            "source": self._config.source,
            "sourceTON": "ALPHANUMERIC",
            "destination": message.to_e164,
            "destinationTON": "MSISDN",
            "userData": message.text,
            "dcs": "TEXT",
            "platformId": self._config.platform_id,
            "platformPartnerId": self._config.platform_partner_id,
            "refId": message.ref_id,
        }
        if self._config.gate_id:
            body["useDeliveryReport"] = True
            body["deliveryReportGates"] = [self._config.gate_id]
        return body

    async def send_sms(self, message: OutboundSms) -> str | None:
        try:
            async with self._client().post(
                self._url,
                json=self.request_body(message),
                auth=self._auth,
                timeout=aiohttp.ClientTimeout(total=self._config.timeout_s),
            ) as resp:
                status = resp.status
                retry_after = _retry_after_s(resp.headers.get("Retry-After"))
                payload = await _json_or_none(resp)
        except TimeoutError:
            log.warning("LINK Mobility send %s timed out", message.ref_id)
            raise TemporaryFailure("LINK Mobility did not answer in time") from None
        except aiohttp.ClientError as exc:
            log.warning("LINK Mobility send %s failed: %s", message.ref_id, type(exc).__name__)
            raise TemporaryFailure(f"LINK Mobility unreachable ({type(exc).__name__})") from None

        code = _result_code(payload)
        if 200 <= status < 300:
            message_id = payload.get("messageId") if payload else None
            if not isinstance(message_id, str) or not message_id:
                message_id = None
            log.info("LINK Mobility accepted %s as %s", message.ref_id, message_id)
            return message_id
        reason = f"LINK Mobility answered HTTP {status}, resultCode {code}"
        log.warning("LINK Mobility send %s: HTTP %s, resultCode %s", message.ref_id, status, code)
        if status == 429 or status >= 500:
            raise TemporaryFailure(reason, retry_after)
        raise PermanentFailure(reason)


async def _json_or_none(resp: aiohttp.ClientResponse) -> dict[str, Any] | None:
    try:
        data = await resp.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return None
    return data if isinstance(data, dict) else None


def _result_code(payload: dict[str, Any] | None) -> int | None:
    code = payload.get("resultCode") if payload else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _retry_after_s(value: str | None) -> float | None:
    """Retry-After as delay-seconds or an HTTP date (RFC 9110 10.2.3); None if unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), _MAX_RETRY_AFTER_S)


def _varsler(config: LinkMobilityConfig, ctx: ChannelContext) -> SmsVarsler:
    return SmsVarsler(LinkMobilitySms(config), ctx)


# Config section ``varsler.sms``.
CHANNEL = ChannelSpec("sms", "sms", LinkMobilityConfig, _varsler)
