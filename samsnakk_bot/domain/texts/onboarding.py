"""Onboarding with a one-time code («!kode»)."""

from __future__ import annotations

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply


def code_accepted(label: str) -> Reply:
    return Reply(
        _(
            "Takk! Du er invitert til rommet ditt «{label}». Godta invitasjonen, så får du samtykketeksten der."
        ).format(label=label),
        None,
    )


CODE_NOT_FOR_STAFF = (
    "Koden er til brukeren selv og kan ikke brukes fra en ansatt-konto. Gi den til brukeren."
)


CODE_BAD_FORMAT = "Koden har åtte tegn, for eksempel «!kode K7QM-3XHP»."


def code_rejected(attempts_left: int) -> Reply:
    return Reply(
        _(
            "Koden stemmer ikke, er brukt eller er utløpt. Sjekk at du skrev den riktig. Du kan prøve {attempts_left} ganger til før du må vente litt."
        ).format(attempts_left=attempts_left),
        None,
    )


def code_rate_limited(minutes: int) -> Reply:
    return Reply(
        _(
            "For mange forsøk. Vent {minutes} minutter og prøv igjen, eller be den som hjelper deg om en ny kode."
        ).format(minutes=minutes),
        None,
    )
