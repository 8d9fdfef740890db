"""The bot introducing itself, «!hjelp», and answers when a command is not right."""

from __future__ import annotations

from collections.abc import Sequence

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import (
    _Block,
    _quoted,
    bullets,
    code,
    command,
    example,
    joined,
    para,
    render,
    rich,
)

INTRO = (
    "Samsnakk er en trygg, kryptert samtale der brukeren og de som hjelper – DPS, kommunen, NAV "
    "og fastlegen – kan snakke sammen på ett sted."
)


DM_GREETING = (
    "Hei! Jeg er Samsnakk-boten. Jeg setter opp trygge samtalerom der brukeren og hjelperne "
    "kan snakke sammen. Skriv «!hjelp» for å se hva du kan gjøre."
)


NOT_A_COMMAND_IN_DM = (
    "Jeg er en bot og forstår bare kommandoer som begynner med «!». "
    "Skriv «!hjelp» for å se hva du kan skrive."
)


UNENCRYPTED_ROOM_REFUSAL = (
    "Jeg snakker bare i krypterte rom, slik at det du skriver holdes trygt. "
    "Start en ny, kryptert direktemelding med meg, så svarer jeg der."
)


BOT_NAME = "Samsnakk-boten"


DM_CLOSED = "Samtalen er avsluttet."


ONLY_DIRECT_CHATS = "Samsnakk-boten blir bare med i direktesamtaler."


HJELP_USAGE = "!hjelp [kommando]"


HJELP_SUMMARY = "Viser hva du kan skrive, eller forklarer én kommando."


HJELP_DETAILS = (
    "Skriv «!hjelp» alene for å se alle kommandoene du kan bruke her. "
    "Skriv navnet på en kommando etter «!hjelp» for å lese mer om akkurat den."
)


HJELP_EXAMPLE = "!hjelp rom"


HELP_LIST_HEADING = "Dette kan du skrive til meg:"


NO_COMMANDS_HERE = "Her er det ingen kommandoer du kan bruke."


EXAMPLE_LABEL = "Eksempel:"


ALIASES_LABEL = "Du kan også skrive:"


def _more_help(example_name: str) -> str:
    return _(
        "Skriv «!hjelp» og navnet på en kommando for å lese mer, for eksempel «!hjelp {example_name}»."
    ).format(example_name=example_name)


def _listed(entries: Sequence[tuple[str, str]]) -> _Block:
    return bullets([rich("`{usage}` – {summary}", usage=u, summary=sm) for u, sm in entries])


def help_overview(entries: Sequence[tuple[str, str]], example_name: str) -> Reply:
    """The ``!hjelp`` overview. ``entries`` are ``(usage, summary)`` pairs, in display order."""
    if not entries:
        return Reply(f"{_(INTRO)}\n\n{_(NO_COMMANDS_HERE)}", None)
    more = _more_help(example_name)
    return render(para(_(INTRO)), para(_(HELP_LIST_HEADING)), _listed(entries), para(more))


def command_help(usage: str, details: str, example_text: str, aliases: Sequence[str] = ()) -> Reply:
    """``!hjelp <kommando>``: how to write it, what it does, and an example."""
    blocks = [
        para(rich("`{usage}`", usage=usage)),
        para(details),
        para(_(EXAMPLE_LABEL)),
        example(example_text),
    ]
    if aliases:
        shown = joined([code(command(alias)) for alias in aliases])
        blocks.append(para(rich("{label} {aliases}.", label=_(ALIASES_LABEL), aliases=shown)))
    return render(*blocks)


def command_group_help(group: str, entries: Sequence[tuple[str, str]]) -> Reply:
    """``!møte`` alone when only ``!møte ny`` etc. exist: list what may follow."""
    intro = rich(_("{group} trenger ett ord til. Dette kan du skrive:"), group=code(command(group)))
    return render(para(intro), _listed(entries))


def _did_you_mean(suggestion: str | None) -> str:
    return _(" Mente du {suggestion}?").format(suggestion=_quoted(suggestion)) if suggestion else ""


def unknown_command(name: str, suggestion: str | None = None) -> Reply:
    """Someone wrote a command we do not have, e.g. ``!hjlep``."""
    body = _(
        "Jeg kjenner ikke kommandoen {name}.{did_you_mean} Skriv «!hjelp» for å se hva du kan skrive."
    ).format(name=_quoted(name), did_you_mean=_did_you_mean(suggestion))
    return Reply(body, None)


def unknown_command_help(name: str, suggestion: str | None = None) -> Reply:
    """``!hjelp xyz`` where ``xyz`` is not a command."""
    body = _(
        "Jeg kjenner ikke kommandoen {name}, så jeg kan ikke forklare den.{did_you_mean} Skriv «!hjelp» for å se hva du kan skrive."
    ).format(name=_quoted(name), did_you_mean=_did_you_mean(suggestion))
    return Reply(body, None)


def command_not_available(name: str) -> Reply:
    """A real command, but not for this person or not in this room."""
    body = _(
        "Kommandoen {name} kan ikke brukes her. Skriv «!hjelp» for å se hva du kan skrive her."
    ).format(name=_quoted(name))
    return Reply(body, None)


def bad_arguments(usage: str, example_text: str, problem: str | None = None) -> Reply:
    """A known command written the wrong way: say what to write instead.

    ``problem`` is an optional sentence from this module saying what was wrong.
    """
    first = problem if problem else _("Det ble ikke helt riktig.")
    ask = rich(_("{first} Skriv slik: «`{usage}`»."), first=first, usage=usage)
    return render(para(ask), para(_(EXAMPLE_LABEL)), example(example_text))


def unexpected_error(reference: str) -> Reply:
    """Something failed on our side. The same reference is logged for support to find."""
    body = _(
        "Noe gikk galt hos oss. Prøv igjen om litt. Oppgi referanse {reference} hvis du kontakter brukerstøtte."
    ).format(reference=reference)
    return Reply(body, None)


def dm_greeting() -> Reply:
    """Posted once when the bot joins a direct message with a person."""
    return Reply(_(DM_GREETING), None)


def not_a_command_in_dm() -> Reply:
    """Plain text (not a command) written to the bot in a direct message."""
    return Reply(_(NOT_A_COMMAND_IN_DM), None)


def unencrypted_room_refusal() -> Reply:
    """Why the bot will not talk in a room without end-to-end encryption."""
    return Reply(_(UNENCRYPTED_ROOM_REFUSAL), None)
