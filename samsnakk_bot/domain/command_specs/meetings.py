"""Meetings in a brukerrom (``!møte …``, ``!agenda``, ``!sjekk``, ``!oppsummering``) and
``!mine møter`` in the DM."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import EVERYONE, IN_BRUKERROM, IN_DM, CommandSpec, spec


def specs() -> list[CommandSpec]:
    room, everyone = {IN_BRUKERROM}, {EVERYONE}
    return [
        spec(
            "møte ny",
            t.MOTE_NY_USAGE,
            t.MOTE_NY_SUMMARY,
            t.MOTE_NY_DETAILS,
            t.MOTE_NY_EXAMPLE,
            everyone,
            room,
            variants=("nytt møte", "møte planlegg", "planlegg møte", "møte opprett", "møte lag"),
        ),
        spec(
            "møte",
            t.MOTE_USAGE,
            t.MOTE_SUMMARY,
            t.MOTE_SUMMARY,
            t.MOTE_EXAMPLE,
            everyone,
            room,
            variants=("møte vis", "møte syn", "vis møte"),
        ),
        spec(
            "møte bekreft",
            t.MOTE_BEKREFT_USAGE,
            t.MOTE_BEKREFT_SUMMARY,
            t.MOTE_BEKREFT_SUMMARY,
            t.MOTE_BEKREFT_EXAMPLE,
            everyone,
            room,
            variants=("møte bekrefte", "møte stadfest", "møte kommer", "møte kjem", "møte ja"),
        ),
        spec(
            "møte kan-ikke",
            t.MOTE_KAN_IKKE_USAGE,
            t.MOTE_KAN_IKKE_SUMMARY,
            t.MOTE_KAN_IKKE_SUMMARY,
            t.MOTE_KAN_IKKE_EXAMPLE,
            everyone,
            room,
            variants=(
                "møte kan ikkje",
                "møte kommer ikke",
                "møte kjem ikkje",
                "møte forfall",
                "møte nei",
            ),
        ),
        spec(
            "møte flytt",
            t.MOTE_FLYTT_USAGE,
            t.MOTE_FLYTT_SUMMARY,
            t.MOTE_FLYTT_SUMMARY,
            t.MOTE_FLYTT_EXAMPLE,
            everyone,
            room,
            variants=("møte flytte", "møte endre", "møte endra", "møte utsett", "flytt møte"),
        ),
        spec(
            "møte avlys",
            t.MOTE_AVLYS_USAGE,
            t.MOTE_AVLYS_SUMMARY,
            t.MOTE_AVLYS_SUMMARY,
            t.MOTE_AVLYS_EXAMPLE,
            everyone,
            room,
            variants=("møte avlyse", "møte avlyst", "møte slett", "møte kanseller", "avlys møte"),
        ),
        spec(
            "møte liste",
            t.MOTE_LISTE_USAGE,
            t.MOTE_LISTE_SUMMARY,
            t.MOTE_LISTE_SUMMARY,
            t.MOTE_LISTE_USAGE,
            everyone,
            room,
            variants=("møte list", "møte lista", "møte alle", "møte oversikt", "møte oversyn"),
        ),
        spec(
            "mine møter",
            t.MINE_MOTER_USAGE,
            t.MINE_MOTER_SUMMARY,
            t.MINE_MOTER_SUMMARY,
            t.MINE_MOTER_USAGE,
            everyone,
            {IN_DM},
            variants=("møtene mine", "mine avtaler", "mine avtalar"),
        ),
        spec(
            "agenda",
            t.AGENDA_USAGE,
            t.AGENDA_SUMMARY,
            t.AGENDA_DETAILS,
            t.AGENDA_EXAMPLE,
            everyone,
            room,
            variants=("dagsorden", "saksliste", "sakliste", "tema"),
        ),
        spec(
            "sjekk",
            t.SJEKK_USAGE,
            t.SJEKK_SUMMARY,
            t.SJEKK_SUMMARY,
            t.SJEKK_EXAMPLE,
            everyone,
            room,
            variants=("sjekke", "sjekka", "kryss av"),
        ),
        spec(
            "oppsummering",
            t.OPPSUMMERING_USAGE,
            t.OPPSUMMERING_SUMMARY,
            t.OPPSUMMERING_DETAILS,
            t.OPPSUMMERING_EXAMPLE,
            everyone,
            room,
            variants=("oppsummer", "oppsummeringen", "referat", "samandrag", "samandraget"),
        ),
    ]
