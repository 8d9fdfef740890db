"""The admin room's commands (``!admin …``); who is an admin is checked by the services."""

from __future__ import annotations

from samsnakk_bot.domain import texts as t
from samsnakk_bot.domain.command_spec import EVERYONE, IN_ADMIN_ROOM, CommandSpec, spec


def specs() -> list[CommandSpec]:
    admin_room, everyone = {IN_ADMIN_ROOM}, {EVERYONE}
    return [
        spec(
            "admin rapport",
            t.ADMIN_RAPPORT_USAGE,
            t.ADMIN_RAPPORT_SUMMARY,
            t.ADMIN_RAPPORT_SUMMARY,
            t.ADMIN_RAPPORT_EXAMPLE,
            everyone,
            admin_room,
            variants=("admin rapporter", "admin statistikk"),
        ),
        spec(
            "admin rom",
            t.ADMIN_ROM_USAGE,
            t.ADMIN_ROM_SUMMARY,
            t.ADMIN_ROM_SUMMARY,
            t.ADMIN_ROM_EXAMPLE,
            everyone,
            admin_room,
        ),
        spec(
            "admin deaktiver",
            t.ADMIN_DEAKTIVER_USAGE,
            t.ADMIN_DEAKTIVER_SUMMARY,
            t.ADMIN_DEAKTIVER_DETAILS,
            t.ADMIN_DEAKTIVER_EXAMPLE,
            everyone,
            admin_room,
            variants=("admin deaktivere", "admin offboard", "admin offboarding"),
        ),
        spec(
            "admin revisjon",
            t.ADMIN_REVISJON_USAGE,
            t.ADMIN_REVISJON_SUMMARY,
            t.ADMIN_REVISJON_SUMMARY,
            t.ADMIN_REVISJON_EXAMPLE,
            everyone,
            admin_room,
            variants=("admin revisjonslogg", "admin revider", "admin audit"),
        ),
        spec(
            "admin katalog legg-til",
            t.ADMIN_KATALOG_LEGG_TIL_USAGE,
            t.ADMIN_KATALOG_LEGG_TIL_SUMMARY,
            t.ADMIN_KATALOG_LEGG_TIL_DETAILS,
            t.ADMIN_KATALOG_LEGG_TIL_EXAMPLE,
            everyone,
            admin_room,
            aliases=("admin katalog ny",),
            variants=("admin katalog legg inn", "admin katalog opprett"),
        ),
        spec(
            "admin katalog endre",
            t.ADMIN_KATALOG_ENDRE_USAGE,
            t.ADMIN_KATALOG_ENDRE_SUMMARY,
            t.ADMIN_KATALOG_ENDRE_SUMMARY,
            t.ADMIN_KATALOG_ENDRE_EXAMPLE,
            everyone,
            admin_room,
            variants=("admin katalog endra", "admin katalog rediger", "admin katalog oppdater"),
        ),
        spec(
            "admin katalog fjern",
            t.ADMIN_KATALOG_FJERN_USAGE,
            t.ADMIN_KATALOG_FJERN_SUMMARY,
            t.ADMIN_KATALOG_FJERN_SUMMARY,
            t.ADMIN_KATALOG_FJERN_EXAMPLE,
            everyone,
            admin_room,
            variants=("admin katalog fjerne", "admin katalog slett", "admin katalog ta ut"),
        ),
    ]
