"""``!hjelp`` and ``!språk``: everyone, everywhere."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import EVERYONE, PLACES, CommandSpec, spec


def specs() -> list[CommandSpec]:
    return [
        spec(
            "hjelp",
            t.HJELP_USAGE,
            t.HJELP_SUMMARY,
            t.HJELP_DETAILS,
            t.HJELP_EXAMPLE,
            {EVERYONE},
            set(PLACES),
            aliases=("help",),
            variants=("hjelpe", "hjelpen", "meny", "kommandoer", "kommandoar"),
        ),
        spec(
            "språk",
            t.SPRAK_USAGE,
            t.SPRAK_SUMMARY,
            t.SPRAK_DETAILS,
            t.SPRAK_EXAMPLE,
            {EVERYONE},
            set(PLACES),
            aliases=("målform",),
            variants=("språket", "sprog"),
        ),
    ]
