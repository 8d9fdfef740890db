"""E-mail varsler against a real local SMTP server (aiosmtpd): what arrives, and each failure."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bridge.channels.base import OutboundEmail, PermanentFailure, TemporaryFailure
from bridge.channels.email_smtp import SmtpConfig, SmtpEmail
from tests.fakes.smtp import (
    NO_SUCH_USER,
    TEMPORARY,
    FakeSmtpServer,
    LocalTls,
    Stage,
    make_test_tls,
)

SUBJECT = "Du har fått en ny melding i Samsnakk"
TEXT = "Du har en ny melding i Samsnakk. Åpne Element for å lese den.\n"
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Samsnakk//NO\r\nMETHOD:REQUEST\r\n"
    b"BEGIN:VEVENT\r\nUID:m-1@kommune.no\r\nDTSTAMP:20261203T090000Z\r\n"
    b"DTSTART:20261203T090000Z\r\nSUMMARY:M\xc3\xb8te\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
FIXED_NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _varsel(ref_id: str = "v-1", **kwargs: Any) -> OutboundEmail:
    fields: dict[str, Any] = {"to": "per@example.no", "subject": SUBJECT, "text": TEXT}
    return OutboundEmail(ref_id=ref_id, **(fields | kwargs))


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def _channel(server: FakeSmtpServer | None = None, **overrides: Any) -> SmtpEmail:
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": server.port if server else 25,
        "security": "none",
        "from_address": "samsnakk@askoy.kommune.no",
        "timeout_s": 5,
    }
    return SmtpEmail(SmtpConfig(**(settings | overrides)), clock=lambda: FIXED_NOW)


@pytest.fixture
def smtp() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer() as server:
        yield server


@pytest.fixture
def tls(tmp_path: Path) -> LocalTls:
    return make_test_tls(tmp_path)


async def test_plain_varsel_arrives_with_exact_headers_and_only_the_text(
    smtp: FakeSmtpServer,
) -> None:
    message_id = await _channel(smtp).send_email(_varsel())

    [got] = smtp.messages
    mail = got.message
    assert (got.mail_from, got.rcpt_tos) == ("samsnakk@askoy.kommune.no", ["per@example.no"])
    assert mail["Subject"] == SUBJECT
    assert mail["From"] == "Samsnakk <samsnakk@askoy.kommune.no>"
    assert mail["To"] == "per@example.no"
    assert mail["Date"] == "Thu, 03 Dec 2026 09:00:00 +0000"
    assert mail["Message-ID"] == message_id
    assert message_id is not None and message_id.endswith("@askoy.kommune.no>")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert sorted(mail.keys()) == sorted(
        [
            *("Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted"),
            *("MIME-Version", "Content-Type", "Content-Transfer-Encoding"),
        ]
    )
    assert mail.get_content_type() == "text/plain"
    assert _lines(mail.get_content()) == TEXT


async def test_calendar_part_arrives_as_alternative_with_method_request(
    smtp: FakeSmtpServer,
) -> None:
    invite = _varsel(subject="Invitasjon", parts=(("text/calendar; method=REQUEST", ICS),))

    await _channel(smtp).send_email(invite)

    mail = smtp.messages[0].message
    assert mail.get_content_type() == "multipart/alternative"
    text_part, calendar = mail.iter_parts()
    assert (text_part.get_content_type(), _lines(text_part.get_content())) == ("text/plain", TEXT)
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_payload(decode=True) == ICS
    assert calendar.get_content_disposition() is None


async def test_starttls_with_login_is_encrypted_and_authenticated(tls: LocalTls) -> None:
    with FakeSmtpServer(mode="starttls", tls=tls, username="varsel", password="s3cret") as server:
        channel = _channel(
            server, security="starttls", username="varsel", password="s3cret", ca_file=tls.ca_file
        )
        await channel.send_email(_varsel())

    [got] = server.messages
    assert (got.tls, got.login) == (True, "varsel")
    assert got.message["Subject"] == SUBJECT


async def test_implicit_tls_with_login_delivers(tls: LocalTls) -> None:
    with FakeSmtpServer(mode="tls", tls=tls, username="varsel", password="s3cret") as server:
        channel = _channel(
            server, security="tls", username="varsel", password="s3cret", ca_file=tls.ca_file
        )
        await channel.send_email(_varsel())

    assert [(m.tls, m.login) for m in server.messages] == [(True, "varsel")]


async def test_plain_login_to_a_loopback_relay_delivers() -> None:
    with FakeSmtpServer(username="varsel", password="s3cret") as server:
        await _channel(server, username="varsel", password="s3cret").send_email(_varsel())

    assert [(m.tls, m.login) for m in server.messages] == [(False, "varsel")]


async def test_missing_login_where_required_is_permanent_530() -> None:
    with FakeSmtpServer(username="varsel", password="s3cret") as server:
        with pytest.raises(PermanentFailure) as failure:
            await _channel(server).send_email(_varsel())

    assert failure.value.reason == "SMTP 530: recipient refused"
    assert server.messages == []


async def test_wrong_password_is_permanent_and_names_535(tls: LocalTls) -> None:
    with FakeSmtpServer(mode="starttls", tls=tls, username="varsel", password="s3cret") as server:
        channel = _channel(
            server, security="starttls", username="varsel", password="wrong", ca_file=tls.ca_file
        )
        with pytest.raises(PermanentFailure) as failure:
            await channel.send_email(_varsel())

    assert failure.value.reason == "SMTP 535: login refused"
    assert server.messages == []


async def test_certificate_from_unknown_ca_is_temporary(tls: LocalTls) -> None:
    with FakeSmtpServer(mode="starttls", tls=tls) as server:
        with pytest.raises(TemporaryFailure) as failure:
            await _channel(server, security="starttls").send_email(_varsel())

    assert "TLS" in failure.value.reason
    assert server.messages == []


async def test_unverified_certificates_when_configured_so(tls: LocalTls) -> None:
    with FakeSmtpServer(mode="starttls", tls=tls) as server:
        await _channel(server, security="starttls", validate_certs=False).send_email(_varsel())

    assert [m.tls for m in server.messages] == [True]


async def test_server_down_is_temporary() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        closed_port = placeholder.getsockname()[1]
    with pytest.raises(TemporaryFailure) as failure:
        await _channel(port=closed_port).send_email(_varsel())

    assert failure.value.reason == "SMTP server unreachable"


async def test_451_is_temporary_and_the_retry_carries_the_same_message_id(
    smtp: FakeSmtpServer,
) -> None:
    smtp.refuse_next(TEMPORARY)
    channel = _channel(smtp)

    with pytest.raises(TemporaryFailure) as failure:
        await channel.send_email(_varsel("v-retry"))
    retried_id = await channel.send_email(_varsel("v-retry"))

    assert failure.value.reason == "SMTP 451: message refused"
    assert [m.message["Message-ID"] for m in smtp.messages] == [retried_id]
    assert retried_id == channel.build_message(_varsel("v-retry"))["Message-ID"]


@pytest.mark.parametrize(
    ("reply", "stage", "reason"),
    [
        ("421 4.3.2 Service shutting down", "DATA", "SMTP 421: message refused"),
        ("450 4.2.1 Mailbox busy", "RCPT", "SMTP 450: recipient refused"),
        ("452 4.2.2 Mailbox full", "RCPT", "SMTP 452: recipient refused"),
    ],
)
async def test_4xx_replies_are_temporary(
    smtp: FakeSmtpServer, reply: str, stage: Stage, reason: str
) -> None:
    smtp.refuse_next(reply, stage=stage)

    with pytest.raises(TemporaryFailure) as failure:
        await _channel(smtp).send_email(_varsel())

    assert failure.value.reason == reason
    assert smtp.messages == []


@pytest.mark.parametrize(
    ("reply", "stage", "reason"),
    [
        ("553 5.1.3 Bad recipient address syntax", "RCPT", "SMTP 553: recipient refused"),
        ("554 5.7.1 Message rejected as spam", "DATA", "SMTP 554: message refused"),
    ],
)
async def test_5xx_replies_are_permanent(
    smtp: FakeSmtpServer, reply: str, stage: Stage, reason: str
) -> None:
    smtp.refuse_next(reply, stage=stage)

    with pytest.raises(PermanentFailure) as failure:
        await _channel(smtp).send_email(_varsel())

    assert failure.value.reason == reason


async def test_server_that_hangs_up_after_greeting_is_temporary() -> None:
    async def greet_and_hang_up(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 localhost ESMTP\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(greet_and_hang_up, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(TemporaryFailure) as failure:
            await _channel(port=port).send_email(_varsel())

    assert failure.value.reason == "SMTP server disconnected"


async def test_server_that_never_greets_times_out_as_temporary() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        channel = _channel(port=silent.getsockname()[1], timeout_s=0.3)
        with pytest.raises(TemporaryFailure) as failure:
            await channel.send_email(_varsel())

    assert failure.value.reason == "SMTP timeout"


async def test_server_without_starttls_is_temporary_and_gets_no_mail(
    smtp: FakeSmtpServer,
) -> None:
    with pytest.raises(TemporaryFailure) as failure:
        await _channel(smtp, security="starttls").send_email(_varsel())

    assert failure.value.reason.startswith("SMTP session setup failed")
    assert smtp.messages == []


async def test_non_ascii_domain_without_smtputf8_is_permanent() -> None:
    with FakeSmtpServer(smtputf8=False) as server:
        with pytest.raises(PermanentFailure) as failure:
            await _channel(server).send_email(_varsel(to="per@bø.kommune.no"))

    assert "SMTPUTF8" in failure.value.reason
    assert server.messages == []


async def test_non_ascii_domain_arrives_where_smtputf8_is_offered(smtp: FakeSmtpServer) -> None:
    await _channel(smtp).send_email(_varsel(to="per@bø.kommune.no"))

    assert [(m.rcpt_tos, m.message["To"]) for m in smtp.messages] == [
        (["per@bø.kommune.no"], "per@bø.kommune.no")
    ]


async def test_550_no_such_user_is_permanent_without_address_or_text(
    smtp: FakeSmtpServer,
) -> None:
    smtp.refuse_next(NO_SUCH_USER, stage="RCPT")

    with pytest.raises(PermanentFailure) as failure:
        await _channel(smtp).send_email(_varsel())

    assert failure.value.reason == "SMTP 550: recipient refused"
    assert "per@example.no" not in str(failure.value)
    assert failure.value.__suppress_context__
    assert smtp.messages == []


async def test_same_ref_id_same_message_id_other_ref_id_other(smtp: FakeSmtpServer) -> None:
    channel = _channel(smtp)

    first = await channel.send_email(_varsel("v-7"))
    again = await _channel(smtp).send_email(_varsel("v-7", to="kari@example.no"))
    other = await channel.send_email(_varsel("v-8"))

    assert first == again != other
    assert "v-7" not in (first or "")


async def test_malformed_part_content_type_is_a_caller_bug(smtp: FakeSmtpServer) -> None:
    with pytest.raises(ValueError, match="not a MIME content type"):
        await _channel(smtp).send_email(_varsel(parts=(("calendar", ICS),)))

    assert smtp.messages == []


def test_fake_server_stop_ends_its_thread_and_frees_its_port() -> None:
    before = set(threading.enumerate())
    with FakeSmtpServer() as server:
        started = set(threading.enumerate()) - before
        port = server.port

    assert started and not any(thread.is_alive() for thread in started)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


async def test_invalid_recipient_is_permanent_and_nothing_is_sent(smtp: FakeSmtpServer) -> None:
    with pytest.raises(PermanentFailure) as failure:
        await _channel(smtp).send_email(_varsel(to="per@example.no\r\nBcc: x@example.no"))

    assert failure.value.reason == "recipient is not a valid e-mail address"
    assert smtp.messages == []


def _config_error(**overrides: Any) -> str:
    settings: dict[str, Any] = {"host": "smtp.kommune.no", "from_address": "samsnakk@kommune.no"}
    with pytest.raises(ValidationError) as err:
        SmtpConfig(**(settings | overrides))
    return str(err.value)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"username": "varsel"}, "password is missing"),
        ({"password": "s3cret"}, "username is missing"),
        ({"from_address": "samsnakk"}, "from_address"),
        ({"from_address": "Samsnakk <samsnakk@kommune.no>"}, "from_address"),
        ({"security": "ssl"}, "security"),
        ({"ca_file": "/nonexistent/ca.pem"}, "ca_file"),
        ({"smtp_host": "x"}, "smtp_host"),
        (
            {"security": "none", "username": "varsel", "password": "s3cret"},
            "clear text",
        ),
    ],
)
def test_config_errors_name_the_key(overrides: dict[str, Any], expected: str) -> None:
    assert expected in _config_error(**overrides)


def test_config_allows_plain_login_only_to_a_loopback_relay() -> None:
    cfg = SmtpConfig(
        host="127.0.0.1",
        security="none",
        username="varsel",
        password="s3cret",
        from_address="samsnakk@kommune.no",
    )
    assert (cfg.port, cfg.from_name, cfg.from_domain) == (587, "Samsnakk", "kommune.no")
    assert "s3cret" not in repr(cfg)
