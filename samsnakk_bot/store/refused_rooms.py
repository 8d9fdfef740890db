"""Rooms Samsnakk seals (successors of a foreign tombstone, rooms it upgraded), cached
write-through.

The antispam checks ask about every room on every invite and join, so the short list lives in
memory; only this process writes it.
"""

from __future__ import annotations

from sqlalchemy import select

from samsnakk_bot.domain.records import RefusedReason
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import RefusedRoomRow

_refused = table_of(RefusedRoomRow)
__all__ = ["RefusedReason", "RefusedRoomRepo"]


class RefusedRoomRepo:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._reasons: dict[str, str] | None = None

    async def _load(self) -> dict[str, str]:
        if self._reasons is None:
            async with self._db.engine.connect() as conn:
                rows = await conn.execute(select(_refused.c.room_id, _refused.c.reason))
                self._reasons = {str(r.room_id): str(r.reason) for r in rows}
        return self._reasons

    async def add(
        self,
        room_id: str,
        related: str,
        now_ms: int,
        reason: RefusedReason = "foreign_successor",
    ) -> bool:
        """Seal the room; False if it was already sealed."""
        known = await self._load()
        if room_id in known:
            return False
        stmt = upsert_insert(self._db, _refused).values(
            room_id=room_id, related_room_id=related, reason=reason, refused_ms=now_ms
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt.on_conflict_do_nothing(index_elements=[_refused.c.room_id]))
        known[room_id] = reason
        return True

    async def contains(self, room_id: str) -> bool:
        return room_id in await self._load()

    async def reason(self, room_id: str) -> str | None:
        return (await self._load()).get(room_id)

    async def all(self) -> list[str]:
        return sorted(await self._load())
