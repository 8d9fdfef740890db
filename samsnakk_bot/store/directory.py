"""The staff directory (katalog). E-mail and phone are AES-GCM at field level, bound to their row.

Search is a LIKE on the pre-folded ``search_text`` to narrow the rows, then
:func:`samsnakk_bot.domain.directory.matches` for every term. Sorting is done here in Python
with a Norwegian key, because SQLite and PostgreSQL collate ``Ø`` and ``Å`` differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, or_, select, update

from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.crypto.labels import directory_aad
from samsnakk_bot.domain.directory import EntryIn, matches, search_terms, sort_key
from samsnakk_bot.domain.records import DirectoryEntry
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import DirectoryEntryRow

_entries = table_of(DirectoryEntryRow)


class DirectoryRepo:
    def __init__(self, db: Database, cipher: FieldCipher) -> None:
        self._db = db
        self._cipher = cipher

    def _values(self, entry: EntryIn, by: str, now_ms: int) -> dict[str, Any]:
        def enc(field: str, value: str | None) -> bytes | None:
            if value is None:
                return None
            return self._cipher.encrypt_text(value, directory_aad(field, entry.user_id))

        return {
            "user_id": entry.user_id,
            "name": entry.name,
            "org_id": entry.org_id,
            "unit": entry.unit,
            "role": entry.role,
            "help_text": entry.help_text,
            "email_enc": enc("email", entry.email),
            "phone_enc": enc("phone", entry.phone),
            "active": True,
            "search_text": entry.search_text,
            "updated_ms": now_ms,
            "updated_by": by,
        }

    def _upsert_stmt(self) -> Any:
        stmt = upsert_insert(self._db, _entries)
        return stmt.on_conflict_do_update(
            index_elements=[_entries.c.user_id],
            set_={c.name: stmt.excluded[c.name] for c in _entries.c if c.name != "user_id"},
        )

    def _entry(self, row: Row[Any]) -> DirectoryEntry:
        m = row._mapping

        def dec(field: str, blob: bytes | None) -> str | None:
            return (
                None
                if blob is None
                else self._cipher.decrypt_text(blob, directory_aad(field, m.user_id))
            )

        return DirectoryEntry(
            user_id=m.user_id,
            name=m.name,
            org_id=m.org_id,
            unit=m.unit,
            role=m.role,
            help_text=m.help_text,
            email=dec("email", m.email_enc),
            phone=dec("phone", m.phone_enc),
            active=m.active,
            updated_ms=m.updated_ms,
            updated_by=m.updated_by,
        )

    async def upsert(self, entry: EntryIn, by: str, now_ms: int) -> bool:
        """Add or replace the entry, active again if it was not; True when it is new."""
        async with self._db.engine.begin() as conn:
            existed = await conn.scalar(
                select(_entries.c.user_id).where(_entries.c.user_id == entry.user_id)
            )
            await conn.execute(self._upsert_stmt(), [self._values(entry, by, now_ms)])
        return existed is None

    async def import_entries(self, entries: Sequence[EntryIn], by: str, now_ms: int) -> int:
        """Add or replace every entry in one transaction: all of them, or none on any error."""
        ids = [e.user_id for e in entries]
        if len(set(ids)) != len(ids):
            raise ValueError("entries to import must have distinct user IDs")
        if not entries:
            return 0
        rows = [self._values(e, by, now_ms) for e in entries]
        async with self._db.engine.begin() as conn:
            await conn.execute(self._upsert_stmt(), rows)
        return len(rows)

    async def get(self, user_id: str) -> DirectoryEntry | None:
        """The entry, active or not, with e-mail and phone decrypted."""
        async with self._db.engine.connect() as conn:
            row = (
                await conn.execute(select(_entries).where(_entries.c.user_id == user_id))
            ).first()
        return None if row is None else self._entry(row)

    async def deactivate(self, user_id: str, by: str, now_ms: int) -> bool:
        """Hide the entry from search; False if there is none or it was already inactive."""
        stmt = (
            update(_entries)
            .where(_entries.c.user_id == user_id, _entries.c.active.is_(True))
            .values(active=False, updated_ms=now_ms, updated_by=by)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def search(self, query: str, limit: int = 10) -> list[DirectoryEntry]:
        """Active entries whose search text has a word starting with each word of the query.

        A query with no words finds nothing. Ordered by name (Norwegian order), at most
        ``limit``.
        """
        terms = search_terms(query)
        if not terms or limit <= 0:
            return []
        # The longest term narrows the rows most; LIKE needs a word start: line start or space.
        term = max(terms, key=len)
        stmt = select(_entries).where(
            _entries.c.active.is_(True),
            or_(
                _entries.c.search_text.startswith(term, autoescape=True),
                _entries.c.search_text.contains(f" {term}", autoescape=True),
            ),
        )
        async with self._db.engine.connect() as conn:
            rows = [r for r in await conn.execute(stmt) if matches(r.search_text, terms)]
        rows.sort(key=lambda r: (sort_key(r.name), r.user_id))
        return [self._entry(r) for r in rows[:limit]]

    async def by_org(self, org_id: str, include_inactive: bool = False) -> list[DirectoryEntry]:
        """The organisation's entries, ordered by name (Norwegian order)."""
        stmt = select(_entries).where(_entries.c.org_id == org_id)
        if not include_inactive:
            stmt = stmt.where(_entries.c.active.is_(True))
        async with self._db.engine.connect() as conn:
            rows = list(await conn.execute(stmt))
        rows.sort(key=lambda r: (sort_key(r.name), r.user_id))
        return [self._entry(r) for r in rows]
