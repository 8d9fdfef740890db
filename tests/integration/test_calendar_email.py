"""Calendar invitations over real SMTP (aiosmtpd): REQUEST, update and CANCEL as received."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bridge.calendar_ics import calendar_part
from bridge.channels.base import OutboundEmail
from bridge.channels.email_smtp import SmtpConfig, SmtpEmail
from samsnakk_bot.domain.calendar_ics import CalendarEvent, ics_cancel, ics_request, stable_uid
from tests.fakes.smtp import FakeSmtpServer

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
TO = "kari@dps.no"
SUBJECT = "Invitasjon fra Samsnakk"
TEXT = "Du har fått en invitasjon i Samsnakk. Åpne Element for å se den.\n"


@pytest.fixture
def smtp() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer() as server:
        yield server


def _channel(server: FakeSmtpServer) -> SmtpEmail:
    config = SmtpConfig(
        host=server.host,
        port=server.port,
        security="none",
        from_address="samsnakk@askoy.kommune.no",
        timeout_s=5,
    )
    return SmtpEmail(config, clock=lambda: NOW)


def _email(ref_id: str, ics: bytes, method: str) -> OutboundEmail:
    part = calendar_part(ics, method)
    return OutboundEmail(to=TO, subject=SUBJECT, text=TEXT, ref_id=ref_id, parts=(part,))


def _calendar_of(mail: EmailMessage) -> tuple[EmailMessage, Calendar]:
    assert mail.get_content_type() == "multipart/alternative"
    text_part, calendar = mail.iter_parts()
    assert isinstance(text_part, EmailMessage) and isinstance(calendar, EmailMessage)
    assert text_part.get_content().replace("\r\n", "\n") == TEXT
    payload = calendar.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return calendar, Calendar.from_ical(payload)


def _instant(value: date | datetime) -> datetime:
    assert isinstance(value, datetime)
    return value


async def test_request_update_and_cancel_arrive_as_calendar_parts_a_client_can_apply(
    smtp: FakeSmtpServer,
) -> None:
    first = CalendarEvent(
        uid=stable_uid("meeting-7f3a", "askoy.kommune.no"),
        sequence=0,
        start=datetime(2026, 10, 23, 10, 0, tzinfo=OSLO),
        end=datetime(2026, 10, 23, 11, 0, tzinfo=OSLO),
        title="Det første møtet",
        description="Se Samsnakk for detaljer.",
        location=None,
        organizer_email="samsnakk@askoy.kommune.no",
        organizer_name="Samsnakk",
        attendees=((TO, "Kari Nordmann"),),
    )
    # Moved across the autumn DST change: same local hour, one hour later in UTC.
    moved = replace(
        first,
        sequence=1,
        start=datetime(2026, 10, 26, 10, 0, tzinfo=OSLO),
        end=datetime(2026, 10, 26, 11, 0, tzinfo=OSLO),
    )
    cancelled = replace(moved, sequence=2)
    channel = _channel(smtp)

    await channel.send_email(_email("m-7f3a/0", ics_request(first, NOW), "REQUEST"))
    await channel.send_email(_email("m-7f3a/1", ics_request(moved, NOW), "REQUEST"))
    await channel.send_email(_email("m-7f3a/2", ics_cancel(cancelled, NOW), "CANCEL"))

    assert [m.rcpt_tos for m in smtp.messages] == [[TO]] * 3
    assert len({m.message["Message-ID"] for m in smtp.messages}) == 3
    received = [_calendar_of(m.message) for m in smtp.messages]
    assert [(part.get_content_type(), part.get_param("method")) for part, _ in received] == [
        ("text/calendar", "REQUEST"),
        ("text/calendar", "REQUEST"),
        ("text/calendar", "CANCEL"),
    ]
    assert [str(cal["METHOD"]) for _, cal in received] == ["REQUEST", "REQUEST", "CANCEL"]
    events = [cal.events[0] for _, cal in received]
    assert {str(e["UID"]) for e in events} == {first.uid}
    assert [e.sequence for e in events] == [0, 1, 2]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert [(_instant(e.start).astimezone(UTC), e.duration) for e in events] == [
        (datetime(2026, 10, 23, 8, 0, tzinfo=UTC), timedelta(hours=1)),
        (datetime(2026, 10, 26, 9, 0, tzinfo=UTC), timedelta(hours=1)),
        (datetime(2026, 10, 26, 9, 0, tzinfo=UTC), timedelta(hours=1)),
    ]
    assert all(e["DTSTART"].params["TZID"] == "Europe/Oslo" for e in events)
    assert all(cal.timezones[0].tz_name == "Europe/Oslo" for _, cal in received)


async def test_the_meeting_key_reaches_neither_headers_nor_calendar(
    smtp: FakeSmtpServer,
) -> None:
    event = CalendarEvent(
        uid=stable_uid("meeting-7f3a", "askoy.kommune.no"),
        sequence=0,
        start=datetime(2026, 12, 3, 10, 0, tzinfo=OSLO),
        end=datetime(2026, 12, 3, 11, 0, tzinfo=OSLO),
        title="Det første møtet",
        description="Se Samsnakk for detaljer.",
        location=None,
        organizer_email="samsnakk@askoy.kommune.no",
        organizer_name="Samsnakk",
        attendees=((TO, "Kari Nordmann"),),
    )

    await _channel(smtp).send_email(_email("meeting-7f3a/0", ics_request(event, NOW), "REQUEST"))

    [got] = smtp.messages
    calendar, cal = _calendar_of(got.message)
    payload = calendar.get_payload(decode=True)
    assert isinstance(payload, bytes)
    headers = "\n".join(f"{k}: {v}" for k, v in got.message.items())
    assert "7f3a" not in headers and b"7f3a" not in payload
    assert calendar.get_content_charset() == "utf-8"
    [sent] = cal.events
    assert (str(sent["SUMMARY"]), str(sent["DESCRIPTION"])) == (
        "Det første møtet",
        "Se Samsnakk for detaljer.",
    )
