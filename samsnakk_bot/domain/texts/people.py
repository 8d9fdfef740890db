"""How people are shown, offboarding, and the consent prompt's opening."""

from __future__ import annotations

import unicodedata

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import _html_paragraph
from samsnakk_bot.domain.texts.guard import with_history_rule

# A display name is chosen by its owner, so it is never shown alone: people outside the
# directory are shown by Matrix ID, marked «ikke i katalogen», with their chosen name in quotes.
NOT_IN_DIRECTORY = "ikke i katalogen"


NO_LONGER_IN_DIRECTORY = "ikke lenger i katalogen"


def person_listed(name: str, org: str, role: str, user_id: str, active: bool = True) -> str:
    """A directory person: ``Frida Fastlege (Askøy legesenter, fastlege, @frida:server)``."""
    parts = [org, role, user_id] + ([] if active else [_(NO_LONGER_IN_DIRECTORY)])
    return f"{name} ({', '.join(p for p in parts if p)})"


CHOSEN_NAME_MAX = 60


def _chosen(name: str | None, user_id: str) -> str | None:
    """A self-chosen name made safe to quote: no control or bidi characters (which could
    reorder the line to look like a directory entry), no «», one line, at most 60 characters."""
    if not name:
        return None
    kept = "".join(
        " " if unicodedata.category(c) in ("Zl", "Zp") or c in "«»" else c
        for c in name
        if unicodedata.category(c) not in ("Cc", "Cf", "Co", "Cs")
    )
    kept = " ".join(kept.split())
    if not kept or kept == user_id:
        return None
    return kept if len(kept) <= CHOSEN_NAME_MAX else kept[: CHOSEN_NAME_MAX - 1] + "…"


def person_unlisted(user_id: str, chosen_name: str | None) -> str:
    """Someone not in the directory: their Matrix ID first, the name they chose in quotes."""
    chosen = _chosen(chosen_name, user_id)
    if chosen:
        return _("{user_id} ({not_in_directory}, kaller seg «{chosen}»)").format(
            user_id=user_id, not_in_directory=_(NOT_IN_DIRECTORY), chosen=chosen
        )
    return f"{user_id} ({_(NOT_IN_DIRECTORY)})"


def person_short_unlisted(user_id: str, chosen_name: str | None) -> str:
    """Short form for running text: the chosen name in quotes, always with the Matrix ID."""
    chosen = _chosen(chosen_name, user_id)
    return f"«{chosen}» ({user_id})" if chosen else user_id


def consent_prompt_from(bruker: str, creator: str, text: str) -> Reply:
    """The consent text, opened by who made the room (name, organisation, Matrix ID)."""
    body = _("Rommet er opprettet av {creator}.\n\n{with_history_rule}").format(
        creator=creator, with_history_rule=with_history_rule(text)
    )
    return Reply(body, _html_paragraph(body), (bruker,))


def consent_poll_question(creator: str) -> str:
    return _("Samtykker du til rommet som {creator} har opprettet?").format(creator=creator)


POLL_ANSWER_NOT_FOR_THIS = (
    "Svaret hørte ikke til dette spørsmålet, så jeg gjorde ingenting. Svar i avstemningen under "
    "forespørselen, eller skriv «!godkjenn N» eller «!avslå N»."
)


OFFBOARDED_CANNOT_CREATE = (
    "Kontoen din er deaktivert i Samsnakk, så du kan ikke opprette rom. Ta kontakt med "
    "administratoren i organisasjonen din hvis dette er feil."
)


OFFBOARDED = (
    "Kontoen din er deaktivert i Samsnakk, så du kan ikke bruke denne kommandoen lenger. Ta "
    "kontakt med administratoren i organisasjonen din hvis dette er feil."
)


OFFBOARDED_CREATOR_GONE = (
    "Den som opprettet rommet, er ikke lenger med i Samsnakk, så ingen blir invitert. "
    "Rommet lukkes. Den som hjelper deg, kan lage et nytt."
)


def room_handed_over(bruker: str, creator: str) -> Reply:
    return Reply(
        _(
            "Den som opprettet rommet, har sluttet. Rommet er overført til {creator}. Samtykker du, er det denne personen som blir med. Svar «!samtykke ja» eller «!samtykke nei»."
        ).format(creator=creator),
        None,
        (bruker,),
    )


def waiting_room_closed_to_colleague(label: str) -> Reply:
    return Reply(
        _(
            "Rommet «{label}» ventet fortsatt på brukeren og er lukket fordi den som opprettet det, har sluttet. Lag et nytt rom med «!rom ny» hvis brukeren fortsatt trenger det."
        ).format(label=label),
        None,
    )


def offboarded_summary(
    name: str,
    rooms: int,
    requests: int,
    moved: int,
    flagged: int,
    waiting: int,
    codes: int,
    account_closed: bool | None,
) -> Reply:
    """The admin's answer to ``!admin deaktiver``; ``account_closed`` None: not asked for."""
    lines = [
        _(
            "{name} er deaktivert: fjernet fra {rooms} rom, {requests} forespørsler stoppet, {moved} møter overført og {flagged} møter merket uten ansvarlig."
        ).format(name=name, rooms=rooms, requests=requests, moved=moved, flagged=flagged),
        _(
            "{waiting} rom som ventet på brukeren er lukket eller overført, og {codes} engangskoder er ugyldige. Personen kan ikke lenger opprette rom."
        ).format(waiting=waiting, codes=codes),
    ]
    if account_closed is not None:
        lines.append(
            _(OFFBOARDED_ACCOUNT_CLOSED) if account_closed else _(OFFBOARDED_ACCOUNT_NOT_CLOSED)
        )
    return Reply(" ".join(lines), None)


OFFBOARDED_COLLEAGUE = (
    "Kollegaen du vil overføre til, er selv deaktivert. Velg en annen, eller skriv kommandoen "
    "uten «til …»."
)


OFFBOARDED_ACCOUNT_CLOSED = "Kontoen på serveren er også deaktivert."


OFFBOARDED_ACCOUNT_NOT_CLOSED = (
    "Kontoen på serveren kunne ikke deaktiveres nå. Be driften om å gjøre det."
)


CODE_ONLY_FOR_BRUKER = (
    "Koden er til brukeren selv og virker bare fra brukerens egen konto, den du logget inn på "
    "med ID-porten. Er du ansatt, gi koden til brukeren."
)


def fnr_rate_limited(minutes: int) -> Reply:
    return Reply(
        _(
            "Du har laget mange rom med fødselsnummer på kort tid, så jeg venter litt med flere. Prøv igjen om {minutes} minutter, eller bruk mobilnummeret, for eksempel «!rom ny +47 912 34 567»."
        ).format(minutes=minutes),
        None,
    )
