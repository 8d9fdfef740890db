"""PostgreSQL, Redis and nginx for the worker stack, through the project's own scripts.

The scripts (``scripts/start-postgres.sh``, ``start-redis.sh``, ``ensure-nginx.sh``) install
Debian's packages on first use, exactly as ``scripts/test`` does, so that a fresh machine
and CI need nothing by hand. Both servers listen on 127.0.0.1 only, their data in the dev
data directory.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


class BackingError(RuntimeError):
    pass


def _script(name: str, *args: str, env: dict[str, str] | None = None) -> str:
    path = SCRIPTS / name
    if not path.exists():
        raise BackingError(f"{path} is missing: the worker stack runs from a Samsnakk checkout")
    done = subprocess.run(  # noqa: S603 - our own script
        [str(path), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if done.returncode != 0:
        raise BackingError(f"{name} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def _exported(output: str, name: str) -> str:
    match = re.search(rf"^export {name}=(\S+)$", output, re.MULTILINE)
    if match is None:
        raise BackingError(f"no {name} in the script's output")
    return match.group(1)


@dataclass(frozen=True)
class Postgres:
    """A server Synapse's database lives on; ``data_dir`` set if we started it."""

    url: URL
    data_dir: Path | None

    def stop(self) -> None:
        if self.data_dir is not None:
            _script("stop-postgres.sh", str(self.data_dir))


def start_postgres(data_dir: Path, port: int) -> Postgres:
    """Our own cluster in ``data_dir``; left running by whoever started it before us."""
    already = (data_dir / "postmaster.pid").exists()
    if os.geteuid() == 0:
        # The cluster runs as the postgres user, which must get through the dev data
        # directory (0700): let others pass through it, never list it (its files stay 0600).
        data_dir.parent.chmod(0o711)
    out = _script("start-postgres.sh", str(data_dir), env={"PGPORT": str(port)})
    url = make_url(_exported(out, "SAMSNAKK_TEST_PG_URL"))
    return Postgres(url, None if already else data_dir)


def _admin(server: URL, sql: str, *params: str) -> object:
    """One statement on the server's maintenance connection (outside a transaction, which
    CREATE and DROP DATABASE need); returns the first column of the first row, if any."""

    async def run() -> object:
        engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                bound = {f"p{i}": p for i, p in enumerate(params)}
                result = await conn.execute(text(sql), bound)
                return result.scalar() if result.returns_rows else None
        finally:
            await engine.dispose()

    return asyncio.run(run())


def synapse_database(server: URL, name: str) -> None:
    """Create ``name`` as Synapse requires (UTF8, C collation) unless it exists."""
    if _admin(server, "SELECT 1 FROM pg_database WHERE datname = :p0", name) is None:
        _admin(
            server,
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C' LC_CTYPE 'C'",
        )


def drop_database(server: URL, name: str) -> None:
    _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Redis:
    port: int
    data_dir: Path

    def stop(self) -> None:
        _script("stop-redis.sh", str(self.data_dir))


def start_redis(data_dir: Path, port: int) -> Redis:
    out = _script("start-redis.sh", str(data_dir), env={"REDIS_PORT": str(port)})
    return Redis(int(_exported(out, "SAMSNAKK_REDIS_PORT")), data_dir)


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return found
    return _script("ensure-nginx.sh").strip().splitlines()[-1]
