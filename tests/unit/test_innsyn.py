"""The innsynslogg a bruker reads with «!logg»: Norwegian dates in Oslo time, names, safe HTML."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.texts import AUDIT_ACTION_LABELS, innsyn_log

TROND, VERA, PER = "@trond:hs.test", "@vera:hs.test", "@per:hs.test"
NAMES = {TROND: "Trond Hansen", VERA: "Vera Veileder", PER: "Per Bruker"}
ALLOWED_TAGS = {"ul", "li", "strong", "p", "br"}


def utc_ms(year: int, month: int, day: int, hour: int, minute: int) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp() * 1000)


def tags(html: str | None) -> set[str]:
    assert html is not None
    return set(re.findall(r"</?([a-zA-Z0-9]+)", html))


def test_lines_show_oslo_time_in_winter_and_summer_with_names() -> None:
    entries = [
        (utc_ms(2025, 7, 15, 12, 30), PER, None, "consent_given", {"version": "1"}),
        (utc_ms(2025, 12, 3, 9, 4), PER, VERA, "participant_approved", {"request": 2}),
    ]

    reply = innsyn_log(entries, NAMES)

    assert reply.body.splitlines() == [
        "Innsynslogg for dette rommet",
        "• 15.7 kl 14:30 — Per Bruker ga samtykke (versjon 1)",
        "• 3.12 kl 10:04 — Per Bruker godkjente Vera Veileder",
    ]
    assert reply.mentions == ()


def test_entries_are_shown_oldest_first_and_unknown_ids_as_is() -> None:
    later = (utc_ms(2025, 3, 2, 8, 0), TROND, "@ukjent:hs.test", "invited", {})
    earlier = (utc_ms(2025, 3, 1, 8, 0), TROND, None, "room_created", {})

    lines = innsyn_log([later, earlier], NAMES).body.splitlines()

    assert lines[1:] == [
        "• 1.3 kl 09:00 — Trond Hansen opprettet rommet",
        "• 2.3 kl 09:00 — Trond Hansen inviterte @ukjent:hs.test",
    ]


def test_html_uses_allowed_tags_only_and_escapes_names() -> None:
    names = {**NAMES, VERA: "<script>alert(1)</script> & Co"}
    entries = [(utc_ms(2025, 12, 3, 9, 4), PER, VERA, "participant_approved", {})]

    reply = innsyn_log(entries, names)

    assert tags(reply.html) <= ALLOWED_TAGS
    assert reply.html is not None
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in reply.html
    assert "<li><strong>3.12 kl 10:04</strong> — Per Bruker godkjente" in reply.html


def test_empty_log_says_there_is_nothing_yet() -> None:
    reply = innsyn_log([], NAMES)

    assert reply.body == "Innsynslogg for dette rommet\n\nIngen hendelser ennå."
    assert tags(reply.html) <= ALLOWED_TAGS
    assert "Ingen hendelser ennå." in (reply.html or "")


def test_unknown_action_is_shown_by_its_identifier() -> None:
    entries = [(utc_ms(2025, 12, 3, 9, 4), TROND, VERA, "something_new", {"x": 1})]

    assert "— Trond Hansen something_new" in innsyn_log(entries, NAMES).body


def test_missing_detail_or_subject_reads_as_words_not_a_crash() -> None:
    entries = [
        (utc_ms(2025, 12, 3, 9, 4), PER, None, "consent_given", {}),
        (utc_ms(2025, 12, 3, 9, 5), TROND, None, "participant_requested", {}),
    ]

    body = innsyn_log(entries, NAMES).body

    assert "Per Bruker ga samtykke (versjon ukjent)" in body
    assert "Trond Hansen foreslo en person" in body


def test_automatic_removal_reads_as_a_sentence_without_the_bot_in_front() -> None:
    bot = "@samsnakk:hs.test"
    entries = [(utc_ms(2025, 12, 3, 9, 4), bot, VERA, "kicked_unapproved", {})]

    body = innsyn_log(entries, {**NAMES, bot: "Samsnakk"}).body

    assert body.splitlines()[1] == (
        "• 3.12 kl 10:04 — Vera Veileder ble fjernet automatisk fordi personen ikke var godkjent"
    )


def test_year_is_shown_when_the_log_spans_new_year() -> None:
    entries = [
        (utc_ms(2024, 12, 31, 22, 59), TROND, None, "room_created", {}),
        (utc_ms(2024, 12, 31, 23, 5), PER, None, "joined", {}),
    ]

    lines = innsyn_log(entries, NAMES).body.splitlines()

    assert lines[1].startswith("• 31.12.2024 kl 23:59 — ")
    assert lines[2].startswith("• 1.1.2025 kl 00:05 — ")


def test_timezone_is_a_parameter() -> None:
    entries = [(utc_ms(2025, 12, 3, 9, 4), TROND, None, "room_created", {})]

    assert "3.12 kl 09:04" in innsyn_log(entries, NAMES, tz_name="UTC").body


def test_every_audit_action_has_a_label() -> None:
    assert set(AUDIT_ACTION_LABELS) >= {
        "room_created",
        "consent_given",
        "consent_refused",
        "consent_withdrawn",
        "participant_requested",
        "participant_approved",
        "participant_rejected",
        "request_expired",
        "request_cancelled",
        "invited",
        "joined",
        "left",
        "removed",
        "kicked_unapproved",
        "invite_refused",
        "join_refused",
        "code_issued",
        "code_redeemed",
        "code_failed",
        "room_closed",
        "admin_action",
        "command_refused",
        "not_bruker_refused",
        "state_change_refused",
        "settings_restored",
        "sms_summary_on",
        "sms_summary_off",
    }
    assert texts.AUDIT_ACTIONS_WITHOUT_ACTOR <= set(AUDIT_ACTION_LABELS)


@pytest.mark.parametrize("action", sorted(AUDIT_ACTION_LABELS))
def test_every_label_renders_with_names_filled_in(action: str) -> None:
    entries = [(utc_ms(2025, 12, 3, 9, 4), TROND, VERA, action, {"version": "2"})]

    line = innsyn_log(entries, NAMES).body.splitlines()[1]

    assert "{" not in line and "@" not in line
    if "{subject}" in AUDIT_ACTION_LABELS[action]:
        assert "Vera Veileder" in line
