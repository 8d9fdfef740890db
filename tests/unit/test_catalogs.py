"""The gettext catalogs (D130–D132): complete, in step with the code, placeholders intact, SMS
texts one GSM-7 segment in every language, and a third language needs nothing but a catalog."""

from __future__ import annotations

import shutil
import string
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message

from bridge.sms_text import gsm7_septets, is_gsm7_single_segment
from samsnakk_bot.domain import dates, i18n, texts
from samsnakk_bot.domain.i18n import parse_language, speaking
from samsnakk_bot.domain.onboarding_link import element_x_link
from samsnakk_bot.locale.catalogs import LOCALE_DIR, extract, read, write
from samsnakk_bot.policies import load_policies

SHIPPED_POLICIES = Path(__file__).resolve().parents[2] / "policies"
LANGUAGES = sorted(i18n.available())


def _ids(catalog: Catalog) -> set[object]:
    return {message.id for message in catalog if message.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _pairs(message: Message) -> Iterator[tuple[str, str]]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    for source, translated in zip(ids, strings, strict=True):
        yield str(source), str(translated)


def test_both_norwegian_catalogs_exist() -> None:
    assert {"nb", "nn"} <= set(LANGUAGES)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_catalog_holds_exactly_the_texts_the_code_uses(code: str) -> None:
    """Fails when someone adds or changes a text without running scripts/catalogs."""
    extracted = _ids(extract())
    catalog = _ids(read(code))
    assert not extracted - catalog, f"not in {code}: run scripts/catalogs"
    assert not catalog - extracted, f"left in {code} but gone from the code: run scripts/catalogs"
    assert len(extracted) > 500


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_text_is_translated(code: str) -> None:
    missing = [m.id for m in read(code) if m.id and not all(t for _, t in _pairs(m))]
    assert not missing, f"{len(missing)} texts without a {code} translation: {missing[:5]}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_placeholder_is_missing_or_extra(code: str) -> None:
    for message in read(code):
        if not message.id:
            continue
        for source, translated in _pairs(message):
            assert _fields(source) == _fields(translated), (code, source, translated)
            for mark in ("**", "`"):  # the light markup of _markup.py renders both bodies
                assert source.count(mark) == translated.count(mark), (code, source, translated)


def test_bokmal_catalog_is_the_source() -> None:
    for message in read("nb"):
        if message.id:
            assert message.string == message.id


def _sms_texts() -> Iterator[str]:
    for kind in ("message", "approval_prompt", "request_outcome", "reminder", "meeting"):
        for count in (1, 2, 99):
            yield texts.varsel_sms(kind, count)
    yield texts.varsel_sms("summary")
    yield texts.varsel_sms("something new", 1)
    yield texts.onboarding_sms("K7QM-3XHP", 72)
    yield texts.onboarding_sms_with_link("K7QM-3XHP", 72, element_x_link("a" * 31))


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_sms_text_is_one_gsm7_segment(code: str) -> None:
    with speaking(code):
        for text in _sms_texts():
            assert is_gsm7_single_segment(text), (code, gsm7_septets(text), text)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("nynorsk", "nn"),
        ("Nynorsk.", "nn"),
        ("NN", "nn"),
        ("norsk nynorsk", "nn"),
        ("bokmål", "nb"),
        ("bokmal", "nb"),
        ("Bokmål!", "nb"),
        ("nb", "nb"),
        ("klingon", None),
        ("", None),
    ],
)
def test_language_names_as_people_type_them(typed: str, code: str | None) -> None:
    assert parse_language(typed) == code


def test_nynorsk_answers_come_from_the_catalog() -> None:
    with speaking("nn"):
        overview = texts.help_overview([("!hjelp [kommando]", "Viser hjelp.")], "hjelp")
        assert "Dette kan du skrive til meg:" in overview.body
        assert "Samsnakk er ein trygg, kryptert samtale" in overview.body
        assert texts.unknown_command("hjlep", "hjelp").body.startswith(
            "Eg kjenner ikkje kommandoen «!hjlep». Meinte du «!hjelp»?"
        )
        assert texts.varsel_line("message", 3) == "Du har 3 nye meldingar i Samsnakk."
        assert texts.ONLY_BRUKER == "Berre brukaren sjølv kan svare på dette."
        assert texts.ROLE_LABELS["bruker"] == "brukar"
    assert texts.ONLY_BRUKER == "Bare brukeren selv kan svare på dette."


def test_dates_speak_the_language_and_parse_nynorsk_names() -> None:
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert dates.format_when_no(start) == "3. desember kl 10:00"
    with speaking("nn"):
        assert dates.format_when_no(start) == "3. desember kl 10:00"
    for name, weekday in [("måndag", 0), ("tysdag", 1), ("laurdag", 5), ("sundag", 6)]:
        assert dates.WEEKDAYS[name] == weekday
    assert dates.WEEKDAYS["tirsdag"] == 1 and dates.WEEKDAYS["lørdag"] == 5


def test_consent_text_is_versioned_per_language() -> None:
    consent = load_policies(SHIPPED_POLICIES).policy.consent
    text_nn, version_nn = consent.in_language("nn")
    text_nb, version_nb = consent.in_language("nb")
    assert (version_nb, version_nn) == (f"{consent.version}-nb", f"{consent.version}-nn")
    assert "Meldingane er ende-til-ende-krypterte" in text_nn
    assert "Meldingene er ende-til-ende-kryptert" in text_nb
    for command in ("«!samtykke ja»", "«!samtykke nei»", "«!samtykke trekk»", "«!logg»"):
        assert command in text_nn and command in text_nb


@pytest.fixture
def with_danish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A copy of the shipped catalogs plus a one-text Danish catalog, nothing else."""
    root = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    danish = Catalog(locale="da", domain=i18n.DOMAIN)
    danish.add("Dette kan du skrive til meg:", "Det her kan du skrive til mig:")
    target = root / "da" / "LC_MESSAGES"
    target.mkdir(parents=True)
    monkeypatch.setattr("samsnakk_bot.locale.catalogs.LOCALE_DIR", root)
    write("da", danish)
    monkeypatch.setattr(i18n, "_locale_root", lambda: root)
    for cached in (i18n.available, i18n._translations, i18n._names):
        cached.cache_clear()
    yield
    for cached in (i18n.available, i18n._translations, i18n._names):
        cached.cache_clear()


def test_a_third_language_needs_only_its_catalog(with_danish: None) -> None:
    assert "da" in i18n.available()
    assert parse_language("dansk") == "da"
    with speaking("da"):
        assert texts.HELP_LIST_HEADING == "Det her kan du skrive til mig:"
        assert (
            texts.BAD_NUMBER == "Jeg trenger nummeret på forespørselen, for eksempel «!godkjenn 1»."
        )
    with speaking("nn"):
        assert texts.HELP_LIST_HEADING == "Dette kan du skrive til meg:"
