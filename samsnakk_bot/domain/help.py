"""Replies about commands: the ``!hjelp`` overview, help for one command, and unknown commands.

This module only connects the registry to :mod:`texts`; every word a person reads is there.
The registry holds the bokmål texts (message ids); they are translated here, when shown.
"""

from __future__ import annotations

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.commands import (
    BANGS,
    CommandRegistry,
    CommandSpec,
    ParsedCommand,
    parse_command,
)
from samsnakk_bot.domain.i18n import _
from samsnakk_bot.domain.replies import Reply

HELP_COMMAND = "hjelp"


def _entries(specs: list[CommandSpec]) -> list[tuple[str, str]]:
    return [(_(spec.usage), _(spec.summary)) for spec in specs]


def render_help(registry: CommandRegistry, role: str | None, where: str) -> Reply:
    """The ``!hjelp`` overview: the commands this person may use in this room."""
    specs = registry.visible_for(role, where)
    example = next((spec.name for spec in specs if spec.name != HELP_COMMAND), HELP_COMMAND)
    return texts.help_overview(_entries(specs), example)


def render_command_help(registry: CommandRegistry, name: str) -> Reply:
    """``!hjelp <name>``: usage, explanation and example, or a helpful answer if unknown.

    ``name`` is what followed ``!hjelp``: ``"møte ny"``, ``"!Mote"`` and ``"help"`` all work.
    """
    wanted = name.strip().lstrip(BANGS).strip() or HELP_COMMAND
    parsed = parse_command(texts.command(wanted))
    if parsed is None:
        return texts.unknown_command_help(wanted, registry.suggest(wanted))
    found = registry.match(parsed)
    is_group = bool(registry.subcommands(" ".join(parsed.words)))
    if found is None or (found.args and is_group):
        return render_unknown(registry, parsed, asking_for_help=True)
    spec = found.spec
    return texts.command_help(_(spec.usage), _(spec.details), _(spec.example), spec.aliases)


def render_unknown(
    registry: CommandRegistry, parsed: ParsedCommand, *, asking_for_help: bool = False
) -> Reply:
    """The answer for a command the registry did not match.

    ``!møte`` alone (only ``!møte ny`` … exist) lists what may follow; ``!møte nyy`` and
    ``!hjlep`` get a «Mente du …?» when something close exists.
    """
    words = parsed.words
    group_size = 0
    for size in range(len(words), 0, -1):
        if registry.subcommands(" ".join(words[:size])):
            group_size = size
            break
    if group_size == len(words):
        group = registry.subcommands(" ".join(words))
        return texts.command_group_help(" ".join(words), _entries(group))
    if group_size:
        unknown = " ".join(words[: group_size + 1])
        suggestion = registry.suggest(unknown)
    else:
        # Read the first one, two, … words as the name: «!leg til @x» is «!legg-til» (D140).
        reading = registry.suggest_reading(words)
        unknown = " ".join(words[: reading.words if reading else 1])
        suggestion = reading.name if reading else None
    if asking_for_help:
        return texts.unknown_command_help(unknown, suggestion)
    return texts.unknown_command(unknown, suggestion)
