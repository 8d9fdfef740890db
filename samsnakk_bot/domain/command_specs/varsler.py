"""How a person is told that something waits for them (``!varsel …``), in the DM."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import EVERYONE, IN_DM, CommandSpec, spec


def specs() -> list[CommandSpec]:
    dm, everyone = {IN_DM}, {EVERYONE}
    return [
        spec(
            "varsel",
            t.VARSEL_USAGE,
            t.VARSEL_SUMMARY,
            t.VARSEL_DETAILS,
            t.VARSEL_EXAMPLE,
            everyone,
            dm,
        ),
        spec(
            "varsel status",
            t.VARSEL_STATUS_USAGE,
            t.VARSEL_STATUS_SUMMARY,
            t.VARSEL_STATUS_SUMMARY,
            t.VARSEL_STATUS_USAGE,
            everyone,
            dm,
            variants=("varsel vis", "varsel syn", "varsel innstillinger", "varsel innstillingar"),
        ),
        spec(
            "varsel stille",
            t.VARSEL_STILLE_USAGE,
            t.VARSEL_STILLE_SUMMARY,
            t.VARSEL_STILLE_DETAILS,
            t.VARSEL_STILLE_USAGE,
            everyone,
            dm,
            variants=("varsel stilletid", "varsel stilletimer", "varsel stilletimar", "stille"),
        ),
        spec(
            "varsel sms-oppsummering",
            t.VARSEL_OPPSUMMERING_USAGE,
            t.VARSEL_OPPSUMMERING_SUMMARY,
            t.VARSEL_OPPSUMMERING_DETAILS,
            t.VARSEL_OPPSUMMERING_EXAMPLE,
            everyone,
            dm,
            variants=("varsel oppsummering", "varsel samandrag", "varsel sms-samandrag"),
        ),
    ]
