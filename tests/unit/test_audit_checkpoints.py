"""Audit truncation is found: checkpoints outside the database, and ``samsnakk audit verify``.

The log is written by the real ``AuditLog`` and ``AuditCheckpoints`` (file sink, no admin
rooms here: tests/integration/test_audit_checkpoint_message.py covers the Matrix side), the
rows are cut off with SQL as an attacker with database access would, and the verdict comes
from the CLI entry point in a child process.
"""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from config_files import FIELD_KEY, write_config

from samsnakk_bot.domain.audit_checkpoints import Checkpoint, due, find_gap
from samsnakk_bot.services.audit_checkpoints import AuditCheckpoints
from samsnakk_bot.store import Database
from samsnakk_bot.store.admin_rooms import AdminRoomRepo
from samsnakk_bot.store.audit import AuditLog, chain_key_from
from samsnakk_bot.store.checkpoint_file import CheckpointFile
from samsnakk_bot.tasks import TaskGroup

EVERY = 10


def _config(tmp_path: Path, db_file: Path, checkpoints: Path | None) -> Path:
    audit = {"checkpoint_every": EVERY}
    if checkpoints is not None:
        audit["checkpoint_file"] = str(checkpoints)  # type: ignore[assignment]
    return write_config(
        tmp_path / "samsnakk.yaml",
        FIELD_KEY,
        database={"url": f"sqlite+aiosqlite:///{db_file}"},
        audit=audit,
    )


def _verify(config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "samsnakk_bot.cli",
            "audit",
            "verify",
            "--config",
            str(config),
            *extra,
        ],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )


async def _run_bot(db_file: Path, checkpoints: Path, entries: int) -> None:
    """One life of the bot: start, append ``entries`` audit rows, stop."""
    db = Database(f"sqlite+aiosqlite:///{db_file}")
    tasks = TaskGroup()
    try:
        await db.upgrade()
        log = AuditLog(db, chain_key_from(FIELD_KEY))

        async def no_say(room_id: str, reply: object) -> str:
            raise AssertionError("no admin rooms here")

        service = AuditCheckpoints(
            log,
            EVERY,
            CheckpointFile(checkpoints),
            AdminRoomRepo(db),
            no_say,
            lambda: 0,
            tasks,
            actor="@samsnakk:hs.test",
        )
        await service.start()
        for i in range(entries):
            await log.append(ts_ms=i, actor="@a:hs.test", action="joined", room_id="!r:hs.test")
        await service.stop()
        await tasks.stop()
    finally:
        await db.close()


def _hash_of(db_file: Path, seq: int) -> str:
    with closing(sqlite3.connect(db_file)) as conn:
        return str(conn.execute("SELECT hash FROM audit_log WHERE id = ?", (seq,)).fetchone()[0])


def _truncate_after(db_file: Path, last_kept: int) -> None:
    with closing(sqlite3.connect(db_file)) as conn, conn:
        conn.execute("DELETE FROM audit_log WHERE id > ?", (last_kept,))


async def test_cut_off_rows_are_named_even_after_the_bot_appends_again(tmp_path: Path) -> None:
    db_file, checkpoints = tmp_path / "samsnakk.db", tmp_path / "audit-checkpoints"
    config = _config(tmp_path, db_file, checkpoints)
    await _run_bot(db_file, checkpoints, 57)
    head = _hash_of(db_file, 57)

    ok = _verify(config)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("OK: 57 entries verified; 6 checkpoints held")
    assert stat.S_IMODE(checkpoints.stat().st_mode) == 0o600

    _truncate_after(db_file, 40)
    cut = _verify(config)
    assert cut.returncode == 1
    assert cut.stderr.strip() == (
        f"FEIL/ERROR: rows 41–57 are missing or were replaced: the checkpoint at seq 57 has "
        f"hash {head}, but the database ends at 40"
    )

    # The bot appends again: the chain alone is valid once more, the checkpoints are not.
    # (At start-up it records the gap it found, as row 41; then 42-46.)
    await _run_bot(db_file, checkpoints, 5)
    healed = _verify(config)
    assert healed.returncode == 1
    assert "rows 41–57 are missing or were replaced" in healed.stderr
    assert f"the checkpoint at seq 57 has hash {head}, but the database ends at 46" in (
        healed.stderr
    )
    assert "Traceback" not in healed.stderr


