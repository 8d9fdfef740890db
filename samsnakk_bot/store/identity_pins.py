"""Pinned master keys (trust on first use) and unconfirmed changes."""

from __future__ import annotations

from sqlalchemy import select, update

from samsnakk_bot.domain.trust import Pin
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import IdentityPinRow

_pins = table_of(IdentityPinRow)


class IdentityPinRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: str) -> Pin | None:
        stmt = select(_pins.c.master_key, _pins.c.pending_key).where(_pins.c.user_id == user_id)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).one_or_none()
        return None if row is None else Pin(row.master_key, row.pending_key)

    async def pin_first(self, user_id: str, master_key: str, now_ms: int) -> None:
        """Pin a key for someone seen the first time; a concurrent pin wins, never this one."""
        stmt = upsert_insert(self._db, _pins).values(
            user_id=user_id, master_key=master_key, pinned_ms=now_ms
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt.on_conflict_do_nothing(index_elements=[_pins.c.user_id]))

    async def mark_changed(self, user_id: str, new_key: str, now_ms: int) -> bool:
        """Record a new, unconfirmed key; False if it was recorded already."""
        stmt = (
            update(_pins)
            .where(_pins.c.user_id == user_id)
            .where((_pins.c.pending_key.is_(None)) | (_pins.c.pending_key != new_key))
            .values(pending_key=new_key, changed_ms=now_ms)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def confirm(self, user_id: str, new_key: str, now_ms: int) -> bool:
        """The pending key becomes the pinned one, if it is still the one that was shown."""
        stmt = (
            update(_pins)
            .where(_pins.c.user_id == user_id, _pins.c.pending_key == new_key)
            .values(master_key=new_key, pending_key=None, pinned_ms=now_ms)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1
