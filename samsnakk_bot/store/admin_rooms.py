"""Which room is which organisation's admin room."""

from __future__ import annotations

from sqlalchemy import select

from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import AdminRoomRow

_admin = table_of(AdminRoomRow)


class AdminRoomRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, org_id: str, room_id: str, now_ms: int) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                _admin.insert().values(org_id=org_id, room_id=room_id, created_ms=now_ms)
            )

    async def room_for(self, org_id: str) -> str | None:
        stmt = select(_admin.c.room_id).where(_admin.c.org_id == org_id)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else str(row.room_id)

    async def org_of(self, room_id: str) -> str | None:
        stmt = select(_admin.c.org_id).where(_admin.c.room_id == room_id)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else str(row.org_id)

    async def all_rooms(self) -> list[str]:
        """Every admin room, oldest first."""
        stmt = select(_admin.c.room_id).order_by(_admin.c.created_ms, _admin.c.room_id)
        async with self._db.engine.connect() as conn:
            return [str(r.room_id) for r in await conn.execute(stmt)]
