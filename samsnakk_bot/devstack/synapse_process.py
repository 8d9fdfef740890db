"""Runs the matrix-synapse package as a child process and waits until it answers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path


class SynapseStartError(RuntimeError):
    pass


def generate_signing_key(config_path: Path, env: Mapping[str, str] | None = None) -> None:
    """Let Synapse write its own signing key (``--generate-keys`` exits afterwards)."""
    subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-m", "synapse.app.homeserver", "-c", str(config_path), "--generate-keys"],
        check=True,
        capture_output=True,
        cwd=config_path.parent,
        env={**os.environ, **env} if env else None,
    )


class SynapseProcess:
    def __init__(
        self, config_path: Path, base_url: str, env: Mapping[str, str] | None = None
    ) -> None:
        self.config_path = config_path
        self.base_url = base_url
        # Added to our environment, e.g. PYTHONPATH for a module Synapse loads (an OIDC mapper).
        self._env = dict(env or {})
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr_path = config_path.parent / "homeserver.stderr"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self, timeout: float = 60.0) -> None:
        if not (self.config_path.parent / "signing.key").exists():
            generate_signing_key(self.config_path, self._env)
        stderr = self._stderr_path.open("ab")
        self._proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path)],
            cwd=self.config_path.parent,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, "SYNAPSE_ASYNC_IO_REACTOR": "0", **self._env},
        )
        stderr.close()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = f"{self.base_url}/_matrix/client/versions"
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                tail = self._stderr_path.read_text(errors="replace")[-3000:]
                raise SynapseStartError(f"Synapse exited with {self._proc.returncode}:\n{tail}")
            try:
                with urllib.request.urlopen(url, timeout=1) as resp:  # noqa: S310 - loopback
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise SynapseStartError(f"Synapse did not answer on {url} within {timeout:.0f} s")

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
