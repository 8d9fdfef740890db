"""README command 1: `samsnakk dev` brings up Synapse and the bot, and a second run reuses it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from matrix_harness import free_port

pytestmark = pytest.mark.synapse

SAMSNAKK = [sys.executable, "-m", "samsnakk_bot.cli"]


def _start_dev(data_dir: Path, hs_port: int, as_port: int) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            *SAMSNAKK,
            "dev",
            "--data-dir",
            str(data_dir),
            "--port",
            str(hs_port),
            "--as-port",
            str(as_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    out = []
    deadline = time.monotonic() + 90
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        out.append(line)
        if "Press Ctrl-C to stop." in line:
            return proc, "".join(out)
    proc.kill()
    raise AssertionError("dev stack did not come up:\n" + "".join(out))


def _stop(proc: subprocess.Popen[str]) -> int:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.wait(30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_dev_stack_starts_prints_login_help_and_restarts_on_same_data(tmp_path: Path) -> None:
    data, hs, asp = tmp_path / "dev", free_port(), free_port()
    proc, banner = _start_dev(data, hs, asp)
    try:
        assert f"http://127.0.0.1:{hs}" in banner
        assert "@samsnakk:samsnakk.localhost" in banner
        assert "samsnakk dev user add" in banner
        added = subprocess.run(
            [
                *SAMSNAKK,
                "dev",
                "--data-dir",
                str(data),
                "--port",
                str(hs),
                "--as-port",
                str(asp),
                "user",
                "add",
                "trond",
                "--password",
                "hemmelig-123",
                "--role",
                "ansatt",
                "--org",
                "Askøy kommune",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        assert "@trond:samsnakk.localhost" in added.stdout
    finally:
        assert _stop(proc) == 0

    synapse_cfg = (data / "synapse" / "homeserver.yaml").read_text()
    assert "include_content: false" in synapse_cfg
    assert "enable_registration: false" in synapse_cfg
    device_before = (data / "crypto" / "device.json").read_text()

    proc, banner = _start_dev(data, hs, asp)
    try:
        assert (data / "crypto" / "device.json").read_text() == device_before
    finally:
        assert _stop(proc) == 0
