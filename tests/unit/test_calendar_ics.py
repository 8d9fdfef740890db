"""iCalendar invitations: what a calendar client reads back from REQUEST, update and CANCEL."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event
from icalendar.parser import Contentlines

from bridge.calendar_ics import calendar_part
from samsnakk_bot.domain.calendar_ics import CalendarEvent, ics_cancel, ics_request, stable_uid

OSLO = ZoneInfo("Europe/Oslo")
STAMP = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
TITLE = "Det første møtet"
DESCRIPTION = "Du er invitert til et møte. Se Samsnakk for detaljer."
UID = stable_uid("meeting-7f3a", "askoy.kommune.no")


def _event(**overrides: object) -> CalendarEvent:
    fields: dict[str, object] = {
        "uid": UID,
        "sequence": 0,
        "start": datetime(2026, 12, 3, 10, 0, tzinfo=OSLO),
        "end": datetime(2026, 12, 3, 11, 0, tzinfo=OSLO),
        "title": TITLE,
        "description": DESCRIPTION,
        "location": None,
        "organizer_email": "samsnakk@askoy.kommune.no",
        "organizer_name": "Samsnakk",
        "attendees": (("kari@dps.no", "Kari Nordmann"), ("ola@askoy.kommune.no", "Ola Hansen")),
    }
    return CalendarEvent(**(fields | overrides))  # type: ignore[arg-type]


def _parse(ics: bytes) -> tuple[Calendar, Event]:
    cal = Calendar.from_ical(ics)
    [event] = cal.events
    return cal, event


def _instant(value: date | datetime) -> datetime:
    assert isinstance(value, datetime)
    return value


def test_request_reads_back_with_method_uid_sequence_and_oslo_times() -> None:
    cal, event = _parse(ics_request(_event(), dtstamp=STAMP))

    assert (str(cal["METHOD"]), str(cal["VERSION"]), str(cal["CALSCALE"])) == (
        "REQUEST",
        "2.0",
        "GREGORIAN",
    )
    assert str(cal["PRODID"]) == "-//Samsnakk//Samsnakk//NO"
    assert (str(event["UID"]), event["SEQUENCE"]) == (UID, 0)
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert event["DTEND"].params["TZID"] == "Europe/Oslo"
    assert event.start == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert event.end == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == STAMP
    assert (str(event["STATUS"]), str(event["TRANSP"])) == ("CONFIRMED", "OPAQUE")


def test_request_names_organizer_and_attendees_who_need_not_answer() -> None:
    _, event = _parse(ics_request(_event(), dtstamp=STAMP))

    organizer = event["ORGANIZER"]
    assert (str(organizer), organizer.params["CN"]) == (
        "mailto:samsnakk@askoy.kommune.no",
        "Samsnakk",
    )
    attendees = [(str(a), dict(a.params)) for a in event.attendees]
    needs_action = {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
    assert attendees == [
        ("mailto:kari@dps.no", {"CN": "Kari Nordmann", **needs_action}),
        ("mailto:ola@askoy.kommune.no", {"CN": "Ola Hansen", **needs_action}),
    ]


def test_vtimezone_for_oslo_has_standard_and_daylight_with_right_offsets() -> None:
    cal, _ = _parse(ics_request(_event(), dtstamp=STAMP))

    [tz] = cal.timezones
    assert tz.tz_name == "Europe/Oslo"
    offsets = {(sub.name, sub["TZNAME"], sub.TZOFFSETTO) for sub in tz.subcomponents}
    assert ("STANDARD", "CET", timedelta(hours=1)) in offsets
    assert ("DAYLIGHT", "CEST", timedelta(hours=2)) in offsets


@pytest.mark.parametrize(
    ("local", "utc_hour"),
    [
        (datetime(2026, 10, 23, 10, 0), 8),  # the Friday before the autumn change: CEST
        (datetime(2026, 10, 26, 10, 0), 9),  # the Monday after: CET
        (datetime(2026, 3, 30, 10, 0), 8),  # the Monday after the spring change: CEST
        (datetime(2040, 8, 1, 10, 0), 8),  # summer after 2038, where icalendar's default ends
    ],
)
def test_the_calendars_own_vtimezone_gives_the_right_instant_around_dst(
    local: datetime, utc_hour: int
) -> None:
    start = local.replace(tzinfo=OSLO)
    ics = ics_request(_event(start=start, end=start + timedelta(hours=1)), dtstamp=STAMP)
    cal, event = _parse(ics)

    # Resolve the local time with the VTIMEZONE in the file, not with our zoneinfo database.
    from_file = cal.timezones[0].to_tz(lookup_tzid=False)
    assert local.replace(tzinfo=from_file).astimezone(UTC).hour == utc_hour
    assert _instant(event.start).astimezone(UTC) == local.replace(hour=utc_hour, tzinfo=UTC)
    assert f"DTSTART;TZID=Europe/Oslo:{local:%Y%m%dT%H%M%S}\r\n".encode() in ics


def test_start_given_in_utc_is_written_as_oslo_local_time() -> None:
    start = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    ics = ics_request(_event(start=start, end=start + timedelta(hours=1)), dtstamp=STAMP)

    assert b"DTSTART;TZID=Europe/Oslo:20261026T100000\r\n" in ics
    assert b"DTEND;TZID=Europe/Oslo:20261026T110000\r\n" in ics


def test_update_keeps_uid_raises_sequence_and_moves_the_time() -> None:
    first = _event()
    moved = replace(
        first,
        sequence=first.sequence + 1,
        start=datetime(2026, 12, 4, 13, 0, tzinfo=OSLO),
        end=datetime(2026, 12, 4, 14, 30, tzinfo=OSLO),
    )

    _, before = _parse(ics_request(first, dtstamp=STAMP))
    cal, after = _parse(ics_request(moved, dtstamp=STAMP + timedelta(hours=1)))

    assert str(cal["METHOD"]) == "REQUEST"
    assert str(after["UID"]) == str(before["UID"]) == UID
    assert after.sequence == before.sequence + 1 == 1
    assert (after.start, after.end) == (
        datetime(2026, 12, 4, 12, 0, tzinfo=UTC),
        datetime(2026, 12, 4, 13, 30, tzinfo=UTC),
    )


def test_cancel_has_method_cancel_status_cancelled_same_uid_higher_sequence() -> None:
    cal, event = _parse(ics_cancel(_event(sequence=2), dtstamp=STAMP))

    assert str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert (str(event["UID"]), event["SEQUENCE"]) == (UID, 2)
    assert event.start == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert [str(a) for a in event.attendees] == [
        "mailto:kari@dps.no",
        "mailto:ola@askoy.kommune.no",
    ]
    assert cal.timezones[0].tz_name == "Europe/Oslo"


def test_stable_uid_is_stable_per_meeting_and_does_not_contain_the_key() -> None:
    uid = stable_uid("meeting-7f3a", "askoy.kommune.no")

    assert uid == stable_uid("meeting-7f3a", "Askoy.Kommune.no")
    assert uid != stable_uid("meeting-7f3b", "askoy.kommune.no")
    local, _, domain = uid.partition("@")
    assert (len(local), domain) == (32, "askoy.kommune.no")
    assert all(c in "0123456789abcdef" for c in local)
    assert "7f3a" not in uid and "meeting" not in uid


@pytest.mark.parametrize(
    ("key", "domain", "message"),
    [("", "askoy.kommune.no", "meeting_key"), ("m-1", "", "domain"), ("m-1", "a b.no", "domain")],
)
def test_stable_uid_refuses_empty_key_or_bad_domain(key: str, domain: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        stable_uid(key, domain)


def _content_lines(ics: bytes) -> list[tuple[str, str, dict[str, str], str]]:
    """Every unfolded line as (component, property, parameters, raw value)."""
    components: list[str] = []
    found: list[tuple[str, str, dict[str, str], str]] = []
    for line in Contentlines.from_ical(ics.decode()):  # type: ignore[no-untyped-call]
        if not line:
            continue
        name, params, value = line.parts()
        if name == "BEGIN":
            components.append(value)
        elif name == "END":
            components.pop()
        else:
            found.append((components[-1], name, dict(params), value))
    return found


EXPECTED_PROPERTIES = {
    *[("VCALENDAR", p) for p in ("PRODID", "VERSION", "METHOD", "CALSCALE")],
    ("VTIMEZONE", "TZID"),
    *[
        (sub, p)
        for sub in ("STANDARD", "DAYLIGHT")
        for p in ("DTSTART", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO")
    ],
    *[
        ("VEVENT", p)
        for p in (
            *("UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION"),
            *("LOCATION", "STATUS", "TRANSP", "ORGANIZER", "ATTENDEE"),
        )
    ],
}
FREE_TEXT = {"SUMMARY", "DESCRIPTION", "LOCATION"}
# Identifiers, times, offsets, fixed tokens and mailto: addresses: nothing with a space in it.
TOKEN = re.compile(r"^[A-Za-z0-9:@./+_-]+$")


def test_title_and_description_are_exactly_what_was_passed_and_nothing_else_is_free_text() -> None:
    title = "Møte; tid, sted\nendret"
    event = _event(title=title, location="Rådhuset, rom 2", attendees=(("kari@dps.no", "Kari N"),))
    ics = ics_request(event, dtstamp=STAMP)
    _, parsed = _parse(ics)
    lines = _content_lines(ics)

    assert str(parsed["SUMMARY"]) == title
    assert str(parsed["DESCRIPTION"]) == DESCRIPTION
    assert str(parsed["LOCATION"]) == "Rådhuset, rom 2"
    assert {(component, name) for component, name, _, _ in lines} == EXPECTED_PROPERTIES
    others = [value for _, name, _, value in lines if name not in FREE_TEXT]
    assert [value for value in others if not TOKEN.match(value)] == []
    params = {(key, value) for _, _, ps, _ in lines for key, value in ps.items()}
    assert {value for key, value in params if key == "CN"} == {"Samsnakk", "Kari N"}
    assert {key for key, _ in params} == {"TZID", "CN", "ROLE", "PARTSTAT", "RSVP"}


def test_location_is_left_out_when_not_given() -> None:
    _, event = _parse(ics_request(_event(location=None), dtstamp=STAMP))

    assert "LOCATION" not in event


def test_lines_end_in_crlf_and_long_lines_are_folded_at_75_octets() -> None:
    ics = ics_request(_event(description="Lang tekst om møtet. " * 20), dtstamp=STAMP)

    lines = ics.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    assert str(_parse(ics)[1]["DESCRIPTION"]) == "Lang tekst om møtet. " * 20


def test_dtstamp_defaults_to_now_in_utc() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    _, event = _parse(ics_request(_event()))
    after = datetime.now(UTC)

    assert before <= event.stamp <= after
    assert event.stamp.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start": datetime(2026, 12, 3, 10, 0)}, "start must be timezone-aware"),
        ({"end": datetime(2026, 12, 3, 9, 0, tzinfo=OSLO)}, "end must be after start"),
        ({"sequence": -1}, "sequence"),
        ({"attendees": ()}, "at least one attendee"),
    ],
)
def test_invalid_event_is_a_caller_bug(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ics_request(_event(**overrides), dtstamp=STAMP)


def test_naive_dtstamp_is_refused() -> None:
    with pytest.raises(ValueError, match="dtstamp must be timezone-aware"):
        ics_cancel(_event(), dtstamp=datetime(2026, 10, 1, 8, 0))


def test_calendar_part_carries_the_method_in_its_content_type() -> None:
    request, cancel = ics_request(_event(), STAMP), ics_cancel(_event(sequence=1), STAMP)

    assert calendar_part(request, "REQUEST") == (
        "text/calendar; method=REQUEST; charset=UTF-8",
        request,
    )
    assert calendar_part(cancel, "cancel")[0] == "text/calendar; method=CANCEL; charset=UTF-8"


@pytest.mark.parametrize(
    ("method", "message"), [("CANCEL", "is not CANCEL"), ("PUBLISH", "one of")]
)
def test_calendar_part_refuses_a_method_that_does_not_match(method: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        calendar_part(ics_request(_event(), STAMP), method)
