"""What every channel promises the outbox: send once, or say whether trying again may help.

Channels never see who a person is beyond an address, and never see message content: what they
get is a :class:`Delivery`, from which they make one of the fixed, content-free varsel texts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from samsnakk_bot.domain.replies import Reply


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


@dataclass(frozen=True)
class Delivery:
    """One outbox row as a channel sees it: decrypted address and secret, no cipher, no store."""

    channel: str
    kind: str
    count: int
    user_id: str | None
    # Our idempotency key (Matrix transaction ID); providers get ``ref`` instead.
    idem_key: str
    # Stable per varsel, with no Matrix ID or room ID in it.
    ref: str
    address: str | None
    secret: bytes | None


class Channel(Protocol):
    """A varsel channel: the outbox worker looks it up by name and hands it each due row."""

    async def deliver(self, delivery: Delivery) -> str | None:
        """Send once; returns the provider's reference (message ID, event ID) if it gives one.

        Raises :class:`TemporaryFailure` or :class:`PermanentFailure`."""
        ...

    async def close(self) -> None: ...


class DmSender(Protocol):
    async def send(self, user_id: str, reply: Reply, txn_id: str) -> str: ...


@dataclass(frozen=True)
class ChannelContext:
    """What the wiring gives every channel factory: the parts a channel may not build itself."""

    # The bot's encrypted DMs (built once, also used for identity notices).
    dm: DmSender
    # Hours an onboarding code is valid, from the live policy.
    code_hours: Callable[[], int]
    # Element X preset to our server, for the onboarding SMS (D90); None: none configured.
    app_link: str | None = None
