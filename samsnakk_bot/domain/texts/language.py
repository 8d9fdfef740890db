"""Texts: choosing the written standard («!språk»)."""

from __future__ import annotations

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply

SPRAK_USAGE = "!språk nynorsk|bokmål"
SPRAK_SUMMARY = "Velg om jeg skal skrive bokmål eller nynorsk til deg."
SPRAK_DETAILS = (
    "Skriv «!språk nynorsk» eller «!språk bokmål». Valget gjelder det jeg skriver til deg, også "
    "varsler på SMS og e-post. I brukerrommet gjelder brukerens valg for hele rommet."
)
SPRAK_EXAMPLE = "!språk nynorsk"
SPRAK_UNKNOWN = "Jeg kan skrive bokmål og nynorsk. Skriv «!språk nynorsk» eller «!språk bokmål»."


def language_saved(language: str) -> Reply:
    """Said in the newly chosen language, so the person sees the change at once."""
    return Reply(_("Greit! Nå skriver jeg {language} til deg.").format(language=language), None)


def language_status(language: str) -> Reply:
    return Reply(
        _(
            "Jeg skriver {language} til deg nå. Skriv «!språk nynorsk» eller «!språk bokmål» for "
            "å bytte."
        ).format(language=language),
        None,
    )
