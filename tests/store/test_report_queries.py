"""The usage report's figures on SQLite and PostgreSQL, from rows written straight to the tables.

The report period is September 2026 in Oslo. Two organisations: Askøy (rooms a0–a6, a0 made in
August) and DPS (rooms b1–b2); one room's creator has no account at all.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table

from samsnakk_bot.domain.report import Figure, Period, shown
from samsnakk_bot.store import Database
from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.models import (
    AccountRow,
    AuditRow,
    BrukerromRow,
    InboxEventRow,
    MeetingRow,
    ParticipantRequestRow,
    VarselRow,
)
from samsnakk_bot.store.report_queries import usage_figures

OSLO = ZoneInfo("Europe/Oslo")
BOT = "@samsnakk:hs.test"
KEYS = [
    "rooms_created",
    "rooms_active",
    "median_hours_proposal_to_approval",
    "median_days_room_to_first_meeting",
    "share_summary_within_24h",
    "messages_per_room_per_week",
    "varsler_sent_app",
    "varsler_sent_sms",
    "varsler_sent_epost",
    "varsler_failed",
]


def at(month: int, day: int, hour: float = 0) -> int:
    """Milliseconds at a time in Oslo, 2026."""
    base = datetime(2026, month, day, tzinfo=OSLO).timestamp() * 1000
    return int(base + hour * 3600 * 1000)


SEPTEMBER = Period(at(9, 1), at(10, 1))
WEEKS = 30 / 7


def rid(name: str) -> str:
    return f"!{name}:hs.test"


class Seed:
    """Writes rows directly, filling the columns the report does not read."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.rows: list[tuple[Table, dict[str, Any]]] = []
        self.meeting_numbers: dict[str, int] = {}

    def account(self, user_id: str, org: str | None, role: str = "ansatt") -> None:
        self._add(AccountRow, user_id=user_id, role=role, org=org, created_ms=0)

    def room(self, name: str, creator: str, created_ms: int) -> None:
        self._add(
            BrukerromRow,
            room_id=rid(name),
            label=str(1000 + len(self.rows)),
            creator_user_id=creator,
            state="active",
            created_ms=created_ms,
            last_activity_ms=created_ms,
        )

    def messages(
        self, name: str, *received: int, sender: str = "@someone:hs.test", kind: str = ""
    ) -> None:
        for ms in received:
            self._add(
                InboxEventRow,
                event_id=f"${secrets.token_hex(8)}",
                txn_id="1",
                room_id=rid(name),
                event_type=kind or "m.room.encrypted",
                sender=sender,
                payload="{}",
                received_ms=ms,
            )

    def request(self, name: str, status: str, created_ms: int, decided_ms: int | None) -> None:
        number = sum(1 for t, r in self.rows if t.name == "participant_requests") + 1
        self._add(
            ParticipantRequestRow,
            room_id=rid(name),
            number=number,
            candidate_user_id="@kandidat:hs.test",
            requested_by="@ansatt:hs.test",
            status=status,
            created_ms=created_ms,
            expires_ms=created_ms + 7 * 24 * 3600 * 1000,
            decided_ms=decided_ms,
        )

    def meeting(
        self, name: str, kind: str, start_ms: int, end_ms: int, status: str = "planned"
    ) -> int:
        number = self.meeting_numbers[name] = self.meeting_numbers.get(name, 0) + 1
        self._add(
            MeetingRow,
            room_id=rid(name),
            number=number,
            kind=kind,
            status=status,
            start_ms=start_ms,
            end_ms=end_ms,
            responsible="@ansatt:hs.test",
            created_by="@ansatt:hs.test",
            created_ms=0,
        )
        return number

    def audit(self, name: str, action: str, ts_ms: int, **details: object) -> None:
        self._add(
            AuditRow,
            ts_ms=ts_ms,
            room_id=rid(name),
            actor="@ansatt:hs.test",
            action=action,
            subject=None,
            details=json.dumps(details),
            prev_hash="0" * 64,
            hash=secrets.token_hex(32),
        )

    def varsel(self, name: str | None, channel: str, status: str, created_ms: int) -> None:
        self._add(
            VarselRow,
            idem_key=secrets.token_hex(8),
            user_id="@mottaker:hs.test",
            channel=channel,
            kind="message",
            room_id=None if name is None else rid(name),
            status=status,
            not_before_ms=created_ms,
            created_ms=created_ms,
        )

    def _add(self, model: Any, **values: Any) -> None:
        self.rows.append((table_of(model), values))

    async def write(self) -> None:
        async with self.db.engine.begin() as conn:
            for table, values in self.rows:
                await conn.execute(table.insert().values(**values))


