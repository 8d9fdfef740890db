"""Fødselsnummer and D-nummer: checked with both control digits, never echoed back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from stdnum.no import fodselsnummer as stdnum_fnr

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import RomNy, TargetKind, classify_target, parse_rom_ny
from samsnakk_bot.domain.fnr import FnrProblem, is_d_number, parse_fnr, with_control_digits


@st.composite
def valid_numbers(draw: st.DrawFn, d_number: bool = False) -> str:
    day = draw(st.integers(1, 28)) + (40 if d_number else 0)
    month, year = draw(st.integers(1, 12)), draw(st.integers(0, 99))
    nine = f"{day:02d}{month:02d}{year:02d}{draw(st.integers(0, 999)):03d}"
    whole = with_control_digits(nine)
    if whole is None:
        return draw(st.nothing())
    return whole


def test_known_numbers_from_independent_sources() -> None:
    # Wikipedia's example and python-stdnum's; its counter-example differs in the last digits.
    assert parse_fnr("15076500565") == "15076500565"
    assert parse_fnr("151086 95088") == "15108695088"
    assert parse_fnr("15108695077") is FnrProblem.BAD_CONTROL_DIGITS


def test_d_number_has_four_added_to_the_first_digit() -> None:
    assert parse_fnr("45038712318") == "45038712318" and is_d_number("45038712318")
    assert not is_d_number("15076500565")


def test_problems() -> None:
    assert parse_fnr("1507650056") is FnrProblem.NOT_ELEVEN_DIGITS
    assert parse_fnr("15076500565 1") is FnrProblem.NOT_ELEVEN_DIGITS
    assert parse_fnr("1507650056x") is FnrProblem.NOT_ELEVEN_DIGITS
    assert parse_fnr("١٥٠٧٦٥٠٠٥٦٥") is FnrProblem.NOT_ELEVEN_DIGITS  # Arabic-Indic digits
    assert parse_fnr("32016500000") is FnrProblem.NO_SUCH_DATE
    assert parse_fnr("29026500000") is FnrProblem.NO_SUCH_DATE  # 1965 was no leap year
    assert parse_fnr("01136500000") is FnrProblem.NO_SUCH_DATE


@given(valid_numbers() | valid_numbers(d_number=True))
def test_every_valid_number_is_accepted_and_agrees_with_python_stdnum(number: str) -> None:
    assert parse_fnr(number) == number
    assert parse_fnr(f"{number[:6]} {number[6:]}") == number
    assert number[9] == stdnum_fnr.calc_check_digit1(number)
    assert number[10] == stdnum_fnr.calc_check_digit2(number)


@given(valid_numbers(), st.integers(0, 10), st.integers(1, 9))
def test_any_single_mistyped_digit_is_refused(number: str, at: int, delta: int) -> None:
    digit = (int(number[at]) + delta) % 10
    typo = number[:at] + str(digit) + number[at + 1 :]
    assert isinstance(parse_fnr(typo), FnrProblem)


@given(st.text(max_size=30))
def test_parse_never_raises_and_returns_eleven_ascii_digits_or_a_problem(text: str) -> None:
    result = parse_fnr(text)
    assert isinstance(result, FnrProblem) or (len(result) == 11 and result.isascii())


def test_rom_ny_reads_fnr_with_or_without_prefix() -> None:
    for written in ("fnr:15076500565", "FNR: 150765 00565", "150765 00565", "15076500565"):
        parsed = parse_rom_ny(f"{written} med @vera:hs.test")
        assert isinstance(parsed, RomNy), written
        assert parsed.bruker.kind is TargetKind.FNR
        assert parse_fnr(parsed.bruker.value) == "15076500565"
    assert classify_target("fnr:").kind is TargetKind.FNR
    assert classify_target("91234567").kind is TargetKind.PHONE


def test_problem_texts_never_hold_digits() -> None:
    assert set(texts.FNR_PROBLEMS) == {p.value for p in FnrProblem}
    for text in texts.FNR_PROBLEMS.values():
        assert not any(ch.isdigit() for ch in text), text
