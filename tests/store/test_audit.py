from __future__ import annotations

import asyncio
import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from samsnakk_bot.store import Database
from samsnakk_bot.store import audit as audit_module
from samsnakk_bot.store.audit import GENESIS_HASH, AuditLog, NewAuditEntry, chain_key_from

KEY = chain_key_from(b"f" * 32)
ROOM = "!rom:hs.test"


async def fill(log: AuditLog, n: int, room_id: str = ROOM) -> None:
    for i in range(n):
        await log.append(
            ts_ms=1_000 + i,
            actor=f"@user{i % 3}:hs.test",
            action="participant_approved",
            room_id=room_id,
            subject=f"@cand{i}:hs.test",
            details={"request": i + 1},
        )


async def execute(db: Database, sql: str, **params: object) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text(sql), params)


async def test_entries_form_a_chain_starting_from_zeros(db: Database) -> None:
    log = AuditLog(db, KEY)

    first = await log.append(ts_ms=1, actor="@a:hs.test", action="room_created", room_id=ROOM)
    second = await log.append(
        ts_ms=2, actor="@b:hs.test", action="consent_given", room_id=ROOM, details={"version": "1"}
    )

    assert (first.id, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.id, second.prev_hash) == (2, first.hash)
    assert len(second.hash) == 64 and second.hash != first.hash
    assert await log.for_room(ROOM) == [first, second]


async def test_intact_chain_and_empty_log_verify(db: Database) -> None:
    log = AuditLog(db, KEY)
    assert (await log.verify()).ok

    await fill(log, 5)
    result = await log.verify()

    assert (result.ok, result.checked, result.first_bad_id, result.reason) == (True, 5, None, "")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("action", "participant_rejected"),
        ("details", '{"request":99}'),
        ("actor", "@mallory:hs.test"),
        ("ts_ms", 5),
        ("prev_hash", "1" * 64),
    ],
)
async def test_changed_row_fails_verification_naming_it(
    db: Database, column: str, value: object
) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 4)

    await execute(db, f"UPDATE audit_log SET {column} = :v WHERE id = 3", v=value)
    result = await log.verify()

    assert (result.ok, result.first_bad_id, result.checked) == (False, 3, 2)
    assert "hash mismatch (row changed" in result.reason


async def test_deleted_middle_row_breaks_the_chain_at_the_next_row(db: Database) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 5)

    await execute(db, "DELETE FROM audit_log WHERE id = 3")
    result = await log.verify()

    assert (result.ok, result.first_bad_id) == (False, 4)
    assert result.reason == "chain broken before this row (row deleted or reordered)"


async def test_deleted_first_row_is_found(db: Database) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 3)

    await execute(db, "DELETE FROM audit_log WHERE id = 1")

    assert (await log.verify()).first_bad_id == 2


async def test_swapped_hashes_fail_verification(db: Database) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 4)
    two, three = (await log.for_room(ROOM))[1:3]

    # The hash column is unique, so the swap goes through a placeholder.
    await execute(db, "UPDATE audit_log SET hash = 'x' WHERE id = 2")
    await execute(db, "UPDATE audit_log SET hash = :h WHERE id = 3", h=two.hash)
    await execute(db, "UPDATE audit_log SET hash = :h WHERE id = 2", h=three.hash)
    result = await log.verify()

    assert (result.ok, result.first_bad_id) == (False, 2)


async def test_tampering_is_found_beyond_the_first_page(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_module, "VERIFY_PAGE_ROWS", 3)
    log = AuditLog(db, KEY)
    await fill(log, 10)
    assert (await log.verify()).checked == 10

    await execute(db, "UPDATE audit_log SET subject = '@other:hs.test' WHERE id = 8")

    assert (await log.verify()).first_bad_id == 8


async def test_concurrent_appends_make_one_chain(db: Database) -> None:
    log = AuditLog(db, KEY)

    await asyncio.gather(
        *(log.append(ts_ms=i, actor="@a:hs.test", action="joined", room_id=ROOM) for i in range(50))
    )

    assert await log.count() == 50
    assert (await log.verify()).ok
    assert [e.id for e in await log.for_room(ROOM)] == list(range(1, 51))


async def test_two_engines_appending_at_once_make_one_chain(db: Database) -> None:
    # A second engine on the same database stands in for a second process.
    other_db = Database(db.url)
    try:
        logs = [AuditLog(db, KEY), AuditLog(other_db, KEY)]
        await asyncio.gather(
            *(
                logs[i % 2].append(ts_ms=i, actor="@a:hs.test", action="joined", room_id=ROOM)
                for i in range(40)
            )
        )
    finally:
        await other_db.close()

    log = AuditLog(db, KEY)
    assert await log.count() == 40
    assert (await log.verify()).ok


async def test_append_many_continues_the_chain_in_order(db: Database) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 2)
    batch = [
        NewAuditEntry(10 + i, "@admin:hs.test", "offboarded", f"!r{i}:hs.test", "@t:hs.test")
        for i in range(300)
    ]

    made = await log.append_many(batch)
    after = await log.append(ts_ms=400, actor="@a:hs.test", action="joined")

    assert [e.id for e in made] == list(range(3, 303)) and after.id == 303
    assert made[1].prev_hash == made[0].hash and after.prev_hash == made[-1].hash
    assert [e.room_id for e in made] == [b.room_id for b in batch]
    assert (await log.verify()).ok
    assert await log.append_many([]) == []


