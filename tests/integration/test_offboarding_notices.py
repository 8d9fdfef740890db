"""Issue 14, item 4: offboarding notices go through a durable outbox. The app stops after the
notices went out to Synapse but before any was recorded as sent (the worst moment for a
crash); after the restart every room has its notice, exactly once. Real Synapse and E2EE."""

from __future__ import annotations

import asyncio

import pytest
from brukerrom_flow import create_brukerrom
from matrix_harness import MatrixUser, UserFactory

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.records import RoomNotice

pytestmark = pytest.mark.synapse

GONE = "er ikke lenger med i dette rommet"


def _notices(user: MatrixUser, room: str) -> list[str]:
    return [s.body for s in user.seen if s.room_id == room and GONE in s.body]


async def test_notices_promised_before_a_crash_arrive_once_after_the_restart(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond Krasj")
    per = await make_user("bruker", None, "Per")
    kari = await make_user("bruker", None, "Kari")
    rooms = [await create_brukerrom(app, trond, per), await create_brukerrom(app, trond, kari)]
    out: list[RoomNotice] = []
    never = asyncio.Event()

    async def crash_before_recording(notice: RoomNotice) -> None:
        out.append(notice)
        await never.wait()  # the process is gone before it records the send

    app.room_notices.after_send = crash_before_recording
    done = await app.offboarding.offboard(trond.user_id, None, "@admin:x")
    assert done.rooms == 2
    for _ in range(400):
        if len(out) == 2:
            break
        await asyncio.sleep(0.05)
    assert len(out) == 2
    for user, room in ((per, rooms[0]), (kari, rooms[1])):
        await user.wait_for_message(room, lambda s: GONE in s.body)

    async def no_wait(timeout: float | None = None) -> bool:
        return False

    app.offboarding.wait_for_notices = no_wait  # type: ignore[method-assign]
    await app.stop()
    await app.start()
    assert await app.offboarding.wait_for_notices(timeout=60)
    await asyncio.sleep(3)  # time for a second copy to arrive, if one were sent

    assert _notices(per, rooms[0]) == [_notices(per, rooms[0])[0]]
    assert _notices(kari, rooms[1]) == [_notices(kari, rooms[1])[0]]
    assert "Trond Krasj" in _notices(per, rooms[0])[0]


async def test_notices_never_sent_before_a_stop_go_out_after_the_start(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond Stopp")
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)
    never = asyncio.Event()

    async def hang(room_ids: object, user_id: str, timeout: float = 10.0) -> set[str]:
        await never.wait()
        return set()

    app.actions.wait_until_gone = hang  # type: ignore[method-assign]

    async def no_wait(timeout: float | None = None) -> bool:
        return False

    app.offboarding.wait_for_notices = no_wait  # type: ignore[method-assign]
    try:
        await app.offboarding.offboard(trond.user_id, None, "@admin:x")
        await asyncio.sleep(0.5)
        assert _notices(per, room) == []
        await app.stop()
    finally:
        del app.actions.wait_until_gone
    await app.start()
    assert await app.offboarding.wait_for_notices(timeout=60)
    seen = await per.wait_for_message(room, lambda s: GONE in s.body)

    assert seen.decrypted and "Trond Stopp" in seen.body
    await asyncio.sleep(2)
    assert len(_notices(per, room)) == 1