async def test_rows_written_over_past_the_checkpoint_show_the_differing_hash(
    tmp_path: Path,
) -> None:
    db_file, checkpoints = tmp_path / "samsnakk.db", tmp_path / "audit-checkpoints"
    config = _config(tmp_path, db_file, checkpoints)
    await _run_bot(db_file, checkpoints, 57)
    head = _hash_of(db_file, 57)
    _truncate_after(db_file, 40)
    await _run_bot(db_file, checkpoints, 20)  # ids 41-60, with new hashes

    result = _verify(config)

    assert result.returncode == 1
    assert (
        f"rows 41–57 are missing or were replaced: the checkpoint at seq 57 has hash {head}, "
        f"but the database's row 57 has hash {_hash_of(db_file, 57)}"
    ) in result.stderr


async def test_an_admin_room_checkpoint_alone_finds_the_cut_when_the_file_is_gone(
    tmp_path: Path,
) -> None:
    db_file, checkpoints = tmp_path / "samsnakk.db", tmp_path / "audit-checkpoints"
    await _run_bot(db_file, checkpoints, 30)
    head = _hash_of(db_file, 30)
    _truncate_after(db_file, 24)
    checkpoints.unlink()

    missing_file = _verify(_config(tmp_path, db_file, checkpoints))
    assert missing_file.returncode == 1
    assert f"the checkpoint file {checkpoints} is missing" in missing_file.stderr

    from_room = _verify(_config(tmp_path, db_file, None), "--checkpoint", f"30:{head}")
    assert from_room.returncode == 1
    # Only one checkpoint is known, so every row after the database's start is in doubt.
    assert "rows 1–30 are missing or were replaced" in from_room.stderr
    assert "the database ends at 24" in from_room.stderr

    typo = _verify(_config(tmp_path, db_file, None), "--checkpoint", "30:xyz")
    assert typo.returncode == 1 and "64 lower-case hex digits" in typo.stderr


async def test_a_pruned_start_is_not_mistaken_for_a_cut(tmp_path: Path) -> None:
    db_file, checkpoints = tmp_path / "samsnakk.db", tmp_path / "audit-checkpoints"
    await _run_bot(db_file, checkpoints, 25)
    db = Database(f"sqlite+aiosqlite:///{db_file}")
    try:
        await AuditLog(db, chain_key_from(FIELD_KEY)).prune(15, "@samsnakk:hs.test", 100)
    finally:
        await db.close()

    result = _verify(_config(tmp_path, db_file, checkpoints))

    assert result.returncode == 0, result.stderr


def test_a_checkpoint_is_due_when_a_batch_crosses_a_multiple() -> None:
    assert due(10, 10, 10) and due(8, 12, 10) and due(1, 30, 10)
    assert not due(11, 19, 10) and not due(1, 9, 10)


def test_the_gap_starts_after_the_last_checkpoint_the_database_still_holds() -> None:
    cps = [Checkpoint(10, "a" * 64), Checkpoint(20, "b" * 64), Checkpoint(30, "c" * 64)]
    assert find_gap(cps, 1, 30, {10: "a" * 64, 20: "b" * 64, 30: "c" * 64}) is None
    gap = find_gap(cps, 1, 22, {10: "a" * 64, 20: "x" * 64})
    assert gap is not None
    assert (gap.first, gap.last, gap.db_last, gap.db_hash) == (11, 30, 22, None)


async def test_the_file_is_owner_only_even_if_it_was_made_readable(tmp_path: Path) -> None:
    path = tmp_path / "cp"
    path.write_text("")
    path.chmod(0o644)
    CheckpointFile(path).ensure()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def _bot_entries(db_file: Path) -> list[tuple[int, str, dict[str, object]]]:
    db = Database(f"sqlite+aiosqlite:///{db_file}")
    try:
        entries = await AuditLog(db, chain_key_from(FIELD_KEY)).for_actor("@samsnakk:hs.test")
        return [(e.id, e.action, e.details) for e in entries]
    finally:
        await db.close()


async def test_the_bot_records_a_cut_it_finds_at_start_up_once(tmp_path: Path) -> None:
    db_file, checkpoints = tmp_path / "samsnakk.db", tmp_path / "audit-checkpoints"
    await _run_bot(db_file, checkpoints, 57)
    _truncate_after(db_file, 40)

    await _run_bot(db_file, checkpoints, 0)
    await _run_bot(db_file, checkpoints, 0)  # the same gap again: not recorded twice

    found = await _bot_entries(db_file)
    assert found == [(41, "audit_gap_found", {"first": 41, "last": 57, "db_last": 40})]
