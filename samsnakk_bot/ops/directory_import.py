"""`samsnakk katalog import FILE`: the whole file into the directory, or nothing at all.

Every problem is printed as ``linje N (felt): problem`` to stderr, and then nothing is written.
A clean file is imported in one transaction, and the import is audited (actor ``cli``, a count).
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from samsnakk_bot.clock import Clock, SystemClock
from samsnakk_bot.config import Config
from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.directory import CsvProblem, EntryIn, decode_csv, parse_csv
from samsnakk_bot.policies import PolicyError, load_policies
from samsnakk_bot.store import Database
from samsnakk_bot.store.audit import AuditLog, chain_key_from
from samsnakk_bot.store.directory import DirectoryRepo

CLI_ACTOR = "cli"
AUDIT_ACTION = "directory_import"
_NOT_UPGRADED = "the database is not up to date; run `samsnakk db upgrade` first"


class _Stop(Exception):
    """Ends the import before anything is written; the message is for the operator."""


def format_problem(p: CsvProblem) -> str:
    return texts.directory_problem(p.field, p.problem, p.detail, p.line)


def _error(message: str) -> int:
    print(f"FEIL/ERROR: {message}", file=sys.stderr)
    return 1


def _read_entries(cfg: Config, path: Path) -> list[EntryIn]:
    """The file's entries; prints its problems and raises _Stop if there is any."""
    try:
        orgs = load_policies(cfg.policies_dir).organisations
    except PolicyError as err:
        raise _Stop(str(err)) from None
    try:
        data = path.read_bytes()
    except OSError as err:
        raise _Stop(f"cannot read {path}: {err.strerror or err}") from None
    text, problems = decode_csv(data)
    entries: list[EntryIn] = []
    if text is not None:
        entries, problems = parse_csv(text, orgs)
    for p in problems:
        print(format_problem(p), file=sys.stderr)
    if problems:
        raise _Stop(f"{len(problems)} problem(s) in {path}; nothing was imported")
    url = make_url(cfg.database.url)
    # Opening a missing SQLite file would create an empty database.
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        raise _Stop(_NOT_UPGRADED)
    return entries


async def import_csv(cfg: Config, path: Path, clock: Clock | None = None) -> int:
    """Exit code 0 after importing every row; 1, with nothing imported, on any problem."""
    try:
        entries = _read_entries(cfg, path)
    except _Stop as stop:
        return _error(str(stop))
    now_ms = (clock or SystemClock()).now_ms()
    db = Database(cfg.database.url)
    try:
        return await _write(db, cfg, entries, now_ms)
    finally:
        await db.close()


async def _write(db: Database, cfg: Config, entries: list[EntryIn], now_ms: int) -> int:
    key = cfg.security.field_key_bytes
    try:
        if await db.current_revision() != Database.head_revision():
            return _error(_NOT_UPGRADED)
        count = await DirectoryRepo(db, FieldCipher(key)).import_entries(entries, CLI_ACTOR, now_ms)
    except (SQLAlchemyError, OSError) as err:
        # The type only: a database error's text may quote the statement.
        return _error(f"could not write the database ({type(err).__name__}); nothing was imported")
    try:
        await AuditLog(db, chain_key_from(key)).append(
            ts_ms=now_ms, actor=CLI_ACTOR, action=AUDIT_ACTION, details={"entries": count}
        )
    except (SQLAlchemyError, OSError) as err:
        return _error(
            f"{count} entries were imported, but auditing it failed ({type(err).__name__})"
        )
    print(f"OK: {count} directory entries imported")
    return 0
