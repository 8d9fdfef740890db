"""Opaque, already-encrypted key material for the bot (e.g. cross-signing keys).

The store never sees plaintext: callers encrypt with ``FieldCipher`` before ``put``.
"""

from __future__ import annotations

from sqlalchemy import select

from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import BotSecretRow

_secrets = table_of(BotSecretRow)


class SecretRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, name: str) -> bytes | None:
        stmt = select(_secrets.c.value).where(_secrets.c.name == name)
        async with self._db.engine.connect() as conn:
            value = (await conn.execute(stmt)).scalar_one_or_none()
        return None if value is None else bytes(value)

    async def put(self, name: str, value: bytes, now_ms: int) -> None:
        stmt = upsert_insert(self._db, _secrets).values(name=name, value=value, updated_ms=now_ms)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_secrets.c.name],
            set_={"value": stmt.excluded.value, "updated_ms": stmt.excluded.updated_ms},
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)
