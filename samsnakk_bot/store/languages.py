"""Each person's chosen written standard («!språk»)."""

from __future__ import annotations

from sqlalchemy import select

from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import PersonLanguageRow

_languages = table_of(PersonLanguageRow)


class LanguageRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: str) -> str | None:
        async with self._db.engine.connect() as conn:
            row = await conn.execute(
                select(_languages.c.language).where(_languages.c.user_id == user_id)
            )
            found = row.scalar_one_or_none()
        return str(found) if found is not None else None

    async def set(self, user_id: str, language: str, now_ms: int) -> None:
        stmt = upsert_insert(self._db, _languages).values(
            user_id=user_id, language=language, updated_ms=now_ms
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_languages.c.user_id],
            set_={"language": language, "updated_ms": now_ms},
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)
