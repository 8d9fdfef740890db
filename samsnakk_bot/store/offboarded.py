"""Who has been offboarded, and each «!rom ny fnr:» lookup for its rate limit."""

from __future__ import annotations

from sqlalchemy import func, select

from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import FnrLookupRow, OffboardedRow

_offboarded = table_of(OffboardedRow)
_lookups = table_of(FnrLookupRow)


class OffboardedRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, user_id: str, org_id: str, by: str, now_ms: int) -> None:
        """Record the offboarding; a repeat keeps the first record."""
        stmt = upsert_insert(self._db, _offboarded).values(
            user_id=user_id, org_id=org_id, offboarded_by=by, offboarded_ms=now_ms
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt.on_conflict_do_nothing(index_elements=[_offboarded.c.user_id]))

    async def is_offboarded(self, user_id: str) -> bool:
        stmt = select(_offboarded.c.user_id).where(_offboarded.c.user_id == user_id)
        async with self._db.engine.connect() as conn:
            return (await conn.execute(stmt)).first() is not None


class FnrLookupRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, user_id: str, now_ms: int) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(_lookups.insert().values(user_id=user_id, attempted_ms=now_ms))

    async def since(self, user_id: str, since_ms: int) -> tuple[int, int | None]:
        """How many lookups since ``since_ms``, and when the oldest of them was."""
        stmt = select(func.count(), func.min(_lookups.c.attempted_ms)).where(
            _lookups.c.user_id == user_id, _lookups.c.attempted_ms >= since_ms
        )
        async with self._db.engine.connect() as conn:
            count, oldest = (await conn.execute(stmt)).one()
        return int(count), (int(oldest) if oldest is not None else None)
