"""Accepting someone's new identity key (``!godta-nøkkel``), in brukerrom and admin rooms."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import (
    EVERYONE,
    IN_ADMIN_ROOM,
    IN_BRUKERROM,
    CommandSpec,
    spec,
)


def specs() -> list[CommandSpec]:
    return [
        spec(
            "godta-nøkkel",
            t.GODTA_NOKKEL_USAGE,
            t.GODTA_NOKKEL_SUMMARY,
            t.GODTA_NOKKEL_DETAILS,
            t.GODTA_NOKKEL_EXAMPLE,
            {EVERYONE},
            {IN_BRUKERROM, IN_ADMIN_ROOM},
            variants=("godta nykel", "godkjenn nøkkel", "godta ny nøkkel", "godta nøkkelen"),
        )
    ]
