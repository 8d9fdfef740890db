from __future__ import annotations

import pytest

from samsnakk_bot.store import Database, RoomRecord, RoomRepo


async def test_new_room_is_not_encrypted(db: Database) -> None:
    rooms = RoomRepo(db)
    await rooms.upsert_kind("!a:test", "brukerrom", now_ms=10)

    assert await rooms.is_encrypted("!a:test") is False
    assert await rooms.get("!a:test") == RoomRecord("!a:test", "brukerrom", False, None, None, 10)


async def test_unknown_room_counts_as_unencrypted(db: Database) -> None:
    rooms = RoomRepo(db)

    assert await rooms.is_encrypted("!nowhere:test") is False
    assert await rooms.get("!nowhere:test") is None


async def test_encryption_is_recorded_and_survives_a_kind_change(db: Database) -> None:
    rooms = RoomRepo(db)
    await rooms.upsert_kind("!a:test", "other", now_ms=10)
    await rooms.set_encrypted("!a:test", "m.megolm.v1.aes-sha2", now_ms=20)

    await rooms.upsert_kind("!a:test", "dm", dm_user_id="@per:test", now_ms=30)

    assert await rooms.is_encrypted("!a:test") is True
    assert await rooms.get("!a:test") == RoomRecord(
        "!a:test", "dm", True, "m.megolm.v1.aes-sha2", "@per:test", 10
    )


async def test_encryption_seen_before_the_room_is_known_creates_an_other_room(
    db: Database,
) -> None:
    rooms = RoomRepo(db)

    await rooms.set_encrypted("!b:test", "m.megolm.v1.aes-sha2", now_ms=5)

    assert await rooms.get("!b:test") == RoomRecord(
        "!b:test", "other", True, "m.megolm.v1.aes-sha2", None, 5
    )


async def test_unknown_room_kind_is_refused_with_the_valid_choices(db: Database) -> None:
    with pytest.raises(ValueError, match="dm, brukerrom, admin, other"):
        await RoomRepo(db).upsert_kind("!a:test", "lobby", now_ms=1)  # type: ignore[arg-type]
