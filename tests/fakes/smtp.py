"""A real local SMTP server (aiosmtpd) that records what arrives and can be told to refuse.

    with FakeSmtpServer() as smtp:                       # plain, no AUTH
    with FakeSmtpServer(tls=make_test_tls(tmp_path), mode="starttls",
                        username="u", password="p") as smtp:
        smtp.refuse_next("451 4.3.0 Try again later")    # the next DATA gets 451
        smtp.messages[0].message["Subject"]

The server listens on 127.0.0.1 on a port the OS picks, in aiosmtpd's own thread; leaving the
``with`` block (or ``stop()``) stops the thread and closes the port.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEMPORARY = "451 4.3.0 Try again later"
NO_SUCH_USER = "550 5.1.1 No such user"

Stage = Literal["RCPT", "DATA"]


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    # The login the client authenticated as, and whether the session was encrypted.
    login: str | None
    tls: bool


@dataclass(frozen=True)
class LocalTls:
    """A private CA and a server certificate for 127.0.0.1 / localhost, made at test time."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def make_test_tls(directory: Path) -> LocalTls:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Samsnakk test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    san = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        _builder(name, ca_name, key.public_key(), now)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    tls = LocalTls(directory / "ca.pem", directory / "server.pem", directory / "server.key")
    tls.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    tls.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tls.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return tls


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, now: dt.datetime
) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class _Script:
    """Replies to give instead of success, consumed one per message at their stage."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    pending: dict[str, list[str]] = field(default_factory=lambda: {"RCPT": [], "DATA": []})

    def take(self, stage: Stage) -> str | None:
        with self.lock:
            queue = self.pending[stage]
            return queue.pop(0) if queue else None


class _Recorder:
    """The aiosmtpd handler: it runs in the server's thread."""

    def __init__(
        self, script: _Script, messages: list[ReceivedMessage], *, require_auth: bool
    ) -> None:
        self._script = script
        self._messages = messages
        self._require_auth = require_auth

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self._require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        refusal = self._script.take("RCPT")
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        refusal = self._script.take("DATA")
        if refusal is not None:
            return refusal
        raw = envelope.original_content or b""
        auth = session.auth_data
        transport = server.transport
        self._messages.append(
            ReceivedMessage(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                message=message_from_bytes(raw, _class=EmailMessage, policy=default_policy),
                raw=raw,
                login=auth.login.decode() if isinstance(auth, LoginPassword) else None,
                tls=transport is not None and transport.get_extra_info("ssl_object") is not None,
            )
        )
        return "250 2.0.0 Message accepted"


class _Authenticator:
    def __init__(self, username: str, password: str) -> None:
        self._login = LoginPassword(username.encode(), password.encode())

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data == self._login
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class _LoopbackController(Controller):
    """Binds port 0 and learns the real port before aiosmtpd's start-up probe connects."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class FakeSmtpServer:
    def __init__(
        self,
        *,
        mode: Literal["plain", "starttls", "tls"] = "plain",
        tls: LocalTls | None = None,
        username: str | None = None,
        password: str | None = None,
        smtputf8: bool = True,
        port: int = 0,
    ) -> None:
        if mode != "plain" and tls is None:
            raise ValueError(f"mode {mode!r} needs tls=make_test_tls(...)")
        self.messages: list[ReceivedMessage] = []
        self._script = _Script()
        kwargs: dict[str, Any] = {
            "server_hostname": "localhost",
            "ready_timeout": 10.0,
            "enable_SMTPUTF8": smtputf8,
        }
        if mode == "starttls" and tls is not None:
            kwargs.update(tls_context=tls.server_context(), require_starttls=True)
        if mode == "tls" and tls is not None:
            kwargs["ssl_context"] = tls.server_context()
        if username is not None and password is not None:
            kwargs.update(
                authenticator=_Authenticator(username, password),
                # aiosmtpd counts only STARTTLS as TLS (and warns about auth_required without
                # it), so "tls" and the "plain" loopback relay allow AUTH and _Recorder enforces it.
                auth_require_tls=mode == "starttls",
            )
        recorder = _Recorder(self._script, self.messages, require_auth=username is not None)
        self._controller = _LoopbackController(recorder, hostname="127.0.0.1", port=port, **kwargs)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def refuse_next(self, reply: str, *, times: int = 1, stage: Stage = "DATA") -> None:
        """Answer the next ``times`` messages at ``stage`` with ``reply`` (e.g. TEMPORARY)."""
        with self._script.lock:
            self._script.pending[stage].extend([reply] * times)

    def start(self) -> FakeSmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> FakeSmtpServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
