"""The calendar part of an invitation e-mail; the iCalendar itself is built in the domain
(``samsnakk_bot/domain/calendar_ics.py``)."""

from __future__ import annotations

from samsnakk_bot.domain.calendar_ics import METHODS


def calendar_part(ics: bytes, method: str) -> tuple[str, bytes]:
    """The ``OutboundEmail.parts`` entry; ``method`` must match the METHOD inside ``ics``."""
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, not {method!r}")
    if f"\r\nMETHOD:{method}\r\n".encode() not in ics:
        raise ValueError(f"the calendar's METHOD is not {method}")
    return (f"text/calendar; method={method}; charset=UTF-8", ics)
