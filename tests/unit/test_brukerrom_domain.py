"""Pure brukerrom rules: parsing what staff type, power levels, and the safety check."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from samsnakk_bot.domain.brukerrom import (
    RomNy,
    RomNyProblem,
    TargetKind,
    classify_target,
    parse_number,
    parse_rom_ny,
    power_levels,
    power_levels_safe,
    room_name,
    unapproved_members,
)


def test_rom_ny_with_matrix_ids_and_a_name_with_commas() -> None:
    parsed = parse_rom_ny("@per:hs.test med @vera:hs.test, Frida Fastlege")
    assert isinstance(parsed, RomNy)
    assert parsed.bruker.value == "@per:hs.test"
    assert [t.value for t in parsed.participants] == ["@vera:hs.test", "Frida Fastlege"]


def test_rom_ny_name_without_commas_is_read_whole_first_then_word_by_word() -> None:
    parsed = parse_rom_ny("+47 912 34 567 MED Vera Veileder")
    assert isinstance(parsed, RomNy)
    assert parsed.bruker.kind is TargetKind.PHONE and parsed.bruker.value == "+4791234567"
    assert [[t.value for t in r] for r in parsed.readings] == [
        ["Vera Veileder"],
        ["Vera", "Veileder"],
    ]


def test_rom_ny_problems() -> None:
    assert parse_rom_ny("") is RomNyProblem.MISSING_BRUKER
    assert parse_rom_ny("Per Hansen") is RomNyProblem.BRUKER_IS_NAME
    assert parse_rom_ny("@per:hs.test med") is RomNyProblem.EMPTY_MED


def test_numbers_and_targets() -> None:
    assert parse_number(("3",)) == 3 and parse_number(("#12",)) == 12
    assert parse_number(("tre",)) is None and parse_number(("1", "2")) is None
    assert classify_target("@Vera:HS.test").value == "@vera:hs.test"
    assert classify_target("vera").kind is TargetKind.NAME


def test_room_name_never_holds_more_than_prefix_and_label() -> None:
    assert room_name("Samsnakk", "4821") == "Samsnakk · 4821"


def test_our_power_levels_are_safe_and_a_raised_user_is_not() -> None:
    levels = power_levels()
    assert power_levels_safe(levels)
    assert not power_levels_safe({**levels, "users": {"@trond:hs.test": 100}})
    assert not power_levels_safe({**levels, "invite": 0})
    assert not power_levels_safe({**levels, "events": {**levels["events"], "m.room.join_rules": 0}})


def test_unapproved_members_excludes_bot_and_approved() -> None:
    joined = frozenset({"@bot:x", "@per:x", "@mallory:x"})
    assert unapproved_members(joined, frozenset({"@per:x"}), "@bot:x") == {"@mallory:x"}


@given(st.text(max_size=200))
def test_parse_rom_ny_never_raises(text: str) -> None:
    result = parse_rom_ny(text)
    assert isinstance(result, RomNy | RomNyProblem)
