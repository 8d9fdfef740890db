"""The room guard and the history rule appended to the consent text."""

from __future__ import annotations

from collections.abc import Sequence

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply

ACCESS_ROOM_REFUSED = (
    "Dette rommet er ikke et Samsnakk-rom. Det ble laget uten Samsnakk, så ingen kan bli med i det. "
    "Bruk det opprinnelige rommet."
)


ACCESS_NOT_CURRENT_ADMIN = (
    "Bare administratorene i organisasjonen kan være med i administrasjonsrommet."
)


# Appended to the consent text (prompt and «!samtykke vis»): what the bot shows to whom.
CONSENT_HISTORY_RULE = (
    "En ny deltaker kan lese meldinger fra den dagen personen ble med, og ser møter og "
    "agendapunkter fra den dagen du godkjente personen. Det som ble skrevet før, ser personen "
    "ikke. Det du ikke vil snakke om («ikke»), ser bare de som er med på det møtet."
)


def with_history_rule(text: str) -> str:
    return f"{text.strip()}\n\n{_(CONSENT_HISTORY_RULE)}"


GUARD_STRAY_INVITE = "Invitasjonen ble ikke laget av Samsnakk og er trukket tilbake."


GUARD_NOT_ADMIN = "Du er ikke lenger administrator i organisasjonen."


def admin_removed(name: str) -> Reply:
    return Reply(
        _(
            "{name} er ikke lenger administrator og er fjernet fra rommet. Det er skrevet i revisjonsloggen."
        ).format(name=name),
        None,
    )


def foreign_upgrade_alarm(mentions: Sequence[str]) -> Reply:
    """In the old room: someone tried to move it. A prompt to everyone, so it notifies."""
    body = _(
        "Advarsel: noen har prøvd å flytte dette rommet til et nytt rom, uten Samsnakk. Ikke bli med i det nye rommet, og ikke skriv der. Dette rommet gjelder fortsatt, og flyttingen er stoppet. Det er skrevet i innsynsloggen."
    )
    return Reply(body, None, tuple(mentions))


ROOM_MOVED = "Rommet er flyttet til et nytt rom. Invitasjonen dit venter på deg."
