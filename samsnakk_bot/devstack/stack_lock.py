"""Who runs on a dev data directory: an fcntl lock held for the life of ``samsnakk dev``.

``stack.lock`` is locked (``flock``, exclusive) by the process that runs the stack, and
``stack.json`` next to it says how to reach that stack: its PID, its ports and the PIDs of
the processes it started. The kernel drops the lock when that process dies, however it dies,
so a lock that can be taken means nothing runs there, whatever ``stack.json`` still says
(D152). ``samsnakk dev user add`` takes the lock too while it runs a Synapse of its own.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Literal

LOCK_FILE = "stack.lock"
RECORD_FILE = "stack.json"
Kind = Literal["embedded", "workers"]


class StackBusy(RuntimeError):
    """Another process holds the data directory; ``record`` says which, if it wrote one."""

    def __init__(self, record: StackRecord | None) -> None:
        super().__init__(f"in use by PID {record.pid if record else '?'}")
        self.record = record


@dataclass(frozen=True)
class StackRecord:
    pid: int
    kind: Kind
    # How clients reach the homeserver, and how the admin API (user registration) is reached:
    # the same URL for the embedded Synapse, the main process behind nginx for workers.
    homeserver_url: str
    admin_url: str
    hs_port: int
    as_port: int
    bind_host: str
    started_at: float = field(default_factory=time.time)
    # Processes this stack started (name -> PID), so that they can be told apart and stopped.
    children: dict[str, int] = field(default_factory=dict)


def read_record(data_dir: Path) -> StackRecord | None:
    """The last record written in ``data_dir``, live or not."""
    try:
        raw = json.loads((data_dir / RECORD_FILE).read_text())
        return StackRecord(**raw)
    except (OSError, ValueError, TypeError):
        return None


class StackLock:
    """The exclusive claim on a data directory; release it (or exit) to give it up."""

    def __init__(self, data_dir: Path, handle: IO[str], previous: StackRecord | None) -> None:
        self.data_dir = data_dir
        self._handle: IO[str] | None = handle
        # The record of the last holder, which is gone (its leftovers may still run).
        self.previous = previous

    def write(self, record: StackRecord) -> None:
        path = self.data_dir / RECORD_FILE
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(record), indent=2))
        tmp.chmod(0o600)
        tmp.replace(path)

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()  # closing the file drops the flock

    def __enter__(self) -> StackLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def claim(data_dir: Path) -> StackLock:
    """Lock ``data_dir`` for this process, or raise :class:`StackBusy` at once."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / LOCK_FILE).open("a+")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StackBusy(read_record(data_dir)) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    previous = read_record(data_dir)
    # A stale record must not be read as the new holder's while it starts.
    (data_dir / RECORD_FILE).unlink(missing_ok=True)
    return StackLock(data_dir, handle, previous)


def running(data_dir: Path) -> StackRecord | None:
    """The record of the stack that runs on ``data_dir`` now, or None when nothing does.

    A holder that has not yet written its record (it is starting) counts as running, with
    whatever record is there; callers that need its ports then wait (:func:`wait_running`).
    """
    if not (data_dir / LOCK_FILE).exists():
        return None
    try:
        lock = claim(data_dir)
    except StackBusy as busy:
        return busy.record or _starting(data_dir)
    # Taking the lock to look must not eat the last record (kept for the next holder).
    if lock.previous is not None:
        lock.write(lock.previous)
    lock.release()
    return None


def _starting(data_dir: Path) -> StackRecord:
    pid = int((data_dir / LOCK_FILE).read_text().strip() or 0)
    return StackRecord(pid, "embedded", "", "", 0, 0, "", started_at=0)


def wait_running(data_dir: Path, timeout: float = 120.0) -> StackRecord | None:
    """Like :func:`running`, but waits while the holder is still starting (no ports yet)."""
    deadline = time.monotonic() + timeout
    while True:
        record = running(data_dir)
        if record is None or record.hs_port or time.monotonic() > deadline:
            return record
        time.sleep(0.2)
