"""The audit checkpoint file: append-only, owner-only, fsynced (D70).

It lives outside the database on purpose: someone who can delete audit rows (a database
superuser, a restored old backup) should not also be able to rewrite this file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from samsnakk_bot.domain.audit_checkpoints import BadCheckpoint, Checkpoint, parse_line

FILE_MODE = 0o600


class CheckpointFileError(Exception):
    """The file is unreadable or holds a line that is not a checkpoint; says which."""


class CheckpointFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def ensure(self) -> None:
        """Create the (empty) file now, so that a file gone missing later is a finding."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        try:
            # An existing file keeps its content, but never its group or world bits.
            if stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:
                os.fchmod(fd, FILE_MODE)
        finally:
            os.close(fd)
        self._sync_dir()

    def append(self, line: str) -> None:
        """Append one line and fsync it; blocking, so callers run it in a thread."""
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[Checkpoint]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except OSError as err:
            raise CheckpointFileError(f"cannot read {self.path}: {err.strerror}") from None
        found = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                found.append(parse_line(line))
            except BadCheckpoint as err:
                raise CheckpointFileError(f"{self.path}, line {number}: {err}") from None
        return found

    def _sync_dir(self) -> None:
        # The new directory entry must survive a crash too.
        fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
