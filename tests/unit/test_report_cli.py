"""`samsnakk rapport` writes aggregate CSV and PNG, and refuses a period in the future."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from config_files import write_config

from samsnakk_bot.store import Database


def _config(tmp_path: Path) -> Path:
    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"

    async def migrate() -> None:
        db = Database(url)
        await db.upgrade()
        await db.close()

    asyncio.run(migrate())
    return write_config(
        tmp_path / "samsnakk.yaml",
        database={"url": url},
        policies_dir=str(Path(__file__).parents[2] / "policies"),
    )


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samsnakk_bot.cli", "rapport", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_csv_and_png_are_written_and_future_is_refused(tmp_path: Path) -> None:
    cfg = _config(tmp_path)
    out = tmp_path / "r.csv"
    done = _run("--config", str(cfg), "--format", "csv", "-o", str(out))
    assert done.returncode == 0, done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "nøkkel;verdi"
    assert "rooms_created;<5" in lines
    png = tmp_path / "r.png"
    assert _run("--config", str(cfg), "--format", "png", "-o", str(png)).returncode == 0
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    future = _run("--config", str(cfg), "--periode", "2099-01", "-o", str(out))
    assert future.returncode == 2
    assert "fram i tid" in future.stderr
