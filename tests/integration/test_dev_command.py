"""README command 1: `samsnakk dev` brings up Synapse and the bot, and a second run reuses it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
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
            _drain(proc)
            return proc, "".join(out)
    proc.kill()
    raise AssertionError("dev stack did not come up:\n" + "".join(out))


_OUTPUT: dict[int, list[str]] = {}


def _drain(proc: subprocess.Popen[str]) -> None:
    """Keep reading the stack's output after the banner: a full pipe would block its logging,
    and with it the shutdown. The last lines are kept for a failure message."""
    lines = _OUTPUT.setdefault(proc.pid, [])

    def read() -> None:
        assert proc.stdout is not None
        with contextlib.suppress(ValueError, OSError):
            for line in proc.stdout:
                lines.append(line)
                del lines[:-200]

    threading.Thread(target=read, daemon=True).start()


def _stop(proc: subprocess.Popen[str]) -> int:
    os.killpg(proc.pid, signal.SIGINT)
    try:
        return proc.wait(60)
    except subprocess.TimeoutExpired:
        said = "".join(_OUTPUT.get(proc.pid, [])[-60:])
        raise AssertionError(
            f"the dev stack did not stop within 60 s; its last output:\n{said}"
        ) from None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.stdout is not None:
            proc.stdout.close()


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


PER = ["--password", "hemmelig-456", "--role", "bruker"]


def test_user_add_uses_the_running_stack_and_a_second_dev_is_refused(tmp_path: Path) -> None:
    """Issue 13: `user add` without the port once started a second Synapse on the same
    SQLite database, and the running one then failed logins (IntegrityError, HTTP 500)."""
    data, hs, asp = tmp_path / "dev", free_port(), free_port()
    proc, _ = _start_dev(data, hs, asp)
    try:
        record = json.loads((data / "stack.json").read_text())
        assert record["pid"] == proc.pid and record["hs_port"] == hs
        added = subprocess.run(
            [*SAMSNAKK, "dev", "--data-dir", str(data), "user", "add", "per", *PER],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert added.returncode == 0, added.stderr
        assert f"Using the running dev stack (PID {proc.pid}" in added.stdout
        assert "@per:samsnakk.localhost" in added.stdout
        log = (data / "synapse" / "homeserver.log").read_text()
        assert log.count("***** STARTING SERVER *****") == 1, "a second Synapse was started"

        body = json.dumps(
            {
                "type": "m.login.password",
                "identifier": {"type": "m.id.user", "user": "per"},
                "password": "hemmelig-456",
            }
        ).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{hs}/_matrix/client/v3/login", body)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as resp:
            assert resp.status == 200 and json.loads(resp.read())["user_id"]

        second = subprocess.run(
            [*SAMSNAKK, "dev", "--data-dir", str(data), "--port", str(free_port())],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 1
        assert f"is in use by a running dev stack (PID {proc.pid}" in second.stderr
        assert "er i bruk" in second.stderr and "Traceback" not in second.stderr
    finally:
        assert _stop(proc) == 0
