"""Varsler by e-mail, for any e-mail provider: the fixed texts, and calendar invitations."""

from __future__ import annotations

from bridge.calendar_ics import calendar_part
from bridge.channels.base import Delivery, EmailChannel, OutboundEmail, PermanentFailure
from samsnakk_bot.domain import texts


class EmailVarsler:
    """A :class:`~bridge.channels.base.Channel` over an e-mail provider."""

    def __init__(self, provider: EmailChannel, from_address: str) -> None:
        self.provider = provider
        # Organiser of the calendar invitations (services/calendar.py asks for it).
        self.from_address = from_address

    async def deliver(self, delivery: Delivery) -> str | None:
        if delivery.address is None:
            raise PermanentFailure(f"{delivery.channel} varsel without an address")
        if delivery.kind == "calendar":
            return await self.provider.send_email(self._calendar_email(delivery, delivery.address))
        subject, body = texts.varsel_email(delivery.kind, delivery.count)
        return await self.provider.send_email(
            OutboundEmail(delivery.address, subject, body, delivery.ref)
        )

    async def close(self) -> None:
        close = getattr(self.provider, "close", None)
        if close is not None:
            await close()

    @staticmethod
    def _calendar_email(d: Delivery, address: str) -> OutboundEmail:
        if d.secret is None:
            raise PermanentFailure("calendar varsel without its invitation")
        cancel = b"METHOD:CANCEL" in d.secret
        subject = texts.CALENDAR_CANCEL_SUBJECT if cancel else texts.CALENDAR_SUBJECT
        body = texts.CALENDAR_CANCEL_BODY if cancel else texts.CALENDAR_BODY
        part = calendar_part(d.secret, "CANCEL" if cancel else "REQUEST")
        return OutboundEmail(address, subject, body, d.ref, parts=(part,))