def seed_two_orgs(db: Database) -> Seed:
    s = Seed(db)
    for user, org in [("@a1:hs.test", "askoy"), ("@a2:hs.test", "askoy"), ("@b:hs.test", "dps")]:
        s.account(user, org)
    s.account("@per:hs.test", None, role="bruker")

    # Rooms: six Askøy rooms in September, one before and one after; two DPS; one orphan.
    s.room("a0", "@a1:hs.test", at(8, 20))
    s.room("a1", "@a1:hs.test", at(9, 2, 10))
    s.room("a2", "@a2:hs.test", at(9, 3))
    s.room("a3", "@a1:hs.test", at(9, 10, 12))
    s.room("a4", "@a2:hs.test", at(9, 11))
    s.room("a5", "@a2:hs.test", at(9, 12))
    s.room("a6", "@a1:hs.test", at(9, 25))
    s.room("a7", "@a1:hs.test", at(10, 2))
    s.room("b1", "@b:hs.test", at(9, 4))
    s.room("b2", "@b:hs.test", at(9, 5))
    s.room("x1", "@ghost:hs.test", at(9, 6))

    # Messages: a0, a1, a2 active; a3 only by the bot; a4 only in August; a5 only membership.
    s.messages("a0", at(9, 1), at(9, 30, 23))
    s.messages("a1", at(9, 2, 11), at(9, 3), at(9, 4))
    s.messages("a2", at(9, 5))
    s.messages("a3", at(9, 11), sender=BOT)
    s.messages("a4", at(8, 31, 23))
    s.messages("a5", at(9, 13), kind="m.room.member")
    s.messages("a1", at(10, 1))  # the period is half-open
    s.messages("b1", at(9, 6), at(9, 7), at(9, 8), at(9, 9))

    # Requests: approved in September after 2, 10, 4 and 12 hours (a5's proposed in August).
    s.request("a1", "approved", at(9, 2, 10), at(9, 2, 12))
    s.request("a1", "approved", at(9, 3), at(9, 3, 10))
    s.request("a2", "approved", at(9, 4), at(9, 4, 4))
    s.request("a5", "approved", at(8, 31, 20), at(9, 1, 8))
    s.request("a3", "rejected", at(9, 11), at(9, 11, 1))
    s.request("a4", "approved", at(9, 30), at(10, 1, 1))
    s.request("a6", "pending", at(9, 26), None)
    s.request("b1", "approved", at(9, 6), at(9, 6, 1))

    # Meetings. a1: preparation, then first meetings after 3 and 18 days.
    a1_prep = s.meeting("a1", "forberedelse", at(9, 3, 10), at(9, 3, 11))
    a1_first = s.meeting("a1", "forste_mote", at(9, 5, 10), at(9, 5, 11))
    a1_late = s.meeting("a1", "forste_mote", at(9, 20, 10), at(9, 20, 11))
    s.audit("a1", "summary_posted", at(9, 3, 20), number=a1_prep)  # within 24 h
    s.audit("a1", "summary_posted", at(9, 7, 10), number=a1_first)  # two days late
    s.audit("a1", "summary_edited", at(9, 20, 12), number=a1_late)  # an edit is no summary
    # a2: a cancelled first meeting, then the real one after 7 days, summarised during it.
    s.meeting("a2", "forste_mote", at(9, 4), at(9, 4, 1), status="cancelled")
    a2_first = s.meeting("a2", "forste_mote", at(9, 10), at(9, 10, 1))
    s.audit("a2", "summary_posted", at(9, 10, 0.5), number=a2_first)
    # a3: first meeting planned 30 days after creation, in October.
    s.meeting("a3", "forste_mote", at(10, 10, 12), at(10, 10, 13))
    # a0 (made in August): its meeting's summary entry names another meeting.
    s.meeting("a0", "forste_mote", at(9, 15, 10), at(9, 15, 11))
    s.audit("a0", "summary_posted", at(9, 15, 12), number=2)
    # a4: an entry without a number still counts by room and time.
    s.meeting("a4", "forberedelse", at(9, 12, 10), at(9, 12, 11))
    s.audit("a4", "summary_posted", at(9, 12, 15))
    # a5: ended on the last evening, summarised the next morning (after the period).
    a5_meeting = s.meeting("a5", "forberedelse", at(9, 30, 22), at(9, 30, 23))
    s.audit("a5", "summary_posted", at(10, 1, 9), number=a5_meeting)
    # a6: ended on the last evening, no summary yet (the entry the day before is older).
    s.meeting("a6", "forberedelse", at(9, 30, 20), at(9, 30, 21))
    s.audit("a6", "summary_posted", at(9, 29))
    # b1: first meeting a day after creation, summarised.
    b1_first = s.meeting("b1", "forste_mote", at(9, 5), at(9, 5, 1))
    s.audit("b1", "summary_posted", at(9, 5, 2), number=b1_first)

    # Varsler.
    for name, channel, status, when in [
        ("a1", "app", "sent", at(9, 2)),
        ("a1", "app", "sent", at(9, 3)),
        ("a2", "app", "delivered", at(9, 5)),
        ("a1", "sms", "delivered", at(9, 3)),
        ("a1", "sms", "failed", at(9, 4)),
        ("a2", "epost", "dead", at(9, 5)),
        ("a2", "sms", "pending", at(9, 30)),
        ("a1", "app", "sent", at(8, 30)),
        ("b1", "app", "sent", at(9, 6)),
        ("b1", "sms", "failed", at(9, 6)),
        (None, "epost", "sent", at(9, 7)),  # a calendar e-mail: no room
    ]:
        s.varsel(name, channel, status, when)
    return s


