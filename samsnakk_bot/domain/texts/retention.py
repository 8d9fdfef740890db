"""Inactive rooms: the warnings and the closing."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from samsnakk_bot.domain.i18n import _, babel_locale, ngettext
from samsnakk_bot.domain.replies import Reply


def _date(day: int, month: int, year: int) -> str:
    return format_date(date(year, month, day), "d. MMMM y", locale=babel_locale())


def retention_warning(day: int, month: int, year: int, days: int, second: bool) -> Reply:
    """In the room, before an inactive room closes. Neutral: nothing about anyone in it."""
    first = _("Påminnelse: ") if second else ""
    body = _(
        "{first}Ingen har skrevet i dette rommet på lenge, så det stenges {date} (om {days_text}). Vil dere beholde rommet, er det nok at en av dere skriver en melding her. Da starter perioden på nytt."
    ).format(
        first=first,
        date=_date(day, month, year),
        days_text=ngettext("{days} dag", "{days} dager", days).format(days=days),
    )
    return Reply(body, None)


RETENTION_KEPT_OPEN = Reply("Takk! Rommet holdes åpent.", None)


ROOM_TOMBSTONE = "Rommet er stengt."


def retention_closed_to_member(room: str) -> Reply:
    return Reply(
        _(
            "Rommet «{room}» er stengt fordi ingen hadde skrevet der på lenge. Trenger dere det igjen, kan en ansatt opprette et nytt rom med «!rom ny»."
        ).format(room=room),
        None,
    )
