"""Rolling the inbox's message counts up per room and Oslo day, then purging the inbox.

The usage report counts message events per room (``report_queries.py``). Before processed
inbox rows are deleted, the days they fall on are counted into ``message_rollups``, and
``rollup_marks`` records how far: the report reads the rollups before the mark and the inbox
from the mark on, so it gives the same figures before and after a purge. Each day is rolled
up in one transaction with the mark, so a crash between days leaves nothing counted twice.
"""

from __future__ import annotations

from sqlalchemy import Integer, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from samsnakk_bot.domain.records import Purged
from samsnakk_bot.domain.rollups import days_between
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import (
    InboxEventRow,
    MessageRollupRow,
    RollupMarkRow,
)

MESSAGE_EVENT_TYPE = "m.room.encrypted"
MARK = "messages"
DELETE_CHUNK = 5000

_inbox = table_of(InboxEventRow)
_rollups = table_of(MessageRollupRow)
_marks = table_of(RollupMarkRow)


async def rollup_mark(conn: AsyncConnection) -> int:
    """Everything received before this is in ``message_rollups``; 0 before the first rollup."""
    row = (await conn.execute(select(_marks.c.until_ms).where(_marks.c.name == MARK))).first()
    return int(row.until_ms) if row else 0


class InboxRollups:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def roll_up(self, until_ms: int, bot_user_id: str) -> tuple[int, int]:
        """Count the message events of each whole Oslo day before ``until_ms`` (an Oslo
        midnight) not yet rolled up; returns (days, events)."""
        async with self._db.engine.connect() as conn:
            mark = await rollup_mark(conn)
            if mark == 0:
                oldest = (await conn.execute(select(func.min(_inbox.c.received_ms)))).scalar()
                if oldest is None:
                    return 0, 0
                mark = int(oldest)
        days = events = 0
        for day, following in days_between(mark, until_ms):
            events += await self._roll_up_day(day, following, bot_user_id)
            days += 1
        return days, events

    async def _roll_up_day(self, day: int, following: int, bot_user_id: str) -> int:
        is_bot = case((_inbox.c.sender == bot_user_id, 1), else_=0)
        stmt = (
            select(
                _inbox.c.room_id,
                func.count().label("n"),
                func.sum(is_bot).cast(Integer).label("bot"),
            )
            .where(
                _inbox.c.event_type == MESSAGE_EVENT_TYPE,
                _inbox.c.room_id.is_not(None),
                _inbox.c.received_ms >= day,
                _inbox.c.received_ms < following,
            )
            .group_by(_inbox.c.room_id)
        )
        async with self._db.engine.begin() as conn:
            if await rollup_mark(conn) >= following:
                return 0  # another run got here first
            rows = [
                {
                    "room_id": r.room_id,
                    "day_ms": day,
                    "messages": int(r.n) - int(r.bot or 0),
                    "bot_messages": int(r.bot or 0),
                }
                for r in await conn.execute(stmt)
            ]
            if rows:
                insert = upsert_insert(self._db, _rollups)
                await conn.execute(
                    insert.on_conflict_do_update(
                        index_elements=[_rollups.c.room_id, _rollups.c.day_ms],
                        set_={
                            "messages": _rollups.c.messages + insert.excluded.messages,
                            "bot_messages": _rollups.c.bot_messages + insert.excluded.bot_messages,
                        },
                    ),
                    rows,
                )
            mark = upsert_insert(self._db, _marks).values(name=MARK, until_ms=following)
            await conn.execute(
                mark.on_conflict_do_update(
                    index_elements=[_marks.c.name], set_={"until_ms": following}
                )
            )
        return sum(r["messages"] + r["bot_messages"] for r in rows)

    async def purge(self, bot_user_id: str, until_ms: int) -> Purged:
        """Roll up, then delete processed inbox rows received before the mark, in chunks."""
        days, events = await self.roll_up(until_ms, bot_user_id)
        deleted = 0
        while True:
            async with self._db.engine.begin() as conn:
                mark = await rollup_mark(conn)
                ids = select(_inbox.c.id).where(
                    _inbox.c.received_ms < mark,
                    _inbox.c.received_ms < until_ms,
                    _inbox.c.processed_ms.is_not(None),
                )
                chunk = [r.id for r in await conn.execute(ids.limit(DELETE_CHUNK))]
                if not chunk:
                    break
                await conn.execute(delete(_inbox).where(_inbox.c.id.in_(chunk)))
                deleted += len(chunk)
        return Purged(days, events, deleted)
