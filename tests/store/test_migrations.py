from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from samsnakk_bot.store import Database, alembic_config
from samsnakk_bot.store.database import HEAD_REVISION
from samsnakk_bot.store.models import Base


async def test_fresh_database_is_migrated_to_head(db: Database) -> None:
    assert await db.current_revision() == Database.head_revision()
    tables = await _table_names(db)
    assert {"inbox_events", "accounts", "rooms", "bot_secrets", "brukerrom", "audit_log"} <= tables


async def _table_names(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_database_without_schema_has_no_revision(empty_db: Database) -> None:
    assert await empty_db.current_revision() is None


async def test_upgrade_twice_is_harmless(db: Database) -> None:
    await db.upgrade()

    assert await db.current_revision() == Database.head_revision()


def test_the_start_knows_the_newest_migration() -> None:
    """A new migration without HEAD_REVISION moved with it would be skipped at start."""
    assert HEAD_REVISION == Database.head_revision()


async def test_stored_revision_reads_what_alembic_wrote(db: Database) -> None:
    assert await db.stored_revision() == await db.current_revision() == HEAD_REVISION


async def test_a_new_database_has_no_stored_revision(empty_db: Database) -> None:
    assert await empty_db.stored_revision() is None


def _downgrade_one(connection: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, "-1")


async def test_a_database_behind_head_is_still_migrated(db: Database) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(_downgrade_one)
    assert await db.stored_revision() != HEAD_REVISION

    await db.upgrade()

    assert await db.current_revision() == HEAD_REVISION


def test_a_start_at_head_does_not_load_alembic(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'at_head.db'}"
    script = (
        "import asyncio, sys\n"
        "from samsnakk_bot.store import Database\n"
        f"db = Database({url!r})\n"
        "asyncio.run(db.upgrade())\n"
        "first = 'alembic' in sys.modules\n"
        "for name in [m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')]:\n"
        "    del sys.modules[name]\n"
        "asyncio.run(db.upgrade())\n"
        "print(first, 'alembic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()

    assert out == ["True", "False"]


def _diff(connection: Connection) -> list[Any]:
    ctx = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(ctx, Base.metadata))


async def test_models_match_migrations(db: Database) -> None:
    """A model change without a matching Alembic revision fails here."""
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(_diff)

    assert diff == []


def _downgrade_to_base(connection: Connection) -> list[str]:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.downgrade(cfg, "base")
    return inspect(connection).get_table_names()


async def test_downgrade_to_base_removes_every_table(db: Database) -> None:
    async with db.engine.begin() as conn:
        tables = await conn.run_sync(_downgrade_to_base)

    assert tables == ["alembic_version"]
    assert await db.current_revision() is None


def test_alembic_cli_style_upgrade_creates_schema_from_url(tmp_path: Path) -> None:
    """env.py without an injected connection, as `alembic upgrade head` runs it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"

    command.upgrade(alembic_config(url), "head")

    with sqlite3.connect(tmp_path / "cli.db") as conn:
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert version == Database.head_revision()
    assert {"inbox_events", "accounts", "rooms", "bot_secrets"} <= tables


def test_offline_mode_renders_postgresql_ddl() -> None:
    cfg = alembic_config("postgresql+asyncpg://u:p%40ss@db.invalid/samsnakk")
    cfg.output_buffer = io.StringIO()

    command.upgrade(cfg, "head", sql=True)

    sql = cfg.output_buffer.getvalue()
    assert "CREATE TABLE inbox_events" in sql
    assert "BIGSERIAL" in sql
    assert "WHERE processed_ms IS NULL" in sql
