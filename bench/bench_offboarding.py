"""Offboarding a colleague who is in N brukerrom (default 500), against the raw equivalent
in the same run: the bot kicking one user from N rooms with the same concurrency.

    .venv/bin/python bench/bench_offboarding.py [--rooms 500] [--concurrency 32] [--workers]

``--workers`` runs it on the production shape (``samsnakk dev --workers``: Synapse main plus
workers on its own PostgreSQL and Redis, behind nginx) instead of one Synapse on SQLite.

Every room holds the bot, a colleague and the person, both joined with E2EE clients, so each
notice needs a new room key shared with the colleague's device.

"Done" is what the admin waits for: the person kicked from every room, their approvals ended
and audited. The neutral notices in the rooms go out after that, in the background; the time
until the bot has sent them all (counted from the start of offboarding) is shown apart.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from matrix_harness import MatrixUser, free_port, new_user, start_synapse
from nio import JoinResponse
from sqlalchemy.exc import OperationalError

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.devstack.worker_stack import WorkerStack
from samsnakk_bot.domain import texts
from samsnakk_bot.matrix.as_http import MatrixHttpError
from samsnakk_bot.store import InboxRepo


async def _rooms_with(
    app: SamsnakkApp, creator: MatrixUser, member: MatrixUser, n: int
) -> list[str]:
    """N brukerrom (made by the bot, as !rom ny does) that ``creator`` and ``member`` joined."""
    rooms = []
    limit = asyncio.Semaphore(8)

    async def one() -> None:
        async with limit:
            for attempt in range(3):
                try:
                    room = await app.rooms_service.create(creator.user_id, None, [])
                    break
                except MatrixHttpError as err:
                    # Two creates at once can draw the same label (so the same alias).
                    if err.errcode != "M_ROOM_IN_USE" or attempt == 2:
                        raise
                except OperationalError:
                    # SQLite's busy timeout, on a machine loaded by other work: setup only.
                    if attempt == 2:
                        raise
            now = app.clock.now_ms()
            await app.participants.approve(room.room_id, creator.user_id, "creator", now)
            await app.participants.approve(room.room_id, member.user_id, "deltaker", now)
            app.access.invalidate(room.room_id)
            for user in (creator, member):
                await app.actions.invite(room.room_id, user.user_id)
                joined = await user.client.join(room.room_id)
                assert isinstance(joined, JoinResponse), joined
            rooms.append(room.room_id)

    await asyncio.gather(*(one() for _ in range(n)))
    return rooms


async def _settle(app: SamsnakkApp) -> None:
    """Let the setup's transactions and syncs drain, so they do not run into a measurement."""
    await asyncio.sleep(3)
    for _ in range(240):
        if not await InboxRepo(app.db).count_pending():
            return
        await asyncio.sleep(0.5)


@dataclass
class Homeserver:
    """What new_user needs of a homeserver, and how to stop it."""

    stack: Any
    url: str
    admin_url: str
    stop: Callable[[], None]


async def _homeserver(tmp: Path, workers: bool) -> Homeserver:
    if not workers:
        synapse = start_synapse(tmp / "synapse")
        return Homeserver(synapse.stack, synapse.url, synapse.admin_url, synapse.process.stop)
    tmp.chmod(0o711)  # noqa: ASYNC240 - PostgreSQL (its own user) must reach its data
    ws = WorkerStack(tmp / "dev", free_port(), free_port())
    stack = ws.prepare()
    await asyncio.to_thread(ws.start)  # its PostgreSQL helpers run their own event loop
    return Homeserver(stack, ws.base_url, ws.admin_url, ws.stop)


async def main(n: int, concurrency: int, workers: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        synapse = await _homeserver(Path(tmp), workers)
        app = SamsnakkApp(synapse.stack.config)
        try:
            await app.start()
            creator = await new_user(synapse, Path(tmp) / "c")  # type: ignore[arg-type]
            leaving = await new_user(synapse, Path(tmp) / "c")  # type: ignore[arg-type]
            other = await new_user(synapse, Path(tmp) / "c")  # type: ignore[arg-type]
            for user in (creator, leaving, other):
                await app.accounts.upsert(user.user_id, "ansatt", "Askøy kommune", None, 0)
            t0 = time.perf_counter()
            ours_rooms = await _rooms_with(app, creator, leaving, n)
            raw_rooms = await _rooms_with(app, creator, other, n)
            setup = time.perf_counter() - t0
            await _settle(app)

            t0 = time.perf_counter()
            done = await app.offboarding.offboard(
                leaving.user_id, None, "@bench:x", concurrency=concurrency
            )
            rooms = done.rooms
            ours = time.perf_counter() - t0
            assert await app.offboarding.wait_for_notices()
            notices = time.perf_counter() - t0
            assert rooms == n

            left = [r for r in ours_rooms if leaving.user_id in await app.actions.joined_members(r)]
            assert not left, f"still in {len(left)} rooms"
            assert await app.participants.rooms_of(leaving.user_id) == []
            audited = [e for e in await app.audit.for_actor("@bench:x") if e.action == "offboarded"]
            assert len(audited) == n and (await app.audit.verify()).ok
            said = texts.offboarded_in_room(await app.deps.people.name(leaving.user_id)).body
            await creator.wait_for(
                lambda: len({s.room_id for s in creator.seen if s.body == said}) == n,
                60,
                "every notice decrypted by the colleague",
            )
            await _settle(app)

            limit = asyncio.Semaphore(concurrency)

            async def kick(room_id: str) -> None:
                async with limit:
                    await app.actions.kick(room_id, other.user_id, "bench")

            t0 = time.perf_counter()
            await asyncio.gather(*(kick(r) for r in raw_rooms))
            raw = time.perf_counter() - t0
            for user in (creator, leaving, other):
                await user.stop()
        finally:
            await app.stop()
            synapse.stop()
    print("on the worker stack" if workers else "on one Synapse process (SQLite)")
    print(f"setup: {2 * n} rooms in {setup:.1f} s, concurrency {concurrency}")
    print(f"offboarding from {n} rooms   {ours:6.2f} s   target < 5 s (kicked, DB and audit)")
    print(f"raw kick from {n} rooms      {raw:6.2f} s")
    print(f"ratio                        {ours / raw:.2f}x")
    print(f"notices all sent after       {notices:6.2f} s   (in the background)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", action="store_true", help="on the worker stack")
    args = parser.parse_args()
    asyncio.run(main(args.rooms, args.concurrency, args.workers))
