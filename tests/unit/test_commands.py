"""What a person sees when they write commands to the bot: parsing, help and mistakes."""

from __future__ import annotations

import inspect
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.commands import (
    EVERYONE,
    IN_ADMIN_ROOM,
    IN_BRUKERROM,
    IN_DM,
    PLACES,
    ROLE_ADMIN,
    ROLE_ANSATT,
    ROLE_BRUKER,
    CommandRegistry,
    CommandSpec,
    ParsedCommand,
    default_registry,
    parse_command,
)
from samsnakk_bot.domain.help import render_command_help, render_help, render_unknown
from samsnakk_bot.domain.replies import Reply

ELEMENT_TAGS = frozenset(
    "a b strong i em u del code ul ol li pre blockquote p br".split(),
)
_VOID_TAGS = frozenset({"br"})


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ELEMENT_TAGS:
            self.problems.append(f"<{tag}> is not in Element's HTML subset")
        for name, _ in attrs:
            if not (tag == "a" and name == "href"):
                self.problems.append(f"attribute {name!r} on <{tag}>")
        if tag not in _VOID_TAGS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


def assert_element_safe_html(html: str) -> None:
    """Only Element's HTML subset, no attributes beyond ``a href``, every tag closed."""
    checker = _TagChecker()
    checker.feed(html)
    checker.close()
    assert not checker.problems, checker.problems
    assert not checker.open, f"unclosed tags: {checker.open}"


def _spec(name: str, audience: set[str], where: set[str], *aliases: str) -> CommandSpec:
    return CommandSpec(
        name=name,
        aliases=aliases,
        usage=f"!{name} <noe>",
        summary=f"Gjør {name}.",
        details=f"Forklaring av {name}.",
        example=f"!{name} 3",
        audience=frozenset(audience),
        where=frozenset(where),
    )


def sample_registry() -> CommandRegistry:
    """!hjelp plus some commands of the shapes the product uses."""
    hjelp = default_registry().resolve("hjelp")
    assert hjelp is not None
    registry = CommandRegistry([hjelp])
    registry.register(_spec("møte ny", {ROLE_ANSATT}, {IN_BRUKERROM}))
    registry.register(_spec("møte avlys", {ROLE_ANSATT}, {IN_BRUKERROM}))
    registry.register(_spec("avslå", {ROLE_BRUKER}, {IN_BRUKERROM}))
    registry.register(_spec("legg-til", {ROLE_ANSATT}, {IN_BRUKERROM}, "foreslå"))
    registry.register(_spec("oppsummering", {ROLE_ANSATT}, {IN_BRUKERROM}))
    registry.register(_spec("admin", {ROLE_ADMIN}, {IN_ADMIN_ROOM}))
    registry.register(_spec("admin katalog legg-til", {ROLE_ADMIN}, {IN_ADMIN_ROOM}))
    return registry


# --- Parsing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "!hjelp",
        "!HJELP",
        "!Hjelp",
        "   !hjelp  \n",
        "! hjelp",
        "!\u00a0hjelp",
        "\uff01hjelp",
        "\u00a1hjelp",
        "!!hjelp",
        "!hjelp?",
        "!hjelp.",
        "\u200b!hjelp",
        "!hjel\u200bp",
    ],
)
def test_forgiving_spellings_of_hjelp_parse_to_hjelp(body: str) -> None:
    assert parse_command(body) == ParsedCommand("hjelp", (), "")


@pytest.mark.parametrize(
    "body",
    ["/hjelp", "hjelp", "", "   ", "!", "!!!", "! ", "!?", "!123", "!:)", "hei !hjelp", "> !hjelp"],
)
def test_text_that_is_not_a_command_parses_to_none(body: str) -> None:
    assert parse_command(body) is None


def test_reply_fallback_in_front_of_a_command_is_ignored() -> None:
    body = "> <@per:example.org> Kan vi møtes?\n> Hilsen Per\n\n!hjelp møte"
    assert parse_command(body) == ParsedCommand("hjelp", ("møte",), "møte")


def test_quote_without_blank_line_is_not_a_reply_fallback() -> None:
    assert parse_command("> sitat\n!hjelp") is None


