"""The bruker's innsynslogg (``!logg``): who was let in, when, by whom."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import IN_BRUKERROM, ROLE_BRUKER, CommandSpec, Refusal, spec


def specs() -> list[CommandSpec]:
    return [
        spec(
            "logg",
            t.LOGG_USAGE,
            t.LOGG_SUMMARY,
            t.LOGG_DETAILS,
            t.LOGG_USAGE,
            {ROLE_BRUKER},
            {IN_BRUKERROM},
            aliases=("innsynslogg",),
            variants=("innsyn", "loggen", "innsynsloggen", "vis logg", "logg vis"),
            refusal=Refusal.BRUKER_SEES,
        )
    ]
