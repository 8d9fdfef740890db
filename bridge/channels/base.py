"""What every channel promises the outbox: send once, or say whether trying again may help.

Channels never see who a person is beyond an address, and never see message content: the
text they get is one of the fixed, content-free varsel texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class TemporaryFailure(Exception):
    """Try again later (provider 429/5xx, connection refused, timeout)."""

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


class PermanentFailure(Exception):
    """Trying again will not help (bad number, rejected credentials, 4xx other than 429)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OutboundSms:
    to_e164: str
    text: str
    # Our idempotency key, sent as the provider's reference so a retry is recognisable.
    ref_id: str


@dataclass(frozen=True)
class OutboundEmail:
    to: str
    subject: str
    text: str
    ref_id: str
    # Extra MIME parts, e.g. ("text/calendar; method=REQUEST", b"BEGIN:VCALENDAR…").
    parts: tuple[tuple[str, bytes], ...] = field(default_factory=tuple)


class SmsChannel(Protocol):
    async def send_sms(self, message: OutboundSms) -> str | None:
        """Hand the SMS to the provider; returns the provider's message ID if it gives one."""
        ...


class EmailChannel(Protocol):
    async def send_email(self, message: OutboundEmail) -> str | None:
        """Hand the e-mail to the SMTP server; returns its Message-ID."""
        ...
