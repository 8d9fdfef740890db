"""Which room is which organisation's admin room.

The antispam checks ask about every room on every invite and join, so the few rows are cached
write-through; only this process writes them.
"""

from __future__ import annotations

from sqlalchemy import select

from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import AdminRoomRow

_admin = table_of(AdminRoomRow)


class AdminRoomRepo:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._org_by_room: dict[str, str] | None = None

    async def _load(self) -> dict[str, str]:
        if self._org_by_room is None:
            async with self._db.engine.connect() as conn:
                rows = await conn.execute(select(_admin.c.room_id, _admin.c.org_id))
                self._org_by_room = {str(r.room_id): str(r.org_id) for r in rows}
        return self._org_by_room

    async def add(self, org_id: str, room_id: str, now_ms: int) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                _admin.insert().values(org_id=org_id, room_id=room_id, created_ms=now_ms)
            )
        (await self._load())[room_id] = org_id

    async def room_for(self, org_id: str) -> str | None:
        return next((r for r, o in (await self._load()).items() if o == org_id), None)

    async def org_of(self, room_id: str) -> str | None:
        return (await self._load()).get(room_id)

    async def all_rooms(self) -> list[str]:
        """Every admin room, oldest first."""
        stmt = select(_admin.c.room_id).order_by(_admin.c.created_ms, _admin.c.room_id)
        async with self._db.engine.connect() as conn:
            return [str(r.room_id) for r in await conn.execute(stmt)]

    async def all(self) -> dict[str, str]:
        """Room ID to organisation ID, for every admin room."""
        return dict(await self._load())
