"""Searching the staff directory (``!katalog``), for ansatte and admins."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import (
    IN_BRUKERROM,
    IN_DM,
    ROLE_ADMIN,
    ROLE_ANSATT,
    CommandSpec,
    Refusal,
    spec,
)


def specs() -> list[CommandSpec]:
    return [
        spec(
            "katalog",
            t.KATALOG_USAGE,
            t.KATALOG_SUMMARY,
            t.KATALOG_DETAILS,
            t.KATALOG_EXAMPLE,
            {ROLE_ANSATT, ROLE_ADMIN},
            {IN_DM, IN_BRUKERROM},
            variants=("søk", "finn", "katalogsøk"),
            refusal=Refusal.STAFF_ONLY,
        )
    ]
