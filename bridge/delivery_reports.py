"""Delivery reports from LINK Mobility, parsed into what the outbox needs to know.

LINK's "Common" platform POSTs one JSON report per message (per part, for multipart messages)
to the gate URL we registered with them. The fields, from LINK's "SMS REST API - MT and
Delivery Reports" document: ``refId`` (our reference, mirrored; null if we sent none), ``id``
(their message ID, as returned by /sms/send; ``{id}${n}`` for part n of a multipart message),
``operator``, ``sentTimestamp`` and ``timestamp`` (RFC 3339, UTC), ``resultCode``,
``operatorResultCode`` (unmapped, for debugging only), ``segments``, ``gateCustomParameters``
and ``customParameters``. Only ``id`` and ``resultCode`` are needed here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# LINK's result code table, by what it says about delivery to the handset.
# 1001 "Billed and delivered" is the usual final success; 1007 "Delivered, billing delayed" is
# marked temporary only because billing is still open: the handset has the message.
DELIVERED_CODES = frozenset({1001, 1007})
# Not final yet: 1000 sent to operator, 1005 queued, 1008 billed not sent, 1011 billed and sent,
# 1012 delayed (LINK resends), 1013 sent, billing delayed. And final but with delivery unknown:
# 4 timeout, 5 operator unknown error, 1010 expired without an operator report.
UNKNOWN_CODES = frozenset({1000, 1005, 1008, 1011, 1012, 1013, 4, 5, 1010})
# Everything else (0-3, 6, 104, 105, 1002-1004, 1006, 1009, 2xxx, 3xxx, 4xxx) is final and
# not delivered, and so is any code the table does not list.

_PART_SUFFIX = re.compile(r"^(?P<id>.+)\$(?P<part>\d+)$")
_MAX_ID_LEN = 200


class MalformedDeliveryReport(ValueError):
    """The body is not a LINK delivery report; the reason names the field, never its value."""


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    # LINK's messageId, as /sms/send returned it (a multipart "$n" suffix removed).
    provider_message_id: str
    # Our OutboundSms.ref_id, mirrored by LINK; None if the report carries none.
    ref_id: str | None
    # True delivered, False failed for good, None still pending or unknown.
    delivered: bool | None
    result_code: int
    # When we received the report, ms since the epoch.
    received_ms: int
    # The operator's time for this status, ms since the epoch, if it gave a readable one.
    status_ms: int | None = None


def delivery_state(result_code: int) -> bool | None:
    if result_code in DELIVERED_CODES:
        return True
    if result_code in UNKNOWN_CODES:
        return None
    return False


def parse_link_delivery_report(
    body: Mapping[str, Any], *, received_ms: int | None = None
) -> DeliveryReport:
    """Parse one JSON delivery report; raises MalformedDeliveryReport if it is not one."""
    if not isinstance(body, Mapping):
        raise MalformedDeliveryReport("body is not a JSON object")
    message_id = body.get("id")
    if not isinstance(message_id, str) or not message_id.strip():
        raise MalformedDeliveryReport("id is missing or not a string")
    if len(message_id) > _MAX_ID_LEN:
        raise MalformedDeliveryReport("id is too long")
    part = _PART_SUFFIX.match(message_id)
    if part:
        message_id = part["id"]
    ref_id = body.get("refId")
    if ref_id is not None and (not isinstance(ref_id, str) or len(ref_id) > _MAX_ID_LEN):
        raise MalformedDeliveryReport("refId is not a string")
    code = _result_code(body.get("resultCode"))
    return DeliveryReport(
        provider_message_id=message_id,
        ref_id=ref_id or None,
        delivered=delivery_state(code),
        result_code=code,
        received_ms=time.time_ns() // 1_000_000 if received_ms is None else received_ms,
        status_ms=_rfc3339_ms(body.get("timestamp")),
    )


def _result_code(value: object) -> int:
    if isinstance(value, bool):
        raise MalformedDeliveryReport("resultCode is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    raise MalformedDeliveryReport("resultCode is missing or not an integer")


def _rfc3339_ms(value: object) -> int | None:
    """A timestamp that does not parse is dropped, not refused: the status is what matters."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return int(parsed.timestamp() * 1000)
