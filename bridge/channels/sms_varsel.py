"""Varsler by SMS, for any SMS provider: which fixed text, and that it fits one segment."""

from __future__ import annotations

import logging

from bridge.channels.base import (
    ChannelContext,
    Delivery,
    OutboundSms,
    PermanentFailure,
    SmsChannel,
)
from bridge.sms_text import is_gsm7_single_segment
from samsnakk_bot.domain import texts

log = logging.getLogger(__name__)


class SmsVarsler:
    """A :class:`~bridge.channels.base.Channel` over an SMS provider."""

    def __init__(self, provider: SmsChannel, ctx: ChannelContext) -> None:
        self.provider = provider
        self._code_hours = ctx.code_hours
        # Element X with our server preset, for the onboarding SMS (D90).
        self._app_link = ctx.app_link

    async def deliver(self, delivery: Delivery) -> str | None:
        if delivery.address is None:
            raise PermanentFailure(f"{delivery.channel} varsel without an address")
        text = self._text(delivery)
        return await self.provider.send_sms(OutboundSms(delivery.address, text, delivery.ref))

    async def close(self) -> None:
        close = getattr(self.provider, "close", None)
        if close is not None:
            await close()

    def _onboarding_sms(self, code: str) -> str:
        """With the app link if it fits one segment; a long server name leaves it out."""
        hours = self._code_hours()
        if self._app_link is not None:
            text = texts.onboarding_sms_with_link(code, hours, self._app_link)
            if is_gsm7_single_segment(text):
                return text
            log.warning("the app link does not fit the onboarding SMS; sent without it")
        return texts.onboarding_sms(code, hours)

    def _text(self, d: Delivery) -> str:
        secret = d.secret.decode() if d.secret else None
        if d.kind == "onboarding_code" and secret:
            text = self._onboarding_sms(secret)
        elif d.kind == "summary" and secret:
            text = secret  # the bruker's own opt-in: their summary, by their choice
        else:
            text = texts.varsel_sms(d.kind, d.count)
        if d.kind != "summary" and not is_gsm7_single_segment(text):
            raise PermanentFailure("SMS text does not fit one GSM-7 segment")
        return text
