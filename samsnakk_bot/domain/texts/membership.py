"""Brukerrom: removing, leaving and listing participants."""

from __future__ import annotations

from collections.abc import Sequence

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import bullets, para, render


def removed(name: str) -> Reply:
    return Reply(_("{name} er fjernet fra rommet.").format(name=name), None)


def left_room(name: str) -> Reply:
    return Reply(_("{name} har gått ut av rommet.").format(name=name), None)


def not_in_room(name: str) -> str:
    return _("{name} er ikke med i rommet.").format(name=name)


CANNOT_REMOVE_BRUKER = (
    "Brukeren kan ikke fjernes. Brukeren kan trekke samtykket med «!samtykke trekk»."
)


CANNOT_REMOVE_BOT = (
    "Boten må være i rommet for å passe på tilgangen. Vil du lukke rommet, skriv «!samtykke trekk»."
)


BRUKER_CANNOT_LEAVE = "Som bruker kan du trekke samtykket med «!samtykke trekk». Da lukkes rommet."


WHO_TO_REMOVE = "Skriv hvem som skal fjernes, for eksempel «!fjern @vera:samsnakk.localhost»."


WHO_TO_ADD = "Skriv hvem du vil foreslå, for eksempel «!legg-til @vera:samsnakk.localhost»."


def participants_list(rows: Sequence[tuple[str, str, str | None, str]]) -> Reply:
    """``rows``: (person description, role in room, proposed by, approved when)."""
    heading = _("Disse er med i rommet:")
    lines = []
    for person, role, proposed_by, when in rows:
        how = (
            _("foreslått av {proposed_by}, godkjent {when}").format(
                proposed_by=proposed_by, when=when
            )
            if proposed_by
            else _("med fra {when}").format(when=when)
        )
        lines.append(f"{person} – {role}, {how}")
    return render(para(heading), bullets(lines))


ROLE_LABELS = {"bruker": "bruker", "creator": "opprettet rommet", "deltaker": "deltaker"}


def guard_removed() -> Reply:
    return Reply(
        _(
            "En person som ikke var godkjent av brukeren, ble fjernet fra rommet. Det er skrevet i innsynsloggen."
        ),
        None,
    )
