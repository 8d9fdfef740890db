"""Antispam overhead on an invite: the same invite on a Synapse with our module and on one
without, in the same run. The module calls our fail-closed check over loopback.

    .venv/bin/python bench/bench_antispam.py [--rounds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from matrix_harness import MatrixUser, RunningSynapse, new_user, start_synapse
from nio import RoomCreateResponse, RoomInviteResponse


class Inviter:
    def __init__(self, user: MatrixUser, invitees: list[MatrixUser]) -> None:
        self.user, self.invitees = user, invitees

    @classmethod
    async def on(cls, synapse: RunningSynapse, tmp: Path) -> Inviter:
        return cls(await new_user(synapse, tmp), [await new_user(synapse, tmp) for _ in range(4)])

    async def timed_invite(self, i: int) -> float:
        created = await self.user.client.room_create()
        assert isinstance(created, RoomCreateResponse), created
        t0 = time.perf_counter()
        resp = await self.user.client.room_invite(created.room_id, self.invitees[i % 4].user_id)
        elapsed = time.perf_counter() - t0
        assert isinstance(resp, RoomInviteResponse), resp
        return elapsed

    async def stop(self) -> None:
        for user in (self.user, *self.invitees):
            await user.stop()


def _start_appservice(synapse: RunningSynapse) -> subprocess.Popen[bytes]:
    """Our appservice in its own process, as in production."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samsnakk_bot.cli",
            "run",
            "--config",
            str(synapse.stack.config_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"{synapse.stack.config.appservice.url}/healthz"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("appservice did not become healthy")


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with_module = start_synapse(Path(tmp) / "with", antispam=True)
        without = start_synapse(Path(tmp) / "without", antispam=False)
        appservice = _start_appservice(with_module)
        try:
            a = await Inviter.on(with_module, Path(tmp) / "c1")
            b = await Inviter.on(without, Path(tmp) / "c2")
            ours, raw = [], []
            # Alternate the two servers invite by invite, so drift hits both alike.
            for i in range(rounds + 5):
                t_ours, t_raw = await a.timed_invite(i), await b.timed_invite(i)
                if i >= 5:
                    ours.append(t_ours)
                    raw.append(t_raw)
            await a.stop()
            await b.stop()
        finally:
            appservice.send_signal(signal.SIGTERM)
            appservice.wait(30)
            with_module.process.stop()
            without.process.stop()
    m_ours, m_raw = statistics.median(ours), statistics.median(raw)
    print(f"invites per server: {len(ours)}")
    print(f"invite with antispam     median {m_ours * 1000:6.1f} ms")
    print(f"invite without antispam  median {m_raw * 1000:6.1f} ms")
    print(f"ratio (median)           {m_ours / m_raw:.2f}x   target <= 1.1x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=60)
    asyncio.run(main(parser.parse_args().rounds))
