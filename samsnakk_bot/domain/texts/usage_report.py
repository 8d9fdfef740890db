"""The usage report's title, labels and period problems."""

from __future__ import annotations

REPORT_TITLE = "Samsnakk – bruk"


REPORT_LABELS = {
    "rooms_created": "Rom opprettet",
    "rooms_active": "Aktive rom",
    "median_hours_proposal_to_approval": "Timer fra forslag til godkjenning (median)",
    "median_days_room_to_first_meeting": "Dager fra rom til Det første møtet (median)",
    "share_summary_within_24h": "Møter med oppsummering innen 24 t (%)",
    "messages_per_room_per_week": "Meldinger per rom per uke",
    "varsler_sent_app": "Varsler i appen",
    "varsler_sent_sms": "Varsler på SMS",
    "varsler_sent_epost": "Varsler på e-post",
    "varsler_failed": "Varsler som feilet",
}


REPORT_PERIOD_PROBLEMS = {
    "UNREADABLE": "Skriv perioden som «måned», «2026-10» eller «2026-09-01..2026-10-15».",
    "REVERSED": "Perioden slutter før den begynner.",
    "FUTURE": "Perioden ligger fram i tid. Velg en periode som har vært.",
}
