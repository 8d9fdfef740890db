"""``samsnakk audit verify``: the hash chain, then the checkpoints kept outside the database.

Read-only. Exit 0 when the chain is intact and holds every checkpoint, 1 otherwise, with the
first bad entry or the missing rows named (D19, D70).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from samsnakk_bot.config import Config
from samsnakk_bot.domain.audit_checkpoints import (
    BadCheckpoint,
    Checkpoint,
    describe,
    find_gap,
    parse_argument,
)
from samsnakk_bot.store.checkpoint_file import CheckpointFile, CheckpointFileError

NOT_INITIALISED = (
    "FEIL/ERROR: the database is not initialised (it has no audit log); "
    "run `samsnakk db upgrade` first"
)


class _Refused(Exception):
    """Operator text for stderr; verify exits 1."""


def audit_verify(
    cfg: Config, arguments: Sequence[str] = (), checkpoint_file: Path | None = None
) -> int:
    from sqlalchemy.engine import make_url

    try:
        checkpoints = _checkpoints(cfg, arguments, checkpoint_file)
    except _Refused as err:
        print(f"FEIL/ERROR: {err}", file=sys.stderr)
        return 1
    url = make_url(cfg.database.url)
    # Opening a missing SQLite file would create it; this command writes nothing.
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        print(NOT_INITIALISED, file=sys.stderr)
        return 1
    return asyncio.run(_verify(cfg, checkpoints))


def _checkpoints(
    cfg: Config, arguments: Sequence[str], checkpoint_file: Path | None
) -> tuple[list[Checkpoint], str]:
    """Every checkpoint to compare with, and a few words on where they came from."""
    found: list[Checkpoint] = []
    sources = []
    path = checkpoint_file or cfg.audit.checkpoint_file
    if path is not None:
        # The bot creates the file at start-up, so a missing one was removed.
        if not path.is_file():
            raise _Refused(f"the checkpoint file {path} is missing")
        try:
            found += CheckpointFile(path).read()
        except CheckpointFileError as err:
            raise _Refused(str(err)) from None
        sources.append(str(path))
    for text in arguments:
        try:
            found.append(parse_argument(text))
        except BadCheckpoint as err:
            raise _Refused(f"--checkpoint {text}: {err}") from None
    if arguments:
        sources.append(f"{len(arguments)} given on the command line")
    return found, ", ".join(sources)


async def _verify(cfg: Config, checkpoints: tuple[list[Checkpoint], str]) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from samsnakk_bot.store import Database
    from samsnakk_bot.store.audit import AuditLog, audit_table_exists, chain_key_from

    wanted, source = checkpoints
    db = Database(cfg.database.url)
    try:
        if not await audit_table_exists(db):
            print(NOT_INITIALISED, file=sys.stderr)
            return 1
        log = AuditLog(db, chain_key_from(cfg.security.field_key_bytes))
        result = await log.verify()
        first, last, _ = await log.bounds()
        hashes = await log.hashes_at([c.seq for c in wanted])
    except (SQLAlchemyError, OSError) as err:
        print(f"FEIL/ERROR: could not read the database: {err}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    if not result.ok:
        print(f"FEIL/ERROR: entry #{result.first_bad_id}: {result.reason}", file=sys.stderr)
        return 1
    gap = find_gap(wanted, first, last, hashes)
    if gap is not None:
        print(f"FEIL/ERROR: {describe(gap)}", file=sys.stderr)
        return 1
    line = f"OK: {result.checked} entries verified"
    if source:
        line += f"; {len(wanted)} checkpoints held ({source})"
    print(line)
    return 0