def test_multi_line_text_after_the_command_is_kept_as_written() -> None:
    body = "!oppsummering 3\nHei Per!\n\n  • Ny time 3.12 kl 10\n"
    parsed = parse_command(body)
    assert parsed is not None
    assert parsed.raw_args == "3\nHei Per!\n\n  • Ny time 3.12 kl 10"
    assert parsed.args == ("3", "Hei", "Per!", "•", "Ny", "time", "3.12", "kl", "10")


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("!legg-til @kari:example.org", "legg-til"),
        ("!Kan-Ikke", "kan-ikke"),
        ("!legg\u2013til", "legg-til"),
        ("!AVSLÅ", "avslå"),
        ("!avsla\u030a", "avslå"),
        ("!møte\u00a0ny", "møte"),
    ],
)
def test_names_with_hyphens_and_norwegian_letters(body: str, name: str) -> None:
    parsed = parse_command(body)
    assert parsed is not None
    assert parsed.name == name


def test_non_breaking_space_separates_arguments() -> None:
    assert parse_command("!møte\u00a0ny\u202fi morgen") == ParsedCommand(
        "møte", ("ny", "i", "morgen"), "ny\u202fi morgen"
    )


# --- Registry -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("hjelp", "hjelp"),
        ("HELP", "hjelp"),
        ("!Hjelp", "hjelp"),
        ("mote ny", "møte ny"),
        ("MOETE  NY", "møte ny"),
        ("avsla", "avslå"),
        ("avslaa", "avslå"),
        ("leggtil", "legg-til"),
        ("foreslå", "legg-til"),
        ("foresla", "legg-til"),
        ("admin katalog legg-til", "admin katalog legg-til"),
    ],
)
def test_resolve_accepts_aliases_and_ascii_spellings(written: str, canonical: str) -> None:
    spec = sample_registry().resolve(written)
    assert spec is not None
    assert spec.name == canonical


def test_resolve_unknown_name_gives_none() -> None:
    assert sample_registry().resolve("møte") is None
    assert sample_registry().resolve("xyz") is None


def test_match_picks_the_longest_command_and_leaves_its_arguments() -> None:
    parsed = parse_command("!Mote NY 3.12 kl 10\nAgenda: Overgang")
    assert parsed is not None
    found = sample_registry().match(parsed)
    assert found is not None
    assert found.spec.name == "møte ny"
    assert found.args == ("3.12", "kl", "10", "Agenda:", "Overgang")
    assert found.raw_args == "3.12 kl 10\nAgenda: Overgang"


def test_match_prefers_subcommand_over_shorter_command() -> None:
    registry = sample_registry()
    deep = parse_command("!admin katalog legg-til DPS Bergen")
    shallow = parse_command("!admin rapport")
    assert deep is not None and shallow is not None
    deep_match = registry.match(deep)
    shallow_match = registry.match(shallow)
    assert deep_match is not None and shallow_match is not None
    assert (deep_match.spec.name, deep_match.raw_args) == ("admin katalog legg-til", "DPS Bergen")
    assert (shallow_match.spec.name, shallow_match.args) == ("admin", ("rapport",))


def test_registering_a_clashing_name_is_refused() -> None:
    registry = sample_registry()
    with pytest.raises(ValueError, match="clashes with 'møte ny'"):
        registry.register(_spec("mote ny", {EVERYONE}, {IN_DM}))


def test_spec_with_unknown_role_names_the_valid_choices() -> None:
    with pytest.raises(ValueError, match="admin, alle, ansatt, bruker"):
        _spec("rom", {"lege"}, {IN_DM})


def test_spec_with_unknown_place_names_the_valid_choices() -> None:
    with pytest.raises(ValueError, match="admin, brukerrom, dm"):
        _spec("rom", {EVERYONE}, {"kantina"})


@pytest.mark.parametrize("name", ["Hjelp", "møte  ny", "-rom", "rom-", "2rom", ""])
def test_spec_with_malformed_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="command name"):
        _spec(name, {EVERYONE}, {IN_DM})


def test_visible_for_depends_on_role_and_place_in_registration_order() -> None:
    registry = sample_registry()

    def names(role: str | None, where: str) -> list[str]:
        return [spec.name for spec in registry.visible_for(role, where)]

    assert names(ROLE_ANSATT, IN_BRUKERROM) == [
        "hjelp",
        "møte ny",
        "møte avlys",
        "legg-til",
        "oppsummering",
    ]
    assert names(ROLE_BRUKER, IN_BRUKERROM) == ["hjelp", "avslå"]
    assert names(None, IN_BRUKERROM) == ["hjelp"]
    assert names(ROLE_ADMIN, IN_ADMIN_ROOM) == ["hjelp", "admin", "admin katalog legg-til"]
    assert names(ROLE_ANSATT, IN_ADMIN_ROOM) == ["hjelp"]


