"""What the checkpoints need from the audit log, on SQLite and PostgreSQL: its bounds, the
hashes at given ids, and every committed batch told to a listener in id order."""

from __future__ import annotations

from collections.abc import Sequence

from samsnakk_bot.store import Database
from samsnakk_bot.store.audit import AuditEntry, AuditLog, NewAuditEntry, chain_key_from

KEY = chain_key_from(b"f" * 32)


async def test_bounds_hashes_and_listeners(db: Database) -> None:
    log = AuditLog(db, KEY)
    assert await log.bounds() == (0, 0, None)
    batches: list[list[int]] = []

    def listener(entries: Sequence[AuditEntry]) -> None:
        batches.append([e.id for e in entries])

    log.watch(listener)
    one = await log.append(ts_ms=1, actor="@a:hs.test", action="joined")
    many = await log.append_many(
        [NewAuditEntry(ts_ms=2, actor="@a:hs.test", action="left") for _ in range(3)]
    )
    log.unwatch(listener)
    await log.append(ts_ms=3, actor="@a:hs.test", action="joined")

    assert batches == [[1], [2, 3, 4]]
    first, last, head = await log.bounds()
    assert (first, last) == (1, 5) and head is not None
    assert await log.hashes_at([1, 4, 99]) == {1: one.hash, 4: many[-1].hash}
