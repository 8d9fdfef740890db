"""Meetings, their participants' answers, agenda items and oppskrift checklist."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from samsnakk_bot.domain.records import AgendaItem, Answer, Meeting
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import (
    AgendaItemRow,
    ChecklistRow,
    MeetingParticipantRow,
    MeetingRow,
)

_meetings = table_of(MeetingRow)
_people = table_of(MeetingParticipantRow)
_agenda = table_of(AgendaItemRow)
_checklist = table_of(ChecklistRow)

# The one-off jobs, by the column that records they have run.
JOB_COLUMNS = (
    "reminded_first_ms",
    "reminded_second_ms",
    "unconfirmed_ms",
    "summary_asked_ms",
    "summary_nudged_ms",
)


class MeetingRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        room_id: str,
        kind: str,
        start_ms: int,
        end_ms: int,
        place_enc: bytes | None,
        responsible: str,
        created_by: str,
        participants: list[str],
        now_ms: int,
    ) -> Meeting:
        async with self._db.engine.begin() as conn:
            last = await conn.scalar(
                select(func.max(_meetings.c.number)).where(_meetings.c.room_id == room_id)
            )
            result = await conn.execute(
                _meetings.insert().values(
                    room_id=room_id,
                    number=int(last or 0) + 1,
                    kind=kind,
                    status="planned",
                    start_ms=start_ms,
                    end_ms=end_ms,
                    place_enc=place_enc,
                    responsible=responsible,
                    created_by=created_by,
                    created_ms=now_ms,
                    sequence=0,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            meeting_id = int(key[0])
            await conn.execute(
                _people.insert(), [{"meeting_id": meeting_id, "user_id": u} for u in participants]
            )
            row = (await conn.execute(select(_meetings).where(_meetings.c.id == meeting_id))).one()
        return Meeting(**row._mapping)

    async def get(self, room_id: str, number: int) -> Meeting | None:
        stmt = select(_meetings).where(_meetings.c.room_id == room_id, _meetings.c.number == number)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else Meeting(**row._mapping)

    async def by_id(self, meeting_id: int) -> Meeting | None:
        async with self._db.engine.connect() as conn:
            row = (
                await conn.execute(select(_meetings).where(_meetings.c.id == meeting_id))
            ).first()
        return None if row is None else Meeting(**row._mapping)

    async def in_room(self, room_id: str, from_ms: int | None = None) -> list[Meeting]:
        stmt = select(_meetings).where(
            _meetings.c.room_id == room_id, _meetings.c.status == "planned"
        )
        if from_ms is not None:
            stmt = stmt.where(_meetings.c.end_ms >= from_ms)
        async with self._db.engine.connect() as conn:
            rows = await conn.execute(stmt.order_by(_meetings.c.start_ms))
            return [Meeting(**r._mapping) for r in rows]

    async def planned(self) -> list[Meeting]:
        stmt = select(_meetings).where(_meetings.c.status == "planned")
        async with self._db.engine.connect() as conn:
            return [Meeting(**r._mapping) for r in await conn.execute(stmt)]

    async def for_person(self, user_id: str, from_ms: int) -> list[Meeting]:
        stmt = (
            select(_meetings)
            .join(_people, _people.c.meeting_id == _meetings.c.id)
            .where(
                _people.c.user_id == user_id,
                _meetings.c.status == "planned",
                _meetings.c.end_ms >= from_ms,
            )
            .order_by(_meetings.c.start_ms)
        )
        async with self._db.engine.connect() as conn:
            return [Meeting(**r._mapping) for r in await conn.execute(stmt)]

    async def move(self, meeting_id: int, start_ms: int, end_ms: int) -> None:
        """New time: answers and one-off reminders start over, the calendar sequence goes up."""
        async with self._db.engine.begin() as conn:
            await conn.execute(
                update(_meetings)
                .where(_meetings.c.id == meeting_id)
                .values(
                    start_ms=start_ms,
                    end_ms=end_ms,
                    sequence=_meetings.c.sequence + 1,
                    **dict.fromkeys(JOB_COLUMNS[:3]),
                )
            )
            await conn.execute(
                update(_people)
                .where(_people.c.meeting_id == meeting_id)
                .values(answer=None, proposal_enc=None, answered_ms=None)
            )

    async def set_responsible(self, meeting_id: int, user_id: str) -> None:
        stmt = update(_meetings).where(_meetings.c.id == meeting_id).values(responsible=user_id)
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def cancel(self, meeting_id: int) -> bool:
        stmt = (
            update(_meetings)
            .where(_meetings.c.id == meeting_id, _meetings.c.status == "planned")
            .values(status="cancelled", sequence=_meetings.c.sequence + 1)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def mark_job(self, meeting_id: int, column: str, now_ms: int) -> bool:
        """Record that a one-off job ran; False if it already had (so it never runs twice)."""
        assert column in JOB_COLUMNS
        col = _meetings.c[column]
        stmt = (
            update(_meetings)
            .where(_meetings.c.id == meeting_id, col.is_(None))
            .values({column: now_ms})
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def set_summary(self, meeting_id: int, event_id: str, text_enc: bytes) -> None:
        stmt = (
            update(_meetings)
            .where(_meetings.c.id == meeting_id)
            .values(summary_event_id=event_id, summary_enc=text_enc)
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    # -- answers ---------------------------------------------------------------------

    async def answers(self, meeting_id: int) -> list[Answer]:
        stmt = select(_people).where(_people.c.meeting_id == meeting_id)
        async with self._db.engine.connect() as conn:
            return [
                Answer(r.user_id, r.answer, r.proposal_enc, r.answered_ms)
                for r in await conn.execute(stmt)
            ]

    async def answer(
        self, meeting_id: int, user_id: str, answer: str, proposal_enc: bytes | None, now_ms: int
    ) -> bool:
        stmt = (
            update(_people)
            .where(_people.c.meeting_id == meeting_id, _people.c.user_id == user_id)
            .values(answer=answer, proposal_enc=proposal_enc, answered_ms=now_ms)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    # -- agenda and checklist --------------------------------------------------------

    async def add_agenda(
        self, meeting_id: int, author: str, avoid: bool, text_enc: bytes, now_ms: int
    ) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                _agenda.insert().values(
                    meeting_id=meeting_id,
                    author=author,
                    avoid=avoid,
                    text_enc=text_enc,
                    created_ms=now_ms,
                )
            )

    async def agenda(self, meeting_id: int) -> list[AgendaItem]:
        stmt = select(_agenda).where(_agenda.c.meeting_id == meeting_id).order_by(_agenda.c.id)
        async with self._db.engine.connect() as conn:
            return [
                AgendaItem(r.id, r.author, bool(r.avoid), r.text_enc, r.created_ms)
                for r in await conn.execute(stmt)
            ]

    async def tick(self, meeting_id: int, step: str, by: str, now_ms: int) -> None:
        stmt = upsert_insert(self._db, _checklist).values(
            meeting_id=meeting_id, step=step, done_by=by, done_ms=now_ms
        )
        stmt = stmt.on_conflict_do_nothing(
            index_elements=[_checklist.c.meeting_id, _checklist.c.step]
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def untick(self, meeting_id: int, step: str) -> None:
        stmt = delete(_checklist).where(
            _checklist.c.meeting_id == meeting_id, _checklist.c.step == step
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def checklist(self, meeting_id: int) -> dict[str, int]:
        stmt = select(_checklist.c.step, _checklist.c.done_ms).where(
            _checklist.c.meeting_id == meeting_id
        )
        async with self._db.engine.connect() as conn:
            return {r.step: int(r.done_ms) for r in await conn.execute(stmt)}
