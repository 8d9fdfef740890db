"""Texts for plain answers to a pending question and for refusals that fit the command.

Bokmål here, with the nynorsk of every text in :data:`NN` (same key), for the message catalogs
(issue 15). Functions build their text from a template in :data:`NB` / :data:`NN`, so the two
can't drift apart in their placeholders.
"""

from __future__ import annotations

from samsnakk_bot.domain.command_spec import Refusal
from samsnakk_bot.domain.replies import Reply

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

NB = {
    "REFUSAL_BRUKER_SEES": REFUSAL_BRUKER_SEES,
    "REFUSAL_BRUKER_ANSWERS": REFUSAL_BRUKER_ANSWERS,
    "REFUSAL_BRUKER_DECIDES": REFUSAL_BRUKER_DECIDES,
    "REFUSAL_STAFF_ONLY": REFUSAL_STAFF_ONLY,
    "CONSENT_YES_UNDERSTOOD": CONSENT_YES_UNDERSTOOD,
    "CONSENT_NO_ASK_AGAIN": CONSENT_NO_ASK_AGAIN,
    "CONSENT_PENDING_HINT": CONSENT_PENDING_HINT,
    "NO_REQUEST_PENDING": NO_REQUEST_PENDING,
    "request_approved_echo": "Godkjent: {person} (forespørsel {number}). Vedkommende er invitert.",
    "request_pending_hint": (
        "Forespørsel {number} venter på svaret ditt: skal {person} bli med? "
        "Svar «godkjenn» eller «avslå»."
    ),
    "requests_several_hint": (
        "Flere forespørsler venter på svar (nr. {numbers}). Skriv hvilken du svarer på, "
        "for eksempel «!godkjenn {first}» eller «!avslå {first}»."
    ),
}

NN = {
    "REFUSAL_BRUKER_SEES": (
        "Berre brukaren sjølv kan sjå dette. Du kan sjå kven som er med i rommet med «!deltakarar»."
    ),
    "REFUSAL_BRUKER_ANSWERS": (
        "Berre brukaren sjølv kan svare på dette. "
        "Du kan sjå kven som er med med «!deltakarar», og skrive til brukaren her i rommet."
    ),
    "REFUSAL_BRUKER_DECIDES": (
        "Berre brukaren sjølv kan bestemme kven som er med. "
        "Vil du sjølv gå ut av rommet, skriv «!forlat»."
    ),
    "REFUSAL_STAFF_ONLY": (
        "Berre tilsette kan bruke denne kommandoen. Skriv «!hjelp» for å sjå kva du kan gjere her."
    ),
    "CONSENT_YES_UNDERSTOOD": "Eg forstod svaret ditt som ja: du samtykkjer.",
    "CONSENT_NO_ASK_AGAIN": (
        "Eg forstod svaret ditt som nei. Seier du nei, blir rommet lukka, og ingen andre blir "
        "med. Svar «nei» ein gong til for å lukke rommet, eller «ja» for å samtykke."
    ),
    "CONSENT_PENDING_HINT": (
        "Samtykket ventar på svaret ditt. Svar «ja» for å samtykke eller «nei» for å seie nei. "
        "Skriv «!samtykke vis» for å lese teksten på nytt."
    ),
    "NO_REQUEST_PENDING": "Ingen førespurnader ventar på svaret ditt no.",
    "request_approved_echo": "Godkjent: {person} (førespurnad {number}). Vedkomande er invitert.",
    "request_pending_hint": (
        "Førespurnad {number} ventar på svaret ditt: skal {person} bli med? "
        "Svar «godkjenn» eller «avslå»."
    ),
    "requests_several_hint": (
        "Fleire førespurnader ventar på svar (nr. {numbers}). Skriv kva for ein du svarar på, "
        "til dømes «!godkjenn {first}» eller «!avslå {first}»."
    ),
}

_REFUSALS = {
    Refusal.BRUKER_SEES: REFUSAL_BRUKER_SEES,
    Refusal.BRUKER_ANSWERS: REFUSAL_BRUKER_ANSWERS,
    Refusal.BRUKER_DECIDES: REFUSAL_BRUKER_DECIDES,
    Refusal.STAFF_ONLY: REFUSAL_STAFF_ONLY,
}


def refusal(kind: Refusal) -> Reply | None:
    """The refusal for a command of this kind; ``None`` for the general «kan ikke brukes her»."""
    body = _REFUSALS.get(kind)
    return Reply(body, None) if body else None


def request_approved_echo(number: int, person: str) -> Reply:
    """Who was approved when the bruker answered without a number («godkjenn», «ja»)."""
    return Reply(NB["request_approved_echo"].format(person=person, number=number), None)


def request_pending_hint(number: int, person: str) -> Reply:
    return Reply(NB["request_pending_hint"].format(number=number, person=person), None)


def requests_several_hint(numbers: list[int]) -> Reply:
    listed = ", ".join(str(n) for n in numbers)
    return Reply(NB["requests_several_hint"].format(numbers=listed, first=numbers[0]), None)
