"""A varsel channel that lives outside bridge/channels: e-post through a (fake) HTTP mail API.

It is what a new channel module looks like: a config model for its section, a class that
delivers, and ``CHANNEL`` naming the varsel channel it sends and its section under
``varsler:``. Nothing else in the code base knows about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from bridge.channels.base import ChannelContext, Delivery, PermanentFailure
from bridge.channels.registry import ChannelSpec
from samsnakk_bot.domain import texts


class MailApiConfig(BaseModel):
    """The ``varsler.mail_api`` section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    endpoint: str
    api_key: str


@dataclass(frozen=True)
class SentMail:
    to: str
    subject: str
    body: str
    ref: str


@dataclass
class MailApi:
    config: MailApiConfig
    sent: list[SentMail] = field(default_factory=list)
    closed: bool = False

    async def deliver(self, delivery: Delivery) -> str | None:
        if delivery.address is None:
            raise PermanentFailure("epost varsel without an address")
        subject, body = texts.varsel_email(delivery.kind, delivery.count)
        self.sent.append(SentMail(delivery.address, subject, body, delivery.ref))
        return f"mail-api-{len(self.sent)}"

    async def close(self) -> None:
        self.closed = True


def _build(config: MailApiConfig, _ctx: ChannelContext) -> MailApi:
    return MailApi(config)


CHANNEL = ChannelSpec("epost", "mail_api", MailApiConfig, _build)
