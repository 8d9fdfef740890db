"""`samsnakk varsler status`: what an admin may see of the outbox, which is never content."""

from __future__ import annotations

from datetime import UTC, datetime

from samsnakk_bot.config import Config
from samsnakk_bot.store import Database
from samsnakk_bot.store.varsler import VarselRepo


async def print_status(cfg: Config) -> int:
    db = Database(cfg.database.url)
    try:
        repo = VarselRepo(db)
        counts = await repo.counts()
        dead = await repo.dead_letters()
    finally:
        await db.close()
    print("Varsler per channel and status:")
    if not counts:
        print("  (none)")
    for (channel, status), n in sorted(counts.items()):
        print(f"  {channel:6} {status:10} {n}")
    print(f"Dead letters (newest {len(dead)}):")
    for v in dead:
        when = datetime.fromtimestamp(v.created_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
        print(
            f"  #{v.id} {when} UTC  {v.channel:6} {v.kind:16} attempts={v.attempts} "
            f"error={v.last_error or '-'}"
        )
    return 0
