"""Texts: brukerrom_create."""

from __future__ import annotations

from collections.abc import Sequence

from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import _names


def room_created(label: str, bruker_name: str, proposed: Sequence[str]) -> Reply:
    lines = [
        f"Rommet «{label}» er opprettet og kryptert.",
        f"{bruker_name} er invitert og får samtykketeksten først.",
        f"Du blir lagt til i rommet når {bruker_name} har samtykket.",
    ]
    if proposed:
        lines.append(f"{bruker_name} får spørsmål om å godkjenne {_names(proposed)} etterpå.")
    return Reply("\n".join(lines), None)


def room_created_with_code(label: str, code: str, hours: int, proposed: Sequence[str]) -> Reply:
    lines = [
        f"Rommet «{label}» er opprettet og kryptert.",
        f"Gi denne koden til brukeren: {code}",
        f"Brukeren logger inn i Samsnakk, skriver «!kode {code}» til meg, og blir invitert. "
        f"Koden virker én gang og i {hours} timer.",
    ]
    if proposed:
        lines.append(f"Deretter får brukeren spørsmål om å godkjenne {_names(proposed)}.")
    return Reply("\n".join(lines), None)


ROM_NY_MISSING_BRUKER = "Jeg trenger å vite hvem rommet er for."


ROM_NY_BRUKER_IS_NAME = (
    "Brukeren må skrives som Matrix-ID (for eksempel @per:samsnakk.localhost) eller som "
    "mobilnummer, så rommet havner hos riktig person."
)


ROM_NY_EMPTY_MED = "Etter «med» må du skrive hvem du vil foreslå."


def person_not_found(text: str) -> str:
    return f"Jeg fant ingen «{text}» i katalogen. Sjekk stavemåten, eller bruk Matrix-ID."


def no_such_user(user_id: str) -> str:
    return f"Jeg finner ingen konto med ID «{user_id}». Sjekk at den er skrevet riktig."


def person_ambiguous(text: str, candidates: Sequence[str]) -> str:
    return f"«{text}» passer på flere: {_names(list(candidates))}. Bruk Matrix-ID."


def bad_phone(text: str) -> str:
    return (
        f"«{text}» er ikke et norsk mobilnummer. Skriv det med 8 sifre, "
        "for eksempel 912 34 567 eller +47 912 34 567."
    )


def bruker_is_staff(name: str) -> str:
    return f"{name} er registrert som ansatt, ikke som bruker."


ROM_NY_SELF = "Du kan ikke opprette et brukerrom for deg selv."
