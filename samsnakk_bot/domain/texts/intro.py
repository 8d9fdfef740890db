"""Texts: intro."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.texts._markup import _code, _html_paragraph, _quoted, command

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


def help_overview(entries: Sequence[tuple[str, str]], example_name: str) -> Reply:
    """The ``!hjelp`` overview. ``entries`` are ``(usage, summary)`` pairs, in display order."""
    if not entries:
        return Reply(f"{_(INTRO)}\n\n{_(NO_COMMANDS_HERE)}", None)
    lines = [f"• {usage} – {summary}" for usage, summary in entries]
    more = _more_help(example_name)
    body = "\n".join([_(INTRO), "", _(HELP_LIST_HEADING), *lines, "", more])
    items = "".join((f"<li>{_code(usage)} – {escape(summary)}</li>" for usage, summary in entries))
    html = f"{_html_paragraph(_(INTRO))}{_html_paragraph(_(HELP_LIST_HEADING))}<ul>{items}</ul>{_html_paragraph(more)}"
    return Reply(body, html)


def command_help(usage: str, details: str, example: str, aliases: Sequence[str] = ()) -> Reply:
    """``!hjelp <kommando>``: how to write it, what it does, and an example."""
    body_parts = [usage, details, f"{_(EXAMPLE_LABEL)}\n{example}"]
    html_example = f"<pre><code>{escape(example)}</code></pre>"
    html_parts = [f"<p>{_code(usage)}</p>", _html_paragraph(details)]
    html_parts.append(f"<p>{escape(_(EXAMPLE_LABEL))}</p>{html_example}")
    if aliases:
        shown = ", ".join(_quoted(alias) for alias in aliases)
        body_parts.append(f"{_(ALIASES_LABEL)} {shown}.")
        html_shown = ", ".join(_code(command(alias)) for alias in aliases)
        html_parts.append(f"<p>{escape(_(ALIASES_LABEL))} {html_shown}.</p>")
    return Reply("\n\n".join(body_parts), "".join(html_parts))


def command_group_help(group: str, entries: Sequence[tuple[str, str]]) -> Reply:
    """``!møte`` alone when only ``!møte ny`` etc. exist: list what may follow."""
    intro = _("{group} trenger ett ord til. Dette kan du skrive:").format(group=_quoted(group))
    lines = [f"• {usage} – {summary}" for usage, summary in entries]
    body = "\n".join([intro, *lines])
    items = "".join((f"<li>{_code(usage)} – {escape(summary)}</li>" for usage, summary in entries))
    return Reply(body, f"{_html_paragraph(intro)}<ul>{items}</ul>")


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


def bad_arguments(usage: str, example: str, problem: str | None = None) -> Reply:
    """A known command written the wrong way: say what to write instead.

    ``problem`` is an optional sentence from this module saying what was wrong.
    """
    first = problem if problem else _("Det ble ikke helt riktig.")
    body = _("{first} Skriv slik: «{usage}».\n\n{example_label}\n{example}").format(
        first=first, usage=usage, example_label=_(EXAMPLE_LABEL), example=example
    )
    html = f"{_html_paragraph(first)}<p>Skriv slik: {_code(usage)}.</p><p>{escape(_(EXAMPLE_LABEL))}</p><pre><code>{escape(example)}</code></pre>"
    return Reply(body, html)


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
