"""Child processes of the worker stack: started in their own session, stopped by PID.

Each child gets a session of its own, so Ctrl-C reaches only ``samsnakk dev``, which then
stops them in order (nginx first, PostgreSQL last) instead of all at once (D151).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path


class ChildStartError(RuntimeError):
    pass


class Child:
    """One long-running process, its output appended to ``log``."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log: Path,
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        ready_url: str | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log = log
        self.cwd = cwd
        self.env = dict(env or {})
        self.ready_url = ready_url
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self._proc = subprocess.Popen(  # noqa: S603 - fixed argv
                self.argv,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
                start_new_session=True,
            )

    def wait_ready(self, timeout: float) -> None:
        """Until ``ready_url`` answers 200; fails early, with the log's tail, if it exits."""
        if self.ready_url is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise ChildStartError(
                    f"{self.name} exited with {self._proc.returncode}:\n{self.tail()}"
                )
            try:
                with urllib.request.urlopen(self.ready_url, timeout=1) as resp:  # noqa: S310
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise ChildStartError(f"{self.name} did not answer {self.ready_url} within {timeout:.0f} s")

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def stop_leftover(pid: int, marker: str, timeout: float = 10.0) -> bool:
    """SIGTERM ``pid`` if it still runs with ``marker`` in its command line (ours, from a
    run that was killed before it could stop its children). True if it was there."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    if marker not in cmdline:
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    if Path(f"/proc/{pid}").exists():
        os.kill(pid, signal.SIGKILL)
    return True
