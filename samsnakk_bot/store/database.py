"""The async engine, its sessions, and schema migration to Alembic head."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# The newest migration. A start whose database is already here skips Alembic, whose import
# (with mako and pygments) was 0.13-0.16 s of every restart (D178). A test holds this equal to
# Alembic's own head, so a new migration cannot be forgotten here.
HEAD_REVISION = "0014"

# How long a SQLite writer waits for a lock before failing, in ms.
SQLITE_BUSY_TIMEOUT_MS = 5000


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config for our migrations; no alembic.ini is needed at runtime."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # ConfigParser interpolates '%', which URL-encoded passwords contain.
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the worker read while the transaction endpoint writes; SQLite leaves foreign
    # keys off unless asked, per connection.
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


class Database:
    """Owns the engine. Create one per process and ``await close()`` on shutdown."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {}
        if self.dialect == "sqlite":
            in_memory = parsed.database in (None, "", ":memory:")
            if in_memory:
                # Every pooled connection would otherwise get its own empty database.
                kwargs["poolclass"] = StaticPool
            elif parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["pool_pre_ping"] = True
        # Errors must never print bound values: they can be event payloads or personal data.
        self.engine: AsyncEngine = create_async_engine(url, hide_parameters=True, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_on_connect)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> AsyncSession:
        return self._sessions()

    async def upgrade(self) -> None:
        """Migrate the schema to head, inside one connection of our own engine."""
        if await self.stored_revision() == HEAD_REVISION:
            return
        async with self.engine.begin() as conn:
            await conn.run_sync(self._upgrade_sync)

    def _upgrade_sync(self, connection: Connection) -> None:
        from alembic import command

        cfg = alembic_config()
        # env.py uses this connection instead of creating an engine of its own.
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")

    async def current_revision(self) -> str | None:
        async with self.engine.connect() as conn:
            return await conn.run_sync(_current_revision_sync)

    async def stored_revision(self) -> str | None:
        """The revision in ``alembic_version`` read with plain SQL, for the start's cheap check.

        Unlike ``current_revision`` it answers None for any database error, not only a
        missing table: ``upgrade`` then runs Alembic, which reports the real error. The doctor
        keeps ``current_revision``, which tells the two apart.
        """
        try:
            async with self.engine.connect() as conn:
                rows = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
        except DBAPIError:
            return None  # no table yet: a new database
        # More than one row would be several heads; leave that to Alembic.
        return str(rows[0][0]) if len(rows) == 1 else None

    @staticmethod
    def head_revision() -> str:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        if head is None:
            raise RuntimeError(f"no Alembic revisions found in {MIGRATIONS_DIR}")
        return head

    async def close(self) -> None:
        await self.engine.dispose()


def _current_revision_sync(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
