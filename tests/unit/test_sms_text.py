"""Every varsel SMS must fit one GSM-7 segment: no UCS-2, no multipart."""

from __future__ import annotations

import pytest

from bridge.sms_text import gsm7_septets, is_gsm7_single_segment


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
