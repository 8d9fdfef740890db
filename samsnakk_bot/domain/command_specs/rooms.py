"""Making a brukerrom (``!rom ny``) and joining one with a code (``!kode``)."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import (
    EVERYONE,
    IN_DM,
    ROLE_ANSATT,
    CommandSpec,
    Refusal,
    spec,
)


def specs() -> list[CommandSpec]:
    return [
        spec(
            "rom ny",
            t.ROM_NY_USAGE,
            t.ROM_NY_SUMMARY,
            t.ROM_NY_DETAILS,
            t.ROM_NY_EXAMPLE,
            {ROLE_ANSATT},
            {IN_DM},
            variants=("nytt rom", "rom opprett", "opprett rom", "lag rom", "rom lag"),
            refusal=Refusal.STAFF_ONLY,
        ),
        spec(
            "kode",
            t.KODE_USAGE,
            t.KODE_SUMMARY,
            t.KODE_DETAILS,
            t.KODE_EXAMPLE,
            {EVERYONE},
            {IN_DM},
            variants=("koden", "kode inn", "engangskode"),
        ),
    ]
