"""Plain answers to a pending question («ja», «godkjenn»), and refusals that fit the command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply

if TYPE_CHECKING:
    from samsnakk_bot.domain.refusal import Refusal

# --- Refusals: who may use a command, and what this person can do instead ----------------------

REFUSAL_BRUKER_SEES = (
    "Bare brukeren selv kan se dette. Du kan se hvem som er med i rommet med «!deltakere»."
)
REFUSAL_BRUKER_ANSWERS = (
    "Bare brukeren selv kan svare på dette. "
    "Du kan se hvem som er med med «!deltakere», og skrive til brukeren her i rommet."
)
REFUSAL_BRUKER_DECIDES = (
    "Bare brukeren selv kan bestemme hvem som er med. Vil du selv gå ut av rommet, skriv «!forlat»."
)
REFUSAL_STAFF_ONLY = (
    "Bare ansatte kan bruke denne kommandoen. Skriv «!hjelp» for å se hva du kan gjøre her."
)

# --- Plain answers to the consent question ------------------------------------------------------

CONSENT_YES_UNDERSTOOD = "Jeg forstod svaret ditt som ja: du samtykker."
CONSENT_NO_ASK_AGAIN = (
    "Jeg forstod svaret ditt som nei. Sier du nei, lukkes rommet, og ingen andre blir med. "
    "Svar «nei» en gang til for å lukke rommet, eller «ja» for å samtykke."
)
CONSENT_PENDING_HINT = (
    "Samtykket venter på svaret ditt. Svar «ja» for å samtykke eller «nei» for å si nei. "
    "Skriv «!samtykke vis» for å lese teksten igjen."
)

# --- Plain answers to a participant request -----------------------------------------------------

NO_REQUEST_PENDING = "Ingen forespørsler venter på svaret ditt nå."

_REFUSALS = {
    "bruker_sees": REFUSAL_BRUKER_SEES,
    "bruker_answers": REFUSAL_BRUKER_ANSWERS,
    "bruker_decides": REFUSAL_BRUKER_DECIDES,
    "staff_only": REFUSAL_STAFF_ONLY,
}


def refusal(kind: Refusal) -> Reply | None:
    """The refusal for a command of this kind; ``None`` for the general «kan ikke brukes her»."""
    body = _REFUSALS.get(kind.value)
    return Reply(_(body), None) if body else None


def request_approved_echo(number: int, person: str) -> Reply:
    """Who was approved when the bruker answered without a number («godkjenn», «ja»)."""
    return Reply(
        _("Godkjent: {person} (forespørsel {number}). Vedkommende er invitert.").format(
            person=person, number=number
        ),
        None,
    )


def request_pending_hint(number: int, person: str) -> Reply:
    return Reply(
        _(
            "Forespørsel {number} venter på svaret ditt: skal {person} bli med? "
            "Svar «godkjenn» eller «avslå»."
        ).format(number=number, person=person),
        None,
    )


def requests_several_hint(numbers: list[int]) -> Reply:
    listed = ", ".join(str(n) for n in numbers)
    return Reply(
        _(
            "Flere forespørsler venter på svar (nr. {numbers}). Skriv hvilken du svarer på, "
            "for eksempel «!godkjenn {first}» eller «!avslå {first}»."
        ).format(numbers=listed, first=numbers[0]),
        None,
    )
