"""Participants: ending someone's approval in every room at once (offboarding)."""

from __future__ import annotations

from samsnakk_bot.domain.lifecycle import ParticipantEvent
from samsnakk_bot.store import Database
from samsnakk_bot.store.brukerrom import BrukerromRepo, ParticipantRepo

TROND = "@trond:hs.test"
SARA = "@sara:hs.test"


async def test_end_everywhere_ends_only_their_approvals_and_names_the_rooms(db: Database) -> None:
    rooms, participants = BrukerromRepo(db), ParticipantRepo(db)
    for i in range(4):
        await rooms.create(f"!r{i}:hs.test", f"L{i}", SARA, None, "active", 1)
        await participants.approve(f"!r{i}:hs.test", SARA, "creator", 1)
        if i != 3:
            await participants.approve(f"!r{i}:hs.test", TROND, "deltaker", 1)
    await participants.end("!r2:hs.test", TROND, ParticipantEvent.LEAVE, 2)

    ended = await participants.end_everywhere(TROND, ParticipantEvent.OFFBOARD, 5)

    assert sorted(ended) == ["!r0:hs.test", "!r1:hs.test"]
    assert await participants.rooms_of(TROND) == []
    assert len(await participants.rooms_of(SARA)) == 4
    gone = await participants.get("!r0:hs.test", TROND)
    assert gone is not None and (gone.status, gone.ended_ms) == ("removed", 5)
    left = await participants.get("!r2:hs.test", TROND)
    assert left is not None and (left.status, left.ended_ms) == ("left", 2)
    assert await participants.end_everywhere(TROND, ParticipantEvent.OFFBOARD, 6) == []
