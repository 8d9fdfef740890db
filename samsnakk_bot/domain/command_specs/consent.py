"""The bruker's consent: give, refuse, read, withdraw (``!samtykke …``)."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import (
    EVERYONE,
    IN_BRUKERROM,
    ROLE_BRUKER,
    CommandSpec,
    Refusal,
    spec,
)


def specs() -> list[CommandSpec]:
    room, bruker = {IN_BRUKERROM}, {ROLE_BRUKER}
    answers = Refusal.BRUKER_ANSWERS
    return [
        spec(
            "samtykke ja",
            t.SAMTYKKE_JA_USAGE,
            t.SAMTYKKE_JA_SUMMARY,
            t.SAMTYKKE_JA_DETAILS,
            t.SAMTYKKE_JA_USAGE,
            bruker,
            room,
            variants=("samtykker", "jeg samtykker", "eg samtykkjer", "samtykkjer", "gi samtykke"),
            refusal=answers,
        ),
        spec(
            "samtykke nei",
            t.SAMTYKKE_NEI_USAGE,
            t.SAMTYKKE_NEI_SUMMARY,
            t.SAMTYKKE_NEI_DETAILS,
            t.SAMTYKKE_NEI_USAGE,
            bruker,
            room,
            variants=(
                "samtykke avslå",
                "samtykker ikke",
                "jeg samtykker ikke",
                "samtykkjer ikkje",
                "eg samtykkjer ikkje",
            ),
            refusal=answers,
        ),
        spec(
            "samtykke vis",
            t.SAMTYKKE_VIS_USAGE,
            t.SAMTYKKE_VIS_SUMMARY,
            t.SAMTYKKE_VIS_DETAILS,
            t.SAMTYKKE_VIS_USAGE,
            {EVERYONE},
            room,
            variants=(
                "samtykke syn",
                "samtykke se",
                "samtykke les",
                "samtykke vise",
                "samtykke tekst",
                "vis samtykke",
                "syn samtykke",
            ),
        ),
        spec(
            "samtykke trekk",
            t.SAMTYKKE_TREKK_USAGE,
            t.SAMTYKKE_TREKK_SUMMARY,
            t.SAMTYKKE_TREKK_DETAILS,
            t.SAMTYKKE_TREKK_USAGE,
            bruker,
            room,
            variants=(
                "samtykke trekk tilbake",
                "samtykke trekke",
                "samtykke trekkje",
                "samtykke tilbake",
                "trekk samtykke",
                "trekk tilbake",
                "trekk tilbake samtykke",
            ),
            refusal=answers,
        ),
    ]
