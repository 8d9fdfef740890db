"""`!rom ny` until the room is ready (the creator has decrypted the bot's confirmation),
against the raw equivalent in the same run: a client send, a raw createRoom with the same
initial state, power levels and invite, and another send.

    .venv/bin/python bench/bench_rom_ny.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from matrix_harness import ENCRYPTION_STATE, new_user, start_synapse
from nio import RoomCreateResponse, RoomSendResponse

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.brukerrom import ROOM_VERSION, initial_state, power_levels


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        synapse = start_synapse(Path(tmp) / "synapse")
        app = SamsnakkApp(synapse.stack.config)
        try:
            await app.start()
            trond = await new_user(synapse, Path(tmp) / "c")
            per = await new_user(synapse, Path(tmp) / "c")
            other = await new_user(synapse, Path(tmp) / "c")
            await app.accounts.upsert(trond.user_id, "ansatt", "Askøy kommune", "Trond", 0)
            await app.accounts.upsert(per.user_id, "bruker", None, "Per", 0)
            bot = app.cfg.bot_user_id
            dm = await trond.create_dm(bot)
            await trond.wait_for_message(dm, lambda s: s.sender == bot)
            pair = await trond.create_dm(other.user_id, encrypted=True)
            await other.accept_invite(pair)

            ours, raw = [], []
            for i in range(rounds + 3):
                mark = len(trond.seen)
                t0 = time.perf_counter()
                await trond.send(dm, f"!rom ny {per.user_id}")
                await trond.wait_for_message(
                    dm, lambda s: s.sender == bot and "er opprettet" in s.body, after=mark
                )
                t_ours = time.perf_counter() - t0

                t0 = time.perf_counter()
                sent = await trond.client.room_send(
                    pair,
                    "m.room.message",
                    {"msgtype": "m.text", "body": "lag rom"},
                    ignore_unverified_devices=True,
                )
                assert isinstance(sent, RoomSendResponse)
                created = await trond.client.room_create(
                    name=f"Samsnakk · raw{i}",
                    room_version=ROOM_VERSION,
                    initial_state=[ENCRYPTION_STATE, *initial_state("joined")[1:]],
                    power_level_override=power_levels(),
                    invite=[per.user_id],
                )
                assert isinstance(created, RoomCreateResponse), created
                sent = await trond.client.room_send(
                    pair,
                    "m.room.message",
                    {"msgtype": "m.text", "body": "klart"},
                    ignore_unverified_devices=True,
                )
                assert isinstance(sent, RoomSendResponse)
                t_raw = time.perf_counter() - t0
                if i >= 3:
                    ours.append(t_ours)
                    raw.append(t_raw)
            await trond.stop()
            await per.stop()
            await other.stop()
        finally:
            await app.stop()
            synapse.process.stop()

    m_ours, m_raw = statistics.median(ours), statistics.median(raw)
    print(f"rounds: {rounds}")
    print(f"!rom ny until ready        median {m_ours * 1000:7.1f} ms  max {max(ours) * 1000:7.1f}")
    print(f"raw send+createRoom+send   median {m_raw * 1000:7.1f} ms  max {max(raw) * 1000:7.1f}")
    print(f"ratio (median)             {m_ours / m_raw:.2f}x   target <= 1.3x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    asyncio.run(main(parser.parse_args().rounds))
