"""Notices the bot owes a room, kept until sent: a crash between the promise and the send
loses none, and the idempotency key (also the Matrix transaction ID) sends none twice."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update

from samsnakk_bot.domain.records import NewRoomNotice, RoomNotice
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import RoomNoticeRow

_notices = table_of(RoomNoticeRow)


class RoomNoticeRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_many(self, notices: Sequence[NewRoomNotice], now_ms: int) -> int:
        """Store them in one transaction; a key already stored is skipped. Returns how many
        were new."""
        if not notices:
            return 0
        rows = [
            {
                "idem_key": n.idem_key,
                "room_id": n.room_id,
                "body": n.body,
                "html": n.html,
                "wait_gone": n.wait_gone,
                "status": "pending",
                "attempts": 0,
                "not_before_ms": now_ms,
                "created_ms": now_ms,
            }
            for n in notices
        ]
        insert = upsert_insert(self._db, _notices).on_conflict_do_nothing(
            index_elements=[_notices.c.idem_key]
        )
        added = 0
        async with self._db.engine.begin() as conn:
            for start in range(0, len(rows), 500):
                result = await conn.execute(
                    insert.returning(_notices.c.id), rows[start : start + 500]
                )
                added += len(result.all())
        return added

    async def due(self, now_ms: int, limit: int = 500) -> list[RoomNotice]:
        """Pending notices whose time has come, oldest first."""
        stmt = (
            select(
                _notices.c.id,
                _notices.c.idem_key,
                _notices.c.room_id,
                _notices.c.body,
                _notices.c.html,
                _notices.c.wait_gone,
                _notices.c.attempts,
            )
            .where(_notices.c.status == "pending", _notices.c.not_before_ms <= now_ms)
            .order_by(_notices.c.id)
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            return [RoomNotice(**r._mapping) for r in await conn.execute(stmt)]

    async def sent(self, notice_id: int, now_ms: int) -> None:
        await self._set(notice_id, status="sent", sent_ms=now_ms)

    async def retry(self, notice_id: int, attempts: int, not_before_ms: int) -> None:
        await self._set(notice_id, attempts=attempts, not_before_ms=not_before_ms)

    async def dead(self, notice_id: int, attempts: int) -> None:
        await self._set(notice_id, status="dead", attempts=attempts)

    async def pending(self) -> int:
        stmt = select(func.count()).where(_notices.c.status == "pending")
        async with self._db.engine.connect() as conn:
            return int((await conn.execute(stmt)).scalar_one())

    async def _set(self, notice_id: int, **values: object) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(update(_notices).where(_notices.c.id == notice_id).values(**values))
