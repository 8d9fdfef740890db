"""Who is in a brukerrom: propose, approve, refuse, remove, leave, list."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import (
    EVERYONE,
    IN_BRUKERROM,
    ROLE_ANSATT,
    ROLE_BRUKER,
    CommandSpec,
    Refusal,
    spec,
)


def specs() -> list[CommandSpec]:
    room, bruker = {IN_BRUKERROM}, {ROLE_BRUKER}
    return [
        spec(
            "legg-til",
            t.LEGG_TIL_USAGE,
            t.LEGG_TIL_SUMMARY,
            t.LEGG_TIL_DETAILS,
            t.LEGG_TIL_EXAMPLE,
            {EVERYONE},
            room,
            variants=("legg", "legg inn", "legge til", "leggje til", "foreslå", "inviter"),
        ),
        spec(
            "godkjenn",
            t.GODKJENN_USAGE,
            t.GODKJENN_SUMMARY,
            t.GODKJENN_DETAILS,
            t.GODKJENN_EXAMPLE,
            bruker,
            room,
            variants=("godkjenne", "godkjenner", "godkjent", "godkjen", "godta"),
            refusal=Refusal.BRUKER_ANSWERS,
        ),
        spec(
            "avslå",
            t.AVSLA_USAGE,
            t.AVSLA_SUMMARY,
            t.AVSLA_DETAILS,
            t.AVSLA_EXAMPLE,
            bruker,
            room,
            variants=("avslag", "avslår", "avslått", "avvis", "avvise"),
            refusal=Refusal.BRUKER_ANSWERS,
        ),
        spec(
            "fjern",
            t.FJERN_USAGE,
            t.FJERN_SUMMARY,
            t.FJERN_DETAILS,
            t.FJERN_EXAMPLE,
            bruker,
            room,
            variants=("fjerne", "fjerner", "fjernar", "ta ut"),
            refusal=Refusal.BRUKER_DECIDES,
        ),
        spec(
            "forlat",
            t.FORLAT_USAGE,
            t.FORLAT_SUMMARY,
            t.FORLAT_DETAILS,
            t.FORLAT_USAGE,
            {ROLE_ANSATT},
            room,
            variants=("forlate", "forlater", "forlèt", "gå ut", "forlat rom"),
            refusal=Refusal.STAFF_ONLY,
        ),
        spec(
            "deltakere",
            t.DELTAKERE_USAGE,
            t.DELTAKERE_SUMMARY,
            t.DELTAKERE_DETAILS,
            t.DELTAKERE_USAGE,
            {EVERYONE},
            room,
            variants=(
                "deltagere",
                "deltakerne",
                "deltagerne",
                "deltaker",
                "deltager",
                "deltakarar",
                "deltakarane",
                "deltakar",
                "medlemmer",
                "medlemar",
                "hvem",
                "kven",
            ),
        ),
    ]
