"""The dialect-specific INSERT, for ON CONFLICT clauses that SQLite and PostgreSQL share."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase

from samsnakk_bot.store.database import Database


def table_of(model: type[DeclarativeBase]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def upsert_insert(db: Database, table: Table) -> sqlite.Insert | postgresql.Insert:
    """``INSERT`` that supports ``on_conflict_do_*`` on our two backends."""
    if db.dialect == "sqlite":
        return sqlite.insert(table)
    if db.dialect == "postgresql":
        return postgresql.insert(table)
    raise ValueError(f"unsupported database dialect {db.dialect!r}; use sqlite or postgresql")
