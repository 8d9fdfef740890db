"""Onboarding with ID-porten («!rom ny fnr:…»); the fødselsnummer is never repeated back."""

from __future__ import annotations

from collections.abc import Sequence

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import _names

# The fødselsnummer is never repeated back, not even in an error: the texts describe the problem.
# The display name of an account made for ID-porten login; the bruker may change it.
IDPORTEN_DISPLAY_NAME = "Bruker"


IDPORTEN_NOT_CONFIGURED = (
    "Innlogging med ID-porten er ikke satt opp her, så jeg kan ikke lage rom med fødselsnummer. "
    "Bruk mobilnummeret i stedet, for eksempel «!rom ny +47 912 34 567»."
)


# Keyed by domain.fnr.FnrProblem values.
FNR_PROBLEMS = {
    "not_eleven_digits": "Et fødselsnummer har elleve sifre, for eksempel «!rom ny fnr:DDMMÅÅ NNNNN».",
    "no_such_date": "De seks første sifrene i fødselsnummeret er ikke en gyldig dato. Sjekk tallet.",
    "bad_control_digits": (
        "Fødselsnummeret er ikke gyldig: kontrollsifrene stemmer ikke. Sjekk om et siffer er "
        "byttet eller mangler."
    ),
}


FNR_ONLY_FOR_BRUKER = (
    "Fødselsnummer brukes bare for brukeren selv, i «!rom ny fnr:…». Andre deltakere skriver du "
    "med Matrix-ID eller navn fra katalogen."
)


def room_created_for_idporten(label: str, proposed: Sequence[str]) -> Reply:
    lines = [
        _("Rommet «{label}» er opprettet og kryptert.").format(label=label),
        _(
            "Brukeren logger inn i Samsnakk med ID-porten (for eksempel BankID), finner invitasjonen der og får samtykketeksten først. Du blir lagt til når brukeren har samtykket."
        ),
    ]
    if proposed:
        lines.append(
            _("Deretter får brukeren spørsmål om å godkjenne {proposed}.").format(
                proposed=_names(proposed)
            )
        )
    lines.append(_("Slett gjerne meldingen din med fødselsnummeret fra denne samtalen."))
    return Reply("\n".join(lines), None)


def server_not_in_samsnakk(user_id: str) -> str:
    return _(
        "«{user_id}» er på en server som ikke er med i Samsnakk, så den kontoen kan ikke bli med i rommene her. Bruk kontoen personen har hos en av organisasjonene som er med."
    ).format(user_id=user_id)
