"""Admins see varsel counts and dead letters, never addresses or text."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from config_files import write_config

from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.store import Database
from samsnakk_bot.store.varsler import NewVarsel, Outcome, VarselRepo


def test_status_lists_counts_and_dead_letters_without_addresses(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'v.db'}"
    cipher = FieldCipher(b"k" * 32)

    async def seed() -> None:
        db = Database(url)
        await db.upgrade()
        repo = VarselRepo(db)
        for i, channel in enumerate(("app", "sms", "sms")):
            await repo.enqueue(
                NewVarsel(
                    f"message:!r:@u{i}:x:{channel}:e{i}",
                    f"@u{i}:x",
                    channel,
                    "message",
                    "!r",
                    0,
                    cipher.encrypt(b"+4791234567", b"a") if channel == "sms" else None,
                ),
                0,
            )
        claimed = await repo.claim_due(1, 10)
        await repo.record([Outcome(claimed[-1].id, "dead", 8, 0, None, "HTTP 400", 5)])
        await db.close()

    asyncio.run(seed())
    cfg = write_config(tmp_path / "samsnakk.yaml", database={"url": url})
    out = subprocess.run(
        [sys.executable, "-m", "samsnakk_bot.cli", "varsler", "status", "--config", str(cfg)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "sms    dead       1" in out
    assert "app    sending    1" in out and "sms    sending    1" in out
    assert "attempts=8 error=HTTP 400" in out
    assert "91234567" not in out and "@u2" not in out
