"""``samsnakk audit verify``: exit 0 on an intact chain, 1 naming the first bad entry."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from config_files import write_config as write_config_file

from samsnakk_bot.store import Database
from samsnakk_bot.store.audit import AuditLog, chain_key_from

FIELD_KEY = b"k" * 32


def write_config(tmp_path: Path, db_file: Path) -> Path:
    return write_config_file(
        tmp_path / "samsnakk.yaml", FIELD_KEY, database={"url": f"sqlite+aiosqlite:///{db_file}"}
    )


def audit_verify(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samsnakk_bot.cli", "audit", "verify", "--config", str(config)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )


async def make_log(db_file: Path, entries: int) -> None:
    db = Database(f"sqlite+aiosqlite:///{db_file}")
    try:
        await db.upgrade()
        log = AuditLog(db, chain_key_from(FIELD_KEY))
        for i in range(entries):
            await log.append(ts_ms=i, actor="@a:hs.test", action="joined", room_id="!r:hs.test")
    finally:
        await db.close()


async def test_verify_passes_then_names_the_tampered_entry(tmp_path: Path) -> None:
    db_file = tmp_path / "samsnakk.db"
    await make_log(db_file, 3)
    config = write_config(tmp_path, db_file)

    ok = audit_verify(config)
    assert (ok.returncode, ok.stdout.strip()) == (0, "OK: 3 entries verified")

    with closing(sqlite3.connect(db_file)) as conn, conn:
        conn.execute("UPDATE audit_log SET actor = '@mallory:hs.test' WHERE id = 2")
    bad = audit_verify(config)

    assert bad.returncode == 1
    assert bad.stderr.startswith("FEIL/ERROR: entry #2: hash mismatch")
    assert "Traceback" not in bad.stderr


async def test_empty_initialised_log_verifies(tmp_path: Path) -> None:
    db_file = tmp_path / "samsnakk.db"
    await make_log(db_file, 0)

    result = audit_verify(write_config(tmp_path, db_file))

    assert (result.returncode, result.stdout.strip()) == (0, "OK: 0 entries verified")


def test_missing_database_is_reported_and_not_created(tmp_path: Path) -> None:
    db_file = tmp_path / "absent.db"

    result = audit_verify(write_config(tmp_path, db_file))

    assert result.returncode == 1
    assert "not initialised" in result.stderr and "samsnakk db upgrade" in result.stderr
    assert not db_file.exists()


def test_database_without_schema_is_reported(tmp_path: Path) -> None:
    db_file = tmp_path / "empty.db"
    sqlite3.connect(db_file).close()

    result = audit_verify(write_config(tmp_path, db_file))

    assert result.returncode == 1
    assert "not initialised" in result.stderr
