"""Round trip of `!hjelp` (client sends, bot replies, client decrypts) against a raw relay of
one message between two clients, in the same run on the same Synapse.

A round trip is two messages through Synapse and a relay is one, so the run also measures a
raw echo (client B's own E2EE client answers each message at once): the like-for-like figure.

    .venv/bin/python bench/bench_hjelp.py [--rounds 40]
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

from matrix_harness import MatrixUser, new_user, start_synapse

from samsnakk_bot.app import SamsnakkApp


async def _round_trip(
    sender: MatrixUser, waiter: MatrixUser, room: str, body: str, from_user: str
) -> float:
    mark = len(waiter.seen)
    started = time.perf_counter()
    await sender.send(room, body)
    await waiter.wait_for_message(
        room, lambda s: s.sender == from_user and s.decrypted, after=mark, timeout=30
    )
    return time.perf_counter() - started


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        synapse = start_synapse(Path(tmp) / "synapse")
        app = SamsnakkApp(synapse.stack.config)
        try:
            await app.start()
            alice = await new_user(synapse, Path(tmp) / "clients")
            bob = await new_user(synapse, Path(tmp) / "clients")
            bot = app.cfg.bot_user_id

            dm = await alice.create_dm(bot)
            await alice.wait_for_message(dm, lambda s: s.sender == bot)
            pair = await alice.create_dm(bob.user_id)
            await bob.wait_for(lambda: pair in bob.client.invited_rooms, 10, "invite")
            await bob.client.join(pair)
            await alice.wait_for_member(pair, bob.user_id, "join")

            echo_room = await alice.create_dm(bob.user_id)
            await bob.wait_for(lambda: echo_room in bob.client.invited_rooms, 10, "invite")
            await bob.client.join(echo_room)
            await alice.wait_for_member(echo_room, bob.user_id, "join")
            _echo_from(bob, echo_room)

            ours, raw, echo = [], [], []
            for i in range(rounds + 3):  # three warm-up rounds share keys and fill caches
                t_ours = await _round_trip(alice, alice, dm, "!hjelp", bot)
                t_raw = await _round_trip(alice, bob, pair, f"melding {i}", alice.user_id)
                t_echo = await _round_trip(alice, alice, echo_room, f"ping {i}", bob.user_id)
                if i >= 3:
                    ours.append(t_ours)
                    raw.append(t_raw)
                    echo.append(t_echo)
            await alice.stop()
            await bob.stop()
        finally:
            await app.stop()
            synapse.process.stop()

    m_ours, m_raw, m_echo = (statistics.median(v) for v in (ours, raw, echo))
    print(f"rounds: {rounds}")
    print(f"!hjelp round trip   median {m_ours * 1000:7.1f} ms  p95 {_p95(ours) * 1000:7.1f} ms")
    print(f"raw message relay   median {m_raw * 1000:7.1f} ms  p95 {_p95(raw) * 1000:7.1f} ms")
    print(f"raw echo (2 msgs)   median {m_echo * 1000:7.1f} ms  p95 {_p95(echo) * 1000:7.1f} ms")
    print(f"ratio vs relay      {m_ours / m_raw:.2f}x   (design target <= 1.5x)")
    print(f"ratio vs raw echo   {m_ours / m_echo:.2f}x")


def _echo_from(user: MatrixUser, room_id: str) -> None:
    """Make ``user``'s client answer every message from someone else in ``room_id``."""
    from nio import MatrixRoom, RoomMessageText

    async def answer(room: MatrixRoom, event: RoomMessageText) -> None:
        if room.room_id == room_id and event.sender != user.user_id:
            await user.client.room_send(
                room_id,
                "m.room.message",
                {"msgtype": "m.text", "body": "pong"},
                ignore_unverified_devices=True,
            )

    user.client.add_event_callback(answer, RoomMessageText)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    asyncio.run(main(parser.parse_args().rounds))
