from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from samsnakk_bot.store import Database


async def test_sqlite_uses_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'sub' / 'dir' / 'x.db'}")
    try:
        async with db.engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar_one()
            fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar_one()
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar_one()
    finally:
        await db.close()

    assert (mode, fks, busy) == ("wal", 1, 5000)
    assert (tmp_path / "sub" / "dir" / "x.db").exists()


async def test_in_memory_sqlite_keeps_its_schema_across_sessions() -> None:
    db = Database("sqlite+aiosqlite://")
    try:
        await db.upgrade()
        async with db.session() as session:
            count = (await session.execute(text("SELECT count(*) FROM accounts"))).scalar_one()
    finally:
        await db.close()

    assert count == 0
