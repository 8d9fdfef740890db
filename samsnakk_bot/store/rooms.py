"""What the bot knows about each room: its kind, and whether it is end-to-end encrypted."""

from __future__ import annotations

from typing import get_args

from sqlalchemy import select

from samsnakk_bot.domain.records import RoomKind, RoomRecord
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import ROOM_KINDS, RoomRow

assert get_args(RoomKind) == ROOM_KINDS

_rooms = table_of(RoomRow)
__all__ = ["RoomKind", "RoomRecord", "RoomRepo"]


class RoomRepo:
    """Rooms are written only by this process, so reads are served from a write-through cache:
    every command and every guarded send asks, and a DB round trip costs milliseconds."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[str, RoomRecord] = {}

    async def upsert_kind(
        self, room_id: str, kind: RoomKind, dm_user_id: str | None = None, *, now_ms: int
    ) -> None:
        """Record the room's kind (and DM partner); leaves the encryption state alone."""
        if kind not in ROOM_KINDS:
            raise ValueError(f"unknown room kind {kind!r}; use one of: {', '.join(ROOM_KINDS)}")
        stmt = upsert_insert(self._db, _rooms).values(
            room_id=room_id, kind=kind, dm_user_id=dm_user_id, encrypted=False, created_ms=now_ms
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_rooms.c.room_id],
            set_={"kind": stmt.excluded.kind, "dm_user_id": stmt.excluded.dm_user_id},
        )
        self._cache.pop(room_id, None)
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def set_encrypted(self, room_id: str, algorithm: str, now_ms: int) -> None:
        """Mark the room encrypted. Matrix cannot turn encryption off, so there is no unset.

        A room we have not classified yet is recorded with kind "other".
        """
        stmt = upsert_insert(self._db, _rooms).values(
            room_id=room_id,
            kind="other",
            encrypted=True,
            encryption_algorithm=algorithm,
            created_ms=now_ms,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_rooms.c.room_id],
            set_={"encrypted": True, "encryption_algorithm": stmt.excluded.encryption_algorithm},
        )
        self._cache.pop(room_id, None)
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def get(self, room_id: str) -> RoomRecord | None:
        cached = self._cache.get(room_id)
        if cached is not None:
            return cached
        stmt = select(_rooms).where(_rooms.c.room_id == room_id)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).one_or_none()
        if row is None:
            return None  # unknown rooms are not cached: they may be recorded any moment
        record = RoomRecord(**row._mapping)
        self._cache[room_id] = record
        return record

    async def is_encrypted(self, room_id: str) -> bool:
        """False for unknown rooms: the caller must refuse to send, never assume."""
        record = await self.get(room_id)
        return record is not None and record.encrypted

    async def dm_with(self, user_id: str) -> str | None:
        """The bot's direct chat with ``user_id``, newest first, if there is one."""
        stmt = (
            select(_rooms.c.room_id)
            .where(_rooms.c.kind == "dm", _rooms.c.dm_user_id == user_id)
            .order_by(_rooms.c.created_ms.desc())
            .limit(1)
        )
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else str(row.room_id)
