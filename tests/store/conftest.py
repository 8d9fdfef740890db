"""Store fixtures: every test that takes ``db`` runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``SAMSNAKK_TEST_PG_URL`` (see scripts/start-postgres.sh); each test gets
a database of its own, created here and dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

from samsnakk_bot.store import Database

PG_URL_ENV = "SAMSNAKK_TEST_PG_URL"


def _pg_base_url() -> URL:
    raw = os.environ.get(PG_URL_ENV)
    if not raw:
        message = (
            f"{PG_URL_ENV} is not set. Start PostgreSQL with "
            f'`eval "$(scripts/start-postgres.sh)"` to run the PostgreSQL store tests.'
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must test on PostgreSQL: {message}", pytrace=False)
        pytest.skip(message)
    return make_url(raw)


async def _admin_execute(base: URL, sql: str) -> None:
    # CREATE/DROP DATABASE cannot run in a transaction, so use asyncpg directly.
    conn = await asyncpg.connect(
        host=base.host,
        port=base.port,
        user=base.username,
        password=base.password,
        database="postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def _postgres_db() -> AsyncIterator[Database]:
    base = _pg_base_url()
    name = f"samsnakk_test_{secrets.token_hex(6)}"
    await _admin_execute(base, f'CREATE DATABASE "{name}"')
    db = Database(base.set(database=name).render_as_string(hide_password=False))
    try:
        yield db
    finally:
        await db.close()
        await _admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def _sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'samsnakk.db'}")
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no schema yet."""
    backend = _sqlite_db(tmp_path) if request.param == "sqlite" else _postgres_db()
    async with backend as db:
        yield db


@pytest.fixture
async def db(empty_db: Database) -> Database:
    """A database migrated to head."""
    await empty_db.upgrade()
    return empty_db
