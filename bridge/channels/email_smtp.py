"""E-mail varsler over SMTP (aiosmtplib): one connection per message, content-free headers.

The message carries only what delivery needs: Subject, From, To, Date, a Message-ID derived
from our ``ref_id`` (a retried send has the same Message-ID, so receivers can de-duplicate) and
``Auto-Submitted: auto-generated``. Extra parts, such as an iCalendar invitation, go into a
multipart/alternative after the text, with their full content type kept (``method=REQUEST`` is
what calendar clients read).

Failures are mapped to the channel contract: 4xx replies, refused connections, timeouts and TLS
problems are temporary; 5xx replies (including a rejected login, 535) are permanent. A reason
names the SMTP code and the stage, never the address or the server's text.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from email.headerregistry import Address, ContentTypeHeader
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import aiosmtplib
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bridge.channels.base import (
    ChannelContext,
    OutboundEmail,
    PermanentFailure,
    TemporaryFailure,
)
from bridge.channels.email_varsel import EmailVarsler
from bridge.channels.registry import ChannelSpec

_ADDRESS_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)

_CONTENT_TYPE_RE = re.compile(r"^\s*[\w.+-]+/[\w.+-]+\s*(;|$)")


class SmtpConfig(BaseModel):
    """The ``email`` section: where and how we hand e-mail varsler to an SMTP server."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: Annotated[str, Field(min_length=1)]
    port: Annotated[int, Field(ge=1, le=65535)] = 587
    # "starttls" (port 587) or "tls" (implicit TLS, usually port 465); "none" only for a relay.
    security: Literal["none", "starttls", "tls"] = "starttls"
    username: str | None = None
    # Kept out of repr() so a logged config does not carry it.
    password: str | None = Field(default=None, repr=False)
    from_address: str
    from_name: Annotated[str, Field(min_length=1, max_length=64)] = "Samsnakk"
    timeout_s: Annotated[float, Field(gt=0, le=300)] = 15
    validate_certs: bool = True
    # A private CA: when set, only this CA is trusted for the server's certificate.
    ca_file: Path | None = None

    @field_validator("from_address")
    @classmethod
    def _address_like(cls, v: str) -> str:
        if not _ADDRESS_RE.match(v):
            raise ValueError("must be a plain e-mail address such as samsnakk@kommune.no")
        return v

    @field_validator("from_name")
    @classmethod
    def _single_line(cls, v: str) -> str:
        if any(c in v for c in "\r\n\t"):
            raise ValueError("must be one line of text")
        return v

    @field_validator("ca_file")
    @classmethod
    def _ca_file_exists(cls, v: Path | None) -> Path | None:
        if v is not None and not v.is_file():
            raise ValueError(f"file not found: {v}")
        return v

    @model_validator(mode="after")
    def _credentials(self) -> SmtpConfig:
        if (self.username is None) != (self.password is None):
            missing = "password" if self.password is None else "username"
            raise ValueError(f"username and password go together: {missing} is missing")
        if self.username is not None and self.security == "none" and not _is_loopback(self.host):
            raise ValueError(
                "username/password over security 'none' would travel in clear text; "
                "use security 'starttls' or 'tls' (plain is allowed only to a loopback relay)"
            )
        return self

    @property
    def from_domain(self) -> str:
        return self.from_address.rpartition("@")[2].lower()


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def message_id_for(ref_id: str, domain: str) -> str:
    """The same ``ref_id`` always gives the same Message-ID; the ID does not reveal ``ref_id``."""
    # 128 bits is plenty, and short enough that the header is not folded for usual domains.
    digest = hashlib.sha256(ref_id.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


class SmtpEmail:
    """``EmailChannel`` over SMTP; see the module docstring for what it sends and raises."""

    def __init__(
        self, config: SmtpConfig, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._cfg = config
        self._clock = clock
        self._sender = Address(display_name=config.from_name, addr_spec=config.from_address)
        self._connect: dict[str, Any] = {
            "hostname": config.host,
            "port": config.port,
            "timeout": config.timeout_s,
            "use_tls": config.security == "tls",
            "start_tls": config.security == "starttls",
            "username": config.username,
            "password": config.password,
        }
        if config.security != "none":
            self._connect["tls_context"] = _tls_context(config)

    async def send_email(self, message: OutboundEmail) -> str | None:
        mail = self.build_message(message)
        try:
            await aiosmtplib.send(
                mail, sender=self._cfg.from_address, recipients=[message.to], **self._connect
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            # "from None": the original carries the address and the server's text.
            raise classify_error(exc) from None
        return str(mail["Message-ID"])

    def build_message(self, message: OutboundEmail) -> EmailMessage:
        """The exact message we hand to the server (public for tests and previews)."""
        mail = EmailMessage(policy=default_policy)
        try:
            mail["To"] = Address(addr_spec=message.to)
        except ValueError:
            raise PermanentFailure("recipient is not a valid e-mail address") from None
        mail["From"] = self._sender
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(self._clock())
        mail["Message-ID"] = message_id_for(message.ref_id, self._cfg.from_domain)
        mail["Auto-Submitted"] = "auto-generated"
        mail.set_content(message.text, charset="utf-8")
        for content_type, data in message.parts:
            _add_alternative(mail, content_type, data)
        return mail


def _tls_context(config: SmtpConfig) -> ssl.SSLContext:
    cafile = str(config.ca_file) if config.ca_file is not None else None
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
    if not config.validate_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _add_alternative(mail: EmailMessage, content_type: str, data: bytes) -> None:
    if not _CONTENT_TYPE_RE.match(content_type):
        raise ValueError(f"not a MIME content type: {content_type!r}")
    header = cast(ContentTypeHeader, default_policy.header_factory("content-type", content_type))
    maintype, subtype, params = header.maintype, header.subtype, dict(header.params)
    if maintype == "text":
        params.setdefault("charset", "UTF-8")
    mail.add_alternative(data, maintype, subtype, params=params)


_STAGES: tuple[tuple[type[aiosmtplib.SMTPResponseException], str], ...] = (
    (aiosmtplib.SMTPAuthenticationError, "login refused"),
    (aiosmtplib.SMTPRecipientRefused, "recipient refused"),
    (aiosmtplib.SMTPSenderRefused, "sender refused"),
    (aiosmtplib.SMTPDataError, "message refused"),
    (aiosmtplib.SMTPHeloError, "EHLO refused"),
    (aiosmtplib.SMTPConnectResponseError, "greeting refused"),
)


def classify_error(exc: BaseException) -> TemporaryFailure | PermanentFailure:
    """Map an aiosmtplib/OS error to the channel contract, without addresses or server text."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        stage = next((name for kind, name in _STAGES if isinstance(exc, kind)), "command refused")
        reason = f"SMTP {exc.code}: {stage}"
        if 500 <= exc.code < 600:
            return PermanentFailure(reason)
        return TemporaryFailure(reason)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        # Raised for this message's addresses (SMTPUTF8); a retry sends the same addresses.
        return PermanentFailure("SMTP server cannot take this address (no SMTPUTF8)")
    if isinstance(exc, ssl.SSLError) or isinstance(exc.__cause__, ssl.SSLError):
        return TemporaryFailure("SMTP TLS handshake failed (certificate or protocol)")
    if isinstance(exc, aiosmtplib.SMTPTimeoutError):
        return TemporaryFailure("SMTP timeout")
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return TemporaryFailure("SMTP server disconnected")
    if isinstance(exc, aiosmtplib.SMTPConnectError | OSError):
        return TemporaryFailure("SMTP server unreachable")
    # Plain SMTPException: STARTTLS or AUTH not offered; the server, not the message, is wrong.
    return TemporaryFailure("SMTP session setup failed (STARTTLS or AUTH not offered)")


def _varsler(config: SmtpConfig, _ctx: ChannelContext) -> EmailVarsler:
    return EmailVarsler(SmtpEmail(config), config.from_address)


# Config section ``varsler.email``; the channel is called «epost», as people write it.
CHANNEL = ChannelSpec("epost", "email", SmtpConfig, _varsler)
