"""What offboarding and the fnr limit keep, and the rooms and codes an offboarding closes."""

from __future__ import annotations

from samsnakk_bot.store import Database
from samsnakk_bot.store.brukerrom import BrukerromRepo
from samsnakk_bot.store.codes import CodeRepo
from samsnakk_bot.store.offboarded import FnrLookupRepo, OffboardedRepo

TROND = "@trond:hs.test"
SARA = "@sara:hs.test"
PER = "@per:hs.test"


async def test_offboarding_is_recorded_once_and_never_for_anyone_else(db: Database) -> None:
    repo = OffboardedRepo(db)
    assert not await repo.is_offboarded(TROND)
    await repo.add(TROND, "askoy-kommune", "@admin:hs.test", 1)
    await repo.add(TROND, "askoy-kommune", "@other:hs.test", 2)  # a repeat is harmless
    assert await repo.is_offboarded(TROND)
    assert not await repo.is_offboarded(SARA)


async def test_fnr_lookups_are_counted_per_person_within_the_window(db: Database) -> None:
    repo = FnrLookupRepo(db)
    for ms in (100, 200, 300):
        await repo.add(TROND, ms)
    await repo.add(SARA, 250)
    assert await repo.since(TROND, 150) == (2, 200)
    assert await repo.since(SARA, 0) == (1, 250)
    assert await repo.since(PER, 0) == (0, None)


async def test_waiting_rooms_are_found_and_only_one_waiting_for_consent_is_handed_over(
    db: Database,
) -> None:
    rooms = BrukerromRepo(db)
    await rooms.create("!consent:hs.test", "1001", TROND, PER, "awaiting_consent", 1)
    await rooms.create("!code:hs.test", "1002", TROND, None, "awaiting_bruker", 1)
    await rooms.create("!active:hs.test", "1003", TROND, PER, "active", 1)
    await rooms.create("!sara:hs.test", "1004", SARA, PER, "awaiting_consent", 1)

    waiting = await rooms.waiting_created_by(TROND)
    assert sorted(r.room_id for r in waiting) == ["!code:hs.test", "!consent:hs.test"]

    assert await rooms.hand_over("!consent:hs.test", TROND, SARA)
    assert not await rooms.hand_over("!consent:hs.test", TROND, SARA)  # done already
    assert not await rooms.hand_over("!code:hs.test", TROND, SARA)
    assert not await rooms.hand_over("!active:hs.test", TROND, SARA)
    handed = await rooms.get("!consent:hs.test")
    assert handed is not None and handed.creator_user_id == SARA
    assert [r.room_id for r in await rooms.waiting_created_by(TROND)] == ["!code:hs.test"]


async def test_voiding_ends_only_the_live_codes_of_that_person(db: Database) -> None:
    codes = CodeRepo(db)
    await codes.create("!a:hs.test", "h1", None, TROND, 1, 1000)
    await codes.create("!b:hs.test", "h2", None, TROND, 1, 50)  # expired already
    await codes.create("!c:hs.test", "h3", None, TROND, 1, 1000)
    await codes.create("!d:hs.test", "h4", None, SARA, 1, 1000)
    used = await codes.find("h3")
    assert used is not None and await codes.use(used.id, PER, 60)

    assert await codes.void_created_by(TROND, 100) == ["!a:hs.test"]
    voided = await codes.find("h1")
    assert voided is not None and voided.expires_ms == 100
    kept = await codes.find("h4")
    assert kept is not None and kept.expires_ms == 1000
    assert await codes.void_created_by(TROND, 200) == []
