"""iCalendar invitations for Det første møtet: REQUEST, update and CANCEL, as bytes.

No I/O: the caller passes every value; DTSTAMP falls back to the current time only where the
caller gives none (the service passes its clock's). The e-mail channel wraps the bytes
(``bridge/calendar_ics.py``); the meeting calendar service decides who gets one.

What a calendar file carries is readable by every mail server on the way, so it holds only what
a calendar needs: times, a stable UID that reveals nothing, the organiser and attendees (address
and display name), and the title, description and location *exactly as the caller passes them*.
The caller passes the fixed, neutral texts from ``samsnakk_bot.domain.texts``, never an agenda
or anything about the bruker (DESIGN.md, security rule 4).

Times are written as local Europe/Oslo times with ``TZID=Europe/Oslo`` and a VTIMEZONE generated
by icalendar from the zoneinfo database. The VTIMEZONE spans only the meeting's year(s), so its
transitions are plain DTSTARTs (no long RDATE lists, which some clients handle badly).

An update is the same event with the same UID and a higher SEQUENCE; a cancellation is
``METHOD:CANCEL`` with the same UID, a higher SEQUENCE and ``STATUS:CANCELLED``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal

from samsnakk_bot.domain.timezone import OSLO, OSLO_TZID

if TYPE_CHECKING:
    from icalendar import Timezone

TZID = OSLO_TZID
PRODID = "-//Samsnakk//Samsnakk//NO"

Method = Literal["REQUEST", "CANCEL"]
METHODS: frozenset[str] = frozenset(("REQUEST", "CANCEL"))
_DOMAIN_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
# Keeps UIDs apart from Message-IDs even when the caller hashes the same key for both.
_UID_CONTEXT = b"samsnakk/calendar-uid\x00"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    start: datetime  # aware; written as Europe/Oslo local time
    end: datetime
    title: str
    description: str
    location: str | None
    organizer_email: str
    organizer_name: str
    attendees: tuple[tuple[str, str], ...]  # (email, display name)


def stable_uid(meeting_key: str, domain: str) -> str:
    """The same meeting always gets the same UID; the UID does not contain ``meeting_key``.

    It is a hash, so a guessable key (a small counter) could be found by trying; use the
    meeting's opaque ID.
    """
    if not meeting_key:
        raise ValueError("meeting_key must not be empty")
    if not _DOMAIN_RE.match(domain):
        raise ValueError(f"not a domain name: {domain!r}")
    digest = hashlib.sha256(_UID_CONTEXT + meeting_key.encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{domain.lower()}"


def ics_request(event: CalendarEvent, dtstamp: datetime | None = None) -> bytes:
    """``METHOD:REQUEST`` for a new meeting or an update (same UID, higher SEQUENCE)."""
    return _calendar(event, "REQUEST", "CONFIRMED", dtstamp)


def ics_cancel(event: CalendarEvent, dtstamp: datetime | None = None) -> bytes:
    """``METHOD:CANCEL``; ``event.sequence`` must already be higher than the last one sent."""
    return _calendar(event, "CANCEL", "CANCELLED", dtstamp)


def _calendar(event: CalendarEvent, method: Method, status: str, dtstamp: datetime | None) -> bytes:
    start, end = _oslo(event.start, "start"), _oslo(event.end, "end")
    if end <= start:
        raise ValueError("end must be after start")
    if event.sequence < 0:
        raise ValueError("sequence must be 0 or more")
    if not event.attendees:
        raise ValueError("an invitation needs at least one attendee")
    stamp = datetime.now(UTC) if dtstamp is None else _utc(dtstamp)
    # Imported here, not at the top: icalendar costs 40 ms at every start, and only a
    # meeting invitation needs it (D178).
    from icalendar import Calendar, Event, vCalAddress

    vevent = Event()
    vevent.add("UID", event.uid)
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("DTSTAMP", stamp)
    vevent.add("DTSTART", start)
    vevent.add("DTEND", end)
    vevent.add("SUMMARY", event.title)
    vevent.add("DESCRIPTION", event.description)
    if event.location is not None:
        vevent.add("LOCATION", event.location)
    vevent.add("STATUS", status)
    vevent.add("TRANSP", "OPAQUE")
    vevent.add("ORGANIZER", vCalAddress.new(event.organizer_email, cn=event.organizer_name))
    for email, name in event.attendees:
        attendee = vCalAddress.new(
            email, cn=name, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp=False
        )
        vevent.add("ATTENDEE", attendee)

    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("METHOD", method)
    cal.add("CALSCALE", "GREGORIAN")
    cal.add_component(_vtimezone(start.year, end.year))
    cal.add_component(vevent)
    ics: bytes = cal.to_ical()  # folded at 75 octets, CRLF line ends
    return ics


def _vtimezone(first_year: int, last_year: int) -> Timezone:
    from icalendar import Timezone

    tz = Timezone.from_tzid(
        TZID, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
    # icalendar adds an English COMMENT about the span; drop it, so the only free text is
    # what the caller passed.
    tz.pop("COMMENT", None)
    return tz


def _oslo(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(OSLO)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("dtstamp must be timezone-aware")
    return value.astimezone(UTC)