async def test_append_many_alongside_single_appends_makes_one_chain(db: Database) -> None:
    log = AuditLog(db, KEY)
    batch = [NewAuditEntry(i, "@a:hs.test", "offboarded", ROOM) for i in range(20)]

    await asyncio.gather(
        log.append_many(batch),
        *(log.append(ts_ms=i, actor="@b:hs.test", action="joined") for i in range(10)),
        log.append_many(batch),
    )

    assert await log.count() == 50
    assert (await log.verify()).ok


async def test_append_many_with_one_bad_entry_writes_none(db: Database) -> None:
    log = AuditLog(db, KEY)
    batch = [
        NewAuditEntry(1, "@a:hs.test", "offboarded", ROOM),
        NewAuditEntry(2, "@a:hs.test", "offboarded", ROOM, details={"note": {"nested": "x"}}),
    ]

    with pytest.raises(TypeError):
        await log.append_many(batch)

    assert await log.count() == 0


async def test_a_different_key_fails_verification(db: Database) -> None:
    await fill(AuditLog(db, KEY), 3)

    result = await AuditLog(db, chain_key_from(b"g" * 32)).verify()

    assert (result.ok, result.first_bad_id) == (False, 1)


async def test_for_room_and_for_actor_filter_in_order(db: Database) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 6)
    await log.append(ts_ms=9, actor="@user0:hs.test", action="room_created", room_id="!b:hs.test")

    assert [e.subject for e in await log.for_room(ROOM)] == [f"@cand{i}:hs.test" for i in range(6)]
    mine = await log.for_actor("@user0:hs.test")
    assert [e.id for e in mine] == [1, 4, 7]
    assert mine[0].details == {"request": 1}


@pytest.mark.parametrize(
    ("details", "error"),
    [
        ({"note": {"nested": "x"}}, TypeError),
        ({"ids": ["a", "b"]}, TypeError),
        ({"blob": "x" * 2000}, ValueError),
    ],
)
async def test_details_must_be_small_and_flat(
    db: Database, details: dict[str, object], error: type[Exception]
) -> None:
    log = AuditLog(db, KEY)

    with pytest.raises(error):
        await log.append(ts_ms=1, actor="@a:hs.test", action="admin_action", details=details)

    assert await log.count() == 0


def test_chain_key_is_derived_not_the_field_key() -> None:
    field_key = os.urandom(32)

    key = chain_key_from(field_key)

    assert key == chain_key_from(field_key) and key != field_key and len(key) == 32
    with pytest.raises(ValueError, match="32 bytes"):
        chain_key_from(b"short")


async def test_failed_append_leaves_no_row_and_no_lock_behind(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = AuditLog(db, KEY)
    await log.append(ts_ms=1, actor="@a:hs.test", action="joined")
    # Every hash the same: the unique index refuses the row on each attempt.
    monkeypatch.setattr(audit_module, "_entry_hash", lambda *_a, **_k: "e" * 64)
    await log.append(ts_ms=2, actor="@a:hs.test", action="joined")

    with pytest.raises(IntegrityError):
        await log.append(ts_ms=3, actor="@a:hs.test", action="joined")

    monkeypatch.undo()
    assert await log.count() == 2
    await execute(db, "DELETE FROM audit_log WHERE id = 2")
    await log.append(ts_ms=4, actor="@a:hs.test", action="left")
    assert (await log.verify()).ok


async def test_pruning_old_entries_keeps_the_chain_verifiable(db: Database) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 8)  # ts 1000..1007

    removed = await log.prune(before_ms=1_005, actor="@samsnakk:hs.test", now_ms=9_000)

    result = await log.verify()
    remaining = await log.for_room(ROOM)
    record = (await log.for_actor("@samsnakk:hs.test"))[-1]
    assert removed == 5
    assert [e.id for e in remaining] == [6, 7, 8]
    assert (record.id, record.action, record.details["up_to_id"]) == (9, "audit_pruned", 5)
    assert (result.ok, result.checked) == (True, 4)


async def test_pruning_twice_and_appending_after_still_verifies(db: Database) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 6)
    await log.prune(before_ms=1_002, actor="@samsnakk:hs.test", now_ms=2_000)
    await fill(log, 2)
    await log.prune(before_ms=1_900, actor="@samsnakk:hs.test", now_ms=3_000)

    result = await log.verify()

    # The second cut reaches past the first prune record (its ids are older): only its own
    # record is left, and it explains the whole missing start.
    assert result.ok, result.reason
    assert [e.action for e in await log.for_actor("@samsnakk:hs.test")] == ["audit_pruned"]
    assert await log.count() == 1


async def test_deleting_old_rows_without_a_prune_record_is_found(db: Database) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 6)

    await execute(db, "DELETE FROM audit_log WHERE id <= 3")
    result = await log.verify()

    assert (result.ok, result.first_bad_id) == (False, 4)
    assert "no prune record" in result.reason


async def test_a_prune_record_for_a_different_cut_does_not_excuse_deleted_rows(
    db: Database,
) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 6)
    await log.prune(before_ms=1_002, actor="@samsnakk:hs.test", now_ms=2_000)  # deletes 1, 2

    await execute(db, "DELETE FROM audit_log WHERE id <= 4")
    result = await log.verify()

    assert (result.ok, result.first_bad_id) == (False, 5)


async def test_nothing_old_enough_prunes_nothing_and_writes_nothing(db: Database) -> None:
    log = AuditLog(db, KEY)
    await fill(log, 3)

    assert await log.prune(before_ms=500, actor="@samsnakk:hs.test", now_ms=2_000) == 0
    assert await log.count() == 3
