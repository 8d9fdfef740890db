"""Brukerrom: creating a room («!rom ny») and naming whom it is for."""

from __future__ import annotations

from collections.abc import Sequence

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import _names


def room_created(label: str, bruker_name: str, proposed: Sequence[str]) -> Reply:
    lines = [
        _("Rommet «{label}» er opprettet og kryptert.").format(label=label),
        _("{bruker_name} er invitert og får samtykketeksten først.").format(
            bruker_name=bruker_name
        ),
        _("Du blir lagt til i rommet når {bruker_name} har samtykket.").format(
            bruker_name=bruker_name
        ),
    ]
    if proposed:
        lines.append(
            _("{bruker_name} får spørsmål om å godkjenne {proposed} etterpå.").format(
                bruker_name=bruker_name, proposed=_names(proposed)
            )
        )
    return Reply("\n".join(lines), None)


def room_created_with_code(label: str, code: str, hours: int, proposed: Sequence[str]) -> Reply:
    lines = [
        _("Rommet «{label}» er opprettet og kryptert.").format(label=label),
        _("Gi denne koden til brukeren: {code}").format(code=code),
        _(
            "Brukeren logger inn i Samsnakk, skriver «!kode {code}» til meg, og blir invitert. Koden virker én gang og i {hours} timer."
        ).format(code=code, hours=hours),
    ]
    if proposed:
        lines.append(
            _("Deretter får brukeren spørsmål om å godkjenne {proposed}.").format(
                proposed=_names(proposed)
            )
        )
    return Reply("\n".join(lines), None)


ROM_NY_MISSING_BRUKER = "Jeg trenger å vite hvem rommet er for."


ROM_NY_BRUKER_IS_NAME = (
    "Brukeren må skrives som Matrix-ID (for eksempel @per:samsnakk.localhost) eller som "
    "mobilnummer, så rommet havner hos riktig person."
)


ROM_NY_EMPTY_MED = "Etter «med» må du skrive hvem du vil foreslå."


def person_not_found(text: str) -> str:
    return _("Jeg fant ingen «{text}» i katalogen. Sjekk stavemåten, eller bruk Matrix-ID.").format(
        text=text
    )


def no_such_user(user_id: str) -> str:
    return _("Jeg finner ingen konto med ID «{user_id}». Sjekk at den er skrevet riktig.").format(
        user_id=user_id
    )


def person_ambiguous(text: str, candidates: Sequence[str]) -> str:
    return _("«{text}» passer på flere: {candidates}. Bruk Matrix-ID.").format(
        text=text, candidates=_names(list(candidates))
    )


def bad_phone(text: str) -> str:
    return _(
        "«{text}» er ikke et norsk mobilnummer. Skriv det med 8 sifre, for eksempel 912 34 567 eller +47 912 34 567."
    ).format(text=text)


def bruker_is_staff(name: str) -> str:
    return _("{name} er registrert som ansatt, ikke som bruker.").format(name=name)


ROM_NY_SELF = "Du kan ikke opprette et brukerrom for deg selv."
