"""The dev stack protects itself: one holder per data directory, its leftovers stopped by
PID only when they are its own, and one clear line when Synapse is not installed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from samsnakk_bot.devstack import dev
from samsnakk_bot.devstack.processes import stop_leftover
from samsnakk_bot.devstack.stack_lock import (
    StackBusy,
    StackRecord,
    claim,
    read_record,
    running,
)


def _record(pid: int = 4242) -> StackRecord:
    url = "http://127.0.0.1:8458"
    return StackRecord(pid, "embedded", url, url, 8458, 29330, "127.0.0.1", started_at=1.0)


def test_a_held_data_dir_is_busy_and_says_who_holds_it(tmp_path: Path) -> None:
    assert running(tmp_path) is None
    with claim(tmp_path) as lock:
        lock.write(_record())
        with pytest.raises(StackBusy) as busy:
            claim(tmp_path)
        assert busy.value.record == _record()
        assert running(tmp_path) == _record()
    # Released: nothing runs, and looking does not eat the last record.
    assert running(tmp_path) is None
    assert read_record(tmp_path) == _record()


def test_the_lock_dies_with_its_process(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from samsnakk_bot.devstack.stack_lock import claim;"
            f"lock = claim(Path({str(tmp_path)!r})); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StackBusy):
            claim(tmp_path)
    finally:
        holder.kill()
        holder.wait(10)
    claim(tmp_path).release()


def test_a_new_holder_starts_without_the_stale_record(tmp_path: Path) -> None:
    with claim(tmp_path) as first:
        first.write(_record(1))
    with claim(tmp_path) as second:
        assert second.previous == _record(1)
        assert read_record(tmp_path) is None  # not mistaken for the new holder's


def _wait_for_exec(pid: int, marker: str) -> None:
    deadline = time.monotonic() + 10
    while marker not in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.01)


def test_leftovers_are_stopped_only_when_they_are_ours(tmp_path: Path) -> None:
    marker = str(tmp_path / "marker")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", marker])
    try:
        _wait_for_exec(child.pid, marker)  # until exec, /proc shows the forking parent's line
        assert not stop_leftover(child.pid, str(tmp_path / "someone-else"))
        assert child.poll() is None
        assert stop_leftover(child.pid, marker)
        assert child.wait(10) is not None
    finally:
        child.kill()
        child.wait(10)


def test_without_synapse_one_line_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(dev, "find_spec", lambda name: None if name == "synapse" else object())
    assert dev.run_dev(tmp_path / "dev", 8458, 29330) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert "Samsnakk dev trenger Synapse" in err and "Samsnakk dev needs Synapse" in err
    assert "scripts/dev" in err and ".[synapse]" in err
    assert not (tmp_path / "dev").exists()  # nothing was made or started

    assert dev.run_dev(tmp_path / "dev", 8458, 29330, workers=True) == 2
    assert "scripts/dev --workers" in capsys.readouterr().err


def test_a_data_dir_never_runs_both_kinds_of_homeserver(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "synapse").mkdir()
    (tmp_path / "synapse" / "homeserver.db").write_text("")
    assert dev.run_dev(tmp_path, 8458, 29330, workers=True) == 1
    err = capsys.readouterr().err
    assert "embedded Synapse" in err and "--data-dir" in err
    assert running(tmp_path) is None