def test_default_registry_has_hjelp_everywhere_for_everyone() -> None:
    registry = default_registry()
    for where in PLACES:
        assert "hjelp" in [spec.name for spec in registry.visible_for(None, where)]


def test_brukerrom_commands_are_for_the_right_people_and_places() -> None:
    registry = default_registry()
    bruker_here = [s.name for s in registry.visible_for(ROLE_BRUKER, IN_BRUKERROM)]
    ansatt_here = [s.name for s in registry.visible_for(ROLE_ANSATT, IN_BRUKERROM)]
    assert {"samtykke ja", "godkjenn", "avslå", "fjern", "logg"} <= set(bruker_here)
    assert not {"samtykke ja", "godkjenn", "avslå", "fjern", "logg"} & set(ansatt_here)
    assert {"legg-til", "forlat", "deltakere"} <= set(ansatt_here)
    assert "rom ny" in [s.name for s in registry.visible_for(ROLE_ANSATT, IN_DM)]
    assert "rom ny" not in [s.name for s in registry.visible_for(ROLE_BRUKER, IN_DM)]


def test_every_default_example_and_usage_is_its_own_command() -> None:
    registry = default_registry()
    for spec in registry:
        for written in (spec.example, spec.usage):
            parsed = parse_command(written)
            assert parsed is not None
            found = registry.match(parsed)
            assert found is not None and found.spec is spec


# --- Help ---------------------------------------------------------------------------------------


def test_help_overview_lists_hjelp_in_norwegian() -> None:
    reply = render_help(default_registry(), None, IN_DM)
    assert reply.body.startswith("Samsnakk er en trygg")
    assert "Dette kan du skrive til meg:" in reply.body
    assert "• !hjelp [kommando] – Viser hva du kan skrive" in reply.body
    assert reply.html is not None
    assert "<li><code>!hjelp [kommando]</code> – Viser hva du kan skrive" in reply.html


def test_help_overview_shows_only_what_this_person_may_use_here() -> None:
    reply = render_help(sample_registry(), ROLE_BRUKER, IN_BRUKERROM)
    assert "!avslå" in reply.body
    assert "!møte ny" not in reply.body
    assert "!admin" not in reply.body
    assert "for eksempel «!hjelp avslå»" in reply.body


def test_help_for_one_command_gives_usage_explanation_and_example() -> None:
    reply = render_command_help(default_registry(), "!Help")
    assert reply.body.startswith("!hjelp [kommando]\n\n")
    assert texts.HJELP_DETAILS in reply.body
    assert "Eksempel:\n!hjelp rom" in reply.body
    assert "Du kan også skrive: «!help»." in reply.body


def test_help_for_multi_word_command_in_ascii() -> None:
    reply = render_command_help(sample_registry(), "mote ny")
    assert reply.body.startswith("!møte ny <noe>")


def test_help_for_unknown_command_suggests_the_close_one() -> None:
    reply = render_command_help(default_registry(), "hjlep")
    assert reply.body == (
        "Jeg kjenner ikke kommandoen «!hjlep», så jeg kan ikke forklare den. "
        "Mente du «!hjelp»? Skriv «!hjelp» for å se hva du kan skrive."
    )


def test_unknown_command_suggests_hjelp_for_hjlep() -> None:
    parsed = parse_command("!hjlep")
    assert parsed is not None
    assert render_unknown(default_registry(), parsed).body == (
        "Jeg kjenner ikke kommandoen «!hjlep». Mente du «!hjelp»? "
        "Skriv «!hjelp» for å se hva du kan skrive."
    )


def test_unknown_command_without_close_match_only_points_to_hjelp() -> None:
    parsed = parse_command("!xyz")
    assert parsed is not None
    assert render_unknown(default_registry(), parsed).body == (
        "Jeg kjenner ikke kommandoen «!xyz». Skriv «!hjelp» for å se hva du kan skrive."
    )


