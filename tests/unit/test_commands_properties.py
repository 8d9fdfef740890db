"""Property tests for the command parser and registry: whatever people type, nothing breaks."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from samsnakk_bot.domain.commands import BANGS, default_registry, fold, parse_command

NAMES = ["hjelp", "møte", "avslå", "legg-til", "kan-ikke", "samtykke", "innsynslogg", "forlat"]
SPACES = st.sampled_from([" ", "  ", "\t", "\u00a0", "\u202f"])


def _normalized(text: str) -> str:
    """What the parser promises to keep of argument text: NFC, ``\\n`` line ends."""
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


@st.composite
def case_variants(draw: st.DrawFn, name: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    return "".join(ch.upper() if up else ch for ch, up in zip(name, flips, strict=True))


@given(st.text())
def test_parse_never_raises(body: str) -> None:
    parse_command(body)


@given(st.text(max_size=40))
def test_parsed_name_is_lower_case_and_non_empty(body: str) -> None:
    parsed = parse_command("!" + body)
    if parsed is not None:
        assert parsed.name
        assert parsed.name == parsed.name.lower()
        assert parsed.name[0].isalpha()
        assert parsed.args == tuple(parsed.raw_args.split())


@given(st.data(), st.sampled_from(NAMES), st.sampled_from(list(BANGS)), st.booleans())
def test_case_variations_parse_to_the_same_name(
    data: st.DataObject, name: str, bang: str, space_after_bang: bool
) -> None:
    written = data.draw(case_variants(name))
    body = f"  {bang}{' ' if space_after_bang else ''}{written}  "
    parsed = parse_command(body)
    assert parsed is not None
    assert parsed.name == name


@given(st.sampled_from(NAMES), SPACES, st.text())
def test_raw_args_round_trip(name: str, space: str, args: str) -> None:
    parsed = parse_command(f"!{name}{space}{args}")
    assert parsed is not None
    assert parsed.name == name
    assert parsed.raw_args == _normalized(args).strip()
    assert parsed.args == tuple(_normalized(args).split())


@given(st.sampled_from(NAMES), st.text(alphabet="abc æøå.,\n\t-", min_size=1))
def test_multi_line_args_round_trip_exactly(name: str, args: str) -> None:
    parsed = parse_command(f"!{name} {args}")
    assert parsed is not None
    assert parsed.raw_args == args.strip()


@given(st.text().filter(lambda text: not any(bang in text for bang in BANGS)))
def test_text_without_a_bang_is_never_a_command(body: str) -> None:
    assert parse_command(body) is None


@given(st.text())
def test_slash_commands_are_never_ours(rest: str) -> None:
    assert parse_command("/" + rest) is None


@given(
    st.lists(st.text(alphabet=st.characters(exclude_characters="\r\n")), min_size=1, max_size=4),
    st.sampled_from(NAMES),
    st.text(),
)
def test_reply_fallback_does_not_change_the_command(
    quoted: list[str], name: str, args: str
) -> None:
    fallback = "\n".join(f"> {line}" for line in quoted)
    command = f"!{name} {args}"
    assert parse_command(f"{fallback}\n\n{command}") == parse_command(command)


@given(st.data())
def test_registry_resolves_any_case_of_hjelp(data: st.DataObject) -> None:
    registry = default_registry()
    written = data.draw(case_variants("hjelp"))
    assert registry.resolve(written) is registry.resolve("hjelp") is not None


@given(st.sampled_from(NAMES), st.data())
def test_case_and_ascii_spelling_fold_alike(name: str, data: st.DataObject) -> None:
    ascii_name = name.replace("ø", data.draw(st.sampled_from(["o", "oe"]))).replace(
        "å", data.draw(st.sampled_from(["a", "aa"]))
    )
    assert fold(data.draw(case_variants(ascii_name))) == fold(name)


@given(st.integers(min_value=0, max_value=4))
def test_one_letter_off_suggests_hjelp(drop: int) -> None:
    mistyped = "hjelp"[:drop] + "hjelp"[drop + 1 :]
    assert default_registry().suggest(mistyped) == "hjelp"
