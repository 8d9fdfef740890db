"""Offboarding a colleague who is in N brukerrom (default 500), against the raw equivalent
in the same run: the bot kicking one user from N rooms with the same concurrency.

    .venv/bin/python bench/bench_offboarding.py [--rooms 500]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from matrix_harness import new_user, start_synapse

from samsnakk_bot.app import SamsnakkApp


async def _rooms_with(app: SamsnakkApp, creator: str, member: str, n: int) -> list[str]:
    """N brukerrom (made by the bot, as !rom ny does) in which ``member`` is approved."""
    rooms = []
    limit = asyncio.Semaphore(8)

    async def one() -> None:
        async with limit:
            room = await app.rooms_service.create(creator, None, [])
            await app.participants.approve(room.room_id, member, "deltaker", app.clock.now_ms())
            app.access.invalidate(room.room_id)
            await app.actions.invite(room.room_id, member)
            rooms.append(room.room_id)

    await asyncio.gather(*(one() for _ in range(n)))
    return rooms


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        synapse = start_synapse(Path(tmp) / "synapse")
        app = SamsnakkApp(synapse.stack.config)
        try:
            await app.start()
            creator = await new_user(synapse, Path(tmp) / "c")
            leaving = await new_user(synapse, Path(tmp) / "c")
            other = await new_user(synapse, Path(tmp) / "c")
            for user in (creator, leaving, other):
                await app.accounts.upsert(user.user_id, "ansatt", "Askøy kommune", None, 0)
            t0 = time.perf_counter()
            ours_rooms = await _rooms_with(app, creator.user_id, leaving.user_id, n)
            raw_rooms = await _rooms_with(app, creator.user_id, other.user_id, n)
            setup = time.perf_counter() - t0

            t0 = time.perf_counter()
            rooms, _, _, _ = await app.admin.offboard(leaving.user_id, None, "@bench:x")
            ours = time.perf_counter() - t0
            assert rooms == n

            limit = asyncio.Semaphore(16)

            async def kick(room_id: str) -> None:
                async with limit:
                    await app.actions.kick(room_id, other.user_id, "bench")

            t0 = time.perf_counter()
            await asyncio.gather(*(kick(r) for r in raw_rooms))
            raw = time.perf_counter() - t0
            left = [
                r for r in ours_rooms[:20] if leaving.user_id in await app.actions.joined_members(r)
            ]
            assert not left
            for user in (creator, leaving, other):
                await user.stop()
        finally:
            await app.stop()
            synapse.process.stop()
    print(f"setup: {2 * n} rooms in {setup:.1f} s")
    print(f"offboarding from {n} rooms   {ours:6.2f} s   target < 5 s")
    print(f"raw kick from {n} rooms      {raw:6.2f} s")
    print(f"ratio                        {ours / raw:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=500)
    asyncio.run(main(parser.parse_args().rooms))