def test_group_word_alone_lists_what_may_follow() -> None:
    parsed = parse_command("!Mote")
    assert parsed is not None
    reply = render_unknown(sample_registry(), parsed)
    assert reply.body.startswith("«!mote» trenger ett ord til. Dette kan du skrive:")
    assert "• !møte ny <noe> – Gjør møte ny." in reply.body
    assert "• !møte avlys <noe> – Gjør møte avlys." in reply.body


def test_mistyped_subcommand_suggests_the_full_command() -> None:
    parsed = parse_command("!møte nyy 3.12")
    assert parsed is not None
    body = render_unknown(sample_registry(), parsed).body
    assert body.startswith("Jeg kjenner ikke kommandoen «!møte nyy». Mente du «!møte ny»?")


def test_help_for_a_group_lists_its_commands() -> None:
    reply = render_command_help(sample_registry(), "admin katalog")
    assert "• !admin katalog legg-til <noe>" in reply.body


# --- Other answers ------------------------------------------------------------------------------


def test_unexpected_error_gives_the_reference() -> None:
    assert texts.unexpected_error("K7Q2-9F").body == (
        "Noe gikk galt hos oss. Prøv igjen om litt. "
        "Oppgi referanse K7Q2-9F hvis du kontakter brukerstøtte."
    )


def test_bad_arguments_repeats_how_to_write_the_command() -> None:
    spec = default_registry().resolve("hjelp")
    assert spec is not None
    reply = texts.bad_arguments(spec.usage, spec.example)
    assert reply.body == (
        "Det ble ikke helt riktig. Skriv slik: «!hjelp [kommando]».\n\nEksempel:\n!hjelp rom"
    )


def test_dm_greeting_introduces_the_bot_and_points_to_hjelp() -> None:
    body = texts.dm_greeting().body
    assert body.startswith("Hei! Jeg er Samsnakk-boten.")
    assert "Skriv «!hjelp»" in body


def test_plain_text_in_dm_points_to_hjelp() -> None:
    assert "Skriv «!hjelp»" in texts.not_a_command_in_dm().body


def test_unencrypted_room_refusal_says_why() -> None:
    assert "bare i krypterte rom" in texts.unencrypted_room_refusal().body


def _all_replies() -> list[Reply]:
    registry = sample_registry()
    replies = [
        render_help(registry, role, where)
        for role in (None, ROLE_ANSATT, ROLE_BRUKER, ROLE_ADMIN)
        for where in PLACES
    ]
    replies += [render_command_help(registry, name) for name in ("hjelp", "møte", "xyz")]
    replies += [
        texts.bad_arguments("!møte ny <dato>", "!møte ny 3.12 kl 10", "Datoen mangler."),
        texts.help_overview([], "hjelp"),
        texts.command_not_available("møte ny"),
        texts.unexpected_error("ABC123"),
        texts.dm_greeting(),
        texts.not_a_command_in_dm(),
        texts.unencrypted_room_refusal(),
    ]
    return replies


def test_all_html_uses_only_elements_subset() -> None:
    for reply in _all_replies():
        if reply.html is not None:
            assert_element_safe_html(reply.html)


def test_html_checker_rejects_what_element_does_not_render() -> None:
    for bad in ("<h1>x</h1>", "<table></table>", '<p class="x">x</p>', "<p>x", "<b>x</i>"):
        with pytest.raises(AssertionError):
            assert_element_safe_html(bad)


def test_texts_use_norwegian_quotes_and_punctuation() -> None:
    for reply in _all_replies():
        assert '"' not in reply.body
        assert " ?" not in reply.body and " ." not in reply.body
        assert reply.body == reply.body.strip()


def test_text_constants_are_plain_norwegian_strings() -> None:
    constants = {
        name: value
        for name, value in inspect.getmembers(texts)
        if name.isupper() and isinstance(value, str)
    }
    assert "INTRO" in constants and "UNENCRYPTED_ROOM_REFUSAL" in constants
    for value in constants.values():
        assert '"' not in value and "  " not in value


@given(st.text(), st.text())
def test_html_escapes_whatever_goes_into_it(usage: str, summary: str) -> None:
    reply = texts.help_overview([(usage, summary)], "hjelp")
    assert reply.html is not None
    assert_element_safe_html(reply.html)
    assert f"• {usage} – {summary}" in reply.body