def as_dict(figures: list[Figure]) -> dict[str, tuple[float | int | None, int]]:
    assert [f.key for f in figures] == KEYS
    return {f.key: (f.value, f.count) for f in figures}


@pytest.fixture
async def seeded(db: Database) -> Database:
    await seed_two_orgs(db).write()
    return db


async def test_askoy_figures_rest_only_on_askoys_rooms(seeded: Database) -> None:
    figures = as_dict(await usage_figures(seeded, "askoy", SEPTEMBER, exclude_senders=[BOT]))

    assert figures == {
        "rooms_created": (6, 6),
        "rooms_active": (3, 3),
        "median_hours_proposal_to_approval": (pytest.approx(7.0), 3),
        "median_days_room_to_first_meeting": (pytest.approx(7.0), 3),
        "share_summary_within_24h": (pytest.approx(50.0), 6),
        "messages_per_room_per_week": (pytest.approx(6 / 3 / WEEKS), 3),
        "varsler_sent_app": (3, 3),
        "varsler_sent_sms": (1, 1),
        "varsler_sent_epost": (0, 0),
        "varsler_failed": (2, 2),
    }


async def test_dps_figures_do_not_include_askoys_rooms(seeded: Database) -> None:
    figures = as_dict(await usage_figures(seeded, "dps", SEPTEMBER, exclude_senders=[BOT]))

    assert figures == {
        "rooms_created": (2, 2),
        "rooms_active": (1, 1),
        "median_hours_proposal_to_approval": (pytest.approx(1.0), 1),
        "median_days_room_to_first_meeting": (pytest.approx(1.0), 1),
        "share_summary_within_24h": (pytest.approx(100.0), 1),
        "messages_per_room_per_week": (pytest.approx(4 / WEEKS), 1),
        "varsler_sent_app": (1, 1),
        "varsler_sent_sms": (0, 0),
        "varsler_sent_epost": (0, 0),
        "varsler_failed": (1, 1),
    }


async def test_no_org_aggregates_every_room_and_every_varsel(seeded: Database) -> None:
    figures = as_dict(await usage_figures(seeded, None, SEPTEMBER, exclude_senders=[BOT]))

    assert figures == {
        "rooms_created": (9, 9),  # 6 Askøy + 2 DPS + the room whose creator has no account
        "rooms_active": (4, 4),
        "median_hours_proposal_to_approval": (pytest.approx(4.0), 4),  # 1, 2, 4, 10, 12
        "median_days_room_to_first_meeting": (pytest.approx(5.0), 4),  # 1, 3, 7, 30
        "share_summary_within_24h": (pytest.approx(500 / 9), 7),
        "messages_per_room_per_week": (pytest.approx(10 / 4 / WEEKS), 4),
        "varsler_sent_app": (4, 4),
        "varsler_sent_sms": (1, 1),
        "varsler_sent_epost": (1, 1),  # the calendar e-mail belongs to no organisation
        "varsler_failed": (3, 3),
    }


async def test_an_org_without_rooms_gets_zeros_and_nothing_to_measure(seeded: Database) -> None:
    figures = await usage_figures(seeded, "nav", SEPTEMBER)

    assert as_dict(figures) == {
        "rooms_created": (0, 0),
        "rooms_active": (0, 0),
        "median_hours_proposal_to_approval": (None, 0),
        "median_days_room_to_first_meeting": (None, 0),
        "share_summary_within_24h": (None, 0),
        "messages_per_room_per_week": (None, 0),
        "varsler_sent_app": (0, 0),
        "varsler_sent_sms": (0, 0),
        "varsler_sent_epost": (0, 0),
        "varsler_failed": (0, 0),
    }
    assert {shown(f) for f in figures} == {"<5"}


async def test_the_bots_own_messages_count_unless_excluded(seeded: Database) -> None:
    figures = as_dict(await usage_figures(seeded, "askoy", SEPTEMBER))

    assert figures["rooms_active"] == (4, 4)
    assert figures["messages_per_room_per_week"] == (pytest.approx(7 / 4 / WEEKS), 4)


async def test_a_summary_window_still_open_at_now_is_left_out(seeded: Database) -> None:
    # At midnight on 1 October, a6's meeting (ended 21:00) may still get its summary.
    figures = as_dict(await usage_figures(seeded, "askoy", SEPTEMBER, now_ms=at(10, 1)))

    assert figures["share_summary_within_24h"] == (pytest.approx(400 / 7), 5)


async def test_the_askoy_report_as_a_person_sees_it(seeded: Database) -> None:
    figures = await usage_figures(seeded, "askoy", SEPTEMBER, exclude_senders=[BOT])

    assert [shown(f) for f in figures] == [
        "6", "<5", "<5", "<5", "50", "<5", "<5", "<5", "<5", "<5"
    ]  # fmt: skip


async def test_an_empty_database_gives_every_figure(db: Database) -> None:
    figures = await usage_figures(db, None, SEPTEMBER)

    assert [f.key for f in figures] == KEYS
    assert all(f.count == 0 for f in figures)
