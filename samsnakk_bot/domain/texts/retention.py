"""Texts: retention."""

from __future__ import annotations

from samsnakk_bot.domain.replies import Reply

MONTH_NAMES = (
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
)  # fmt: skip


def _date(day: int, month: int, year: int) -> str:
    return f"{day}. {MONTH_NAMES[month - 1]} {year}"


def retention_warning(day: int, month: int, year: int, days: int, second: bool) -> Reply:
    """In the room, before an inactive room closes. Neutral: nothing about anyone in it."""
    first = "Påminnelse: " if second else ""
    body = (
        f"{first}Ingen har skrevet i dette rommet på lenge, så det stenges "
        f"{_date(day, month, year)} (om {days} {'dag' if days == 1 else 'dager'}). Vil dere beholde rommet, er det nok at "
        "en av dere skriver en melding her. Da starter perioden på nytt."
    )
    return Reply(body, None)


RETENTION_KEPT_OPEN = Reply("Takk! Rommet holdes åpent.", None)


ROOM_TOMBSTONE = "Rommet er stengt."


def retention_closed_to_member(room: str) -> Reply:
    return Reply(
        f"Rommet «{room}» er stengt fordi ingen hadde skrevet der på lenge. Trenger dere det "
        "igjen, kan en ansatt opprette et nytt rom med «!rom ny».",
        None,
    )
