"""Every varsel SMS must fit one GSM-7 segment: no UCS-2, no multipart; the onboarding SMS
with the app link too."""

from __future__ import annotations

from typing import Any

import pytest

from bridge.channels.base import ChannelContext
from bridge.channels.sms_varsel import SmsVarsler
from bridge.sms_text import gsm7_septets, is_gsm7_single_segment
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.onboarding_link import element_x_link


@pytest.mark.parametrize(
    "text",
    [
        "Du har en ny melding i Samsnakk. Åpne appen for å lese den.",
        "Hei! Nytt møte er avtalt. Se Samsnakk for tid og sted.",
        "ÆØÅ æøå: Påminnelse fra Samsnakk.",
        "Ny melding.\nÅpne Samsnakk.",
    ],
)
def test_norwegian_text_with_aeoa_fits_one_segment(text: str) -> None:
    assert is_gsm7_single_segment(text)


@pytest.mark.parametrize(
    "text",
    [
        "Du har en ny melding i «Samsnakk».",
        "Du har en “ny” melding.",  # typographic quotes
        "Møte kl 10–11.",  # en dash
        "Åpne appen…",  # ellipsis character
        "Hei 🙂",
    ],
)
def test_characters_outside_gsm7_force_ucs2_and_are_refused(text: str) -> None:
    assert gsm7_septets(text) is None
    assert not is_gsm7_single_segment(text)


def test_160_characters_fit_and_161_do_not() -> None:
    assert is_gsm7_single_segment("å" * 160)
    assert not is_gsm7_single_segment("å" * 161)


def test_extension_characters_count_twice() -> None:
    assert gsm7_septets("€") == 2
    assert gsm7_septets("[]{}~^|\\") == 16
    assert is_gsm7_single_segment("€" * 80)
    assert not is_gsm7_single_segment("€" * 81)
    assert not is_gsm7_single_segment("a" * 159 + "€")


def test_basic_set_has_127_characters_besides_escape() -> None:
    from bridge import sms_text

    assert len(sms_text._BASIC) == 127
    assert "\x1b" not in sms_text._BASIC


# -- issue 11: the onboarding SMS carries the app link ----------------------------------------

CODE = "K7QM-3XHP"  # codes are always 4 + 4 characters
SAMPLE_SERVER = "samsnakk.example.kommune.no"  # deploy/samsnakk.yaml.sample


@pytest.mark.parametrize("server", ["hs.test", "samsnakk.localhost", SAMPLE_SERVER, "a" * 31])
def test_onboarding_sms_with_the_app_link_fits_one_segment(server: str) -> None:
    link = element_x_link(server)
    text = texts.onboarding_sms_with_link(CODE, 72, link)
    assert text.endswith(f" {link}")  # last, so no punctuation sticks to the address
    assert f"!kode {CODE}" in text and "72 timer" in text
    assert is_gsm7_single_segment(text), (gsm7_septets(text), text)


def test_sample_server_gives_this_exact_sms() -> None:
    text = texts.onboarding_sms_with_link(CODE, 72, element_x_link(SAMPLE_SERVER))
    assert text == (
        "Samsnakk: Logg inn og skriv !kode K7QM-3XHP til boten innen 72 timer. Appen: "
        "https://mobile.element.io/element/?account_provider=samsnakk.example.kommune.no"
    )
    assert gsm7_septets(text) == 156


def _worker(link: str | None) -> Any:
    # Only the text is under test: neither the provider nor the DM is touched.
    none: Any = None
    return SmsVarsler(none, ChannelContext(dm=none, code_hours=lambda: 72, app_link=link))


def test_outbox_puts_the_link_in_the_onboarding_sms() -> None:
    link = element_x_link("hs.test")
    text = _worker(link)._onboarding_sms(CODE)
    assert text == texts.onboarding_sms_with_link(CODE, 72, link)


def test_a_server_name_too_long_for_one_segment_leaves_the_link_out() -> None:
    link = element_x_link("a" * 32)
    assert not is_gsm7_single_segment(texts.onboarding_sms_with_link(CODE, 72, link))
    text = _worker(link)._onboarding_sms(CODE)
    assert text == texts.onboarding_sms(CODE, 72) and "https://" not in text
    assert is_gsm7_single_segment(text)


def test_no_hint_and_nothing_about_the_person_in_the_sms() -> None:
    text = _worker(element_x_link("hs.test"))._onboarding_sms(CODE)
    assert "login_hint" not in text and "@" not in text
