"""The appservice transaction inbox: events are stored first, then processed from here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import TypeVar

from sqlalchemy import delete, func, select, update

from samsnakk_bot.domain.records import InboxEvent, InboxEventIn
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import InboxEventRow

# Rows per statement (8 bind variables each): far below SQLite's bind-variable limit, and keeps
# each round trip to PostgreSQL moderate however large a transaction Synapse sends.
CHUNK_ROWS = 500

_inbox = table_of(InboxEventRow)
_T = TypeVar("_T")


def _chunks(items: Sequence[_T], size: int = CHUNK_ROWS) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class InboxRepo:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._insert = (
            upsert_insert(db, _inbox)
            .on_conflict_do_nothing(index_elements=[_inbox.c.event_id])
            .returning(_inbox.c.id)
        )

    async def add_events(self, txn_id: str, events: Sequence[InboxEventIn]) -> int:
        """Store events not seen before, in one transaction; returns how many were new.

        De-duplicates on event ID, not txnId: Synapse on SQLite restarts txnIds at 1.
        """
        # Within one call the first copy wins; the database handles repeats across calls.
        unique: dict[str, InboxEventIn] = {}
        for ev in events:
            unique.setdefault(ev.event_id, ev)
        rows = [{**asdict(ev), "txn_id": txn_id} for ev in unique.values()]
        if not rows:
            return 0
        inserted = 0
        async with self._db.engine.begin() as conn:
            for chunk in _chunks(rows):
                # RETURNING yields only rows that were inserted, on both backends.
                result = await conn.execute(self._insert, chunk)
                inserted += len(result.all())
        return inserted

    async def fetch_pending(self, limit: int = 100) -> list[InboxEvent]:
        """Unprocessed events, oldest first."""
        stmt = (
            select(
                _inbox.c.id,
                _inbox.c.txn_id,
                _inbox.c.event_id,
                _inbox.c.room_id,
                _inbox.c.event_type,
                _inbox.c.sender,
                _inbox.c.state_key,
                _inbox.c.payload,
                _inbox.c.received_ms,
            )
            .where(_inbox.c.processed_ms.is_(None))
            .order_by(_inbox.c.id)
            .limit(limit)
        )
        async with self._db.engine.connect() as conn:
            result = await conn.execute(stmt)
            return [InboxEvent(**row._mapping) for row in result]

    async def mark_processed(self, ids: Sequence[int], now_ms: int) -> None:
        if not ids:
            return
        async with self._db.engine.begin() as conn:
            for chunk in _chunks(list(ids)):
                await conn.execute(
                    update(_inbox)
                    .where(_inbox.c.id.in_(chunk), _inbox.c.processed_ms.is_(None))
                    .values(processed_ms=now_ms)
                )

    async def count_pending(self) -> int:
        stmt = select(func.count()).select_from(_inbox).where(_inbox.c.processed_ms.is_(None))
        async with self._db.engine.connect() as conn:
            return (await conn.execute(stmt)).scalar_one()

    async def purge_processed(self, older_than_ms: int) -> int:
        """Delete events processed before ``older_than_ms``; returns how many went."""
        stmt = delete(_inbox).where(
            _inbox.c.processed_ms.is_not(None), _inbox.c.processed_ms < older_than_ms
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount
