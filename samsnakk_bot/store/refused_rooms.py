"""Rooms Samsnakk refuses (successors of a foreign tombstone), cached write-through.

The antispam checks ask about every room on every invite and join, so the short list lives in
memory; only this process writes it.
"""

from __future__ import annotations

from sqlalchemy import select

from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import RefusedRoomRow

_refused = table_of(RefusedRoomRow)


class RefusedRoomRepo:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._ids: set[str] | None = None

    async def _load(self) -> set[str]:
        if self._ids is None:
            async with self._db.engine.connect() as conn:
                rows = await conn.execute(select(_refused.c.room_id))
                self._ids = {str(r.room_id) for r in rows}
        return self._ids

    async def add(self, room_id: str, predecessor: str, now_ms: int) -> bool:
        """Record the room; False if it was already refused."""
        ids = await self._load()
        if room_id in ids:
            return False
        stmt = upsert_insert(self._db, _refused).values(
            room_id=room_id, predecessor_room_id=predecessor, refused_ms=now_ms
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt.on_conflict_do_nothing(index_elements=[_refused.c.room_id]))
        ids.add(room_id)
        return True

    async def contains(self, room_id: str) -> bool:
        return room_id in await self._load()

    async def all(self) -> list[str]:
        return sorted(await self._load())
