"""Varsel fan-out and outbox throughput, in one run against a real Synapse and a local LINK
Mobility (tests/fakes): a message in a 6-person brukerrom until each of the 5 SMS provider
calls (throttling off), next to a raw message relay; then varsler per second through the
outbox to the provider.

    .venv/bin/python bench/bench_varsler.py [--rounds 30] [--bulk 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from brukerrom_flow import command, create_brukerrom, dm_with_bot
from fakes.linkmobility import FakeLinkMobility
from matrix_harness import new_user, start_synapse

from bridge.channels.sms_linkmobility import LinkMobilityConfig
from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.config import VarselConfig
from samsnakk_bot.crypto.labels import address_aad
from samsnakk_bot.policies import load_policies
from samsnakk_bot.store.varsler import NewVarsel


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main(rounds: int, bulk: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        synapse = start_synapse(tmp / "synapse")
        sms = FakeLinkMobility(username="bench", password="benchpassord", dedupe_ref_id=False)
        await sms.start()
        base = load_policies(Path("policies"))
        varsler = base.policy.varsler.model_copy(
            update={"throttle_period": timedelta(0), "quiet_start": 3, "quiet_end": 4}
        )
        policies = base.model_copy(
            update={"policy": base.policy.model_copy(update={"varsler": varsler})}
        )
        cfg = synapse.stack.config.model_copy(
            update={
                "varsler": VarselConfig(
                    sms=LinkMobilityConfig(
                        base_url=sms.base_url,
                        username="bench",
                        password="benchpassord",
                        platform_id="fake-platform",
                        platform_partner_id="fake-partner",
                    )
                )
            }
        )
        app = SamsnakkApp(cfg, policies=policies)
        calls: dict[str, float] = {}
        app.outbox_worker.on_provider_call = lambda v, t: calls.setdefault(v.idem_key, t)
        try:
            await app.start()
            people = [await new_user(synapse, tmp / "c") for _ in range(6)]
            writer, bruker, *staff = people
            await app.accounts.upsert(writer.user_id, "ansatt", "Askøy kommune", "W", 0)
            await app.accounts.upsert(bruker.user_id, "bruker", None, "B", 0)
            for i, p in enumerate(staff):
                await app.accounts.upsert(p.user_id, "ansatt", "NAV", f"S{i}", 0)
            for i, p in enumerate([bruker, *staff]):
                dm = await dm_with_bot(app, p)
                await command(app, p, dm, f"!varsel sms 41 50 00 0{i}", "Lagret")
            room = await create_brukerrom(app, writer, bruker)
            for p in staff:
                await command(app, bruker, room, f"!legg-til {p.user_id}", "er invitert")
                await p.accept_invite(room)
            await asyncio.sleep(1.0)

            fanout, relay = [], []
            for i in range(rounds + 3):
                t0 = time.perf_counter()
                event_id = await writer.send(room, f"melding {i}")
                keys = [k for k in list(calls) if event_id in k]
                while len(keys) < 5:
                    await asyncio.sleep(0.002)
                    keys = [k for k in list(calls) if event_id in k]
                mark = len(bruker.seen)
                await bruker.wait_for_message(
                    room,
                    lambda s, e=event_id: s.sender == writer.user_id,
                    after=mark - 1,
                    timeout=10,
                )
                if i >= 3:
                    fanout += [calls[k] - t0 for k in keys]
                t1 = time.perf_counter()
                mark = len(staff[0].seen)
                await writer.send(room, f"relé {i}")
                await staff[0].wait_for_message(
                    room,
                    lambda s, n=i: s.sender == writer.user_id and s.body == f"relé {n}",
                    after=mark,
                )
                if i >= 3:
                    relay.append(time.perf_counter() - t1)
            dupes = len(sms.messages) - len({m.ref_id for m in sms.messages})

            cipher = app.cipher
            now = app.clock.now_ms()
            rows = [
                NewVarsel(
                    f"bulk:{n}",
                    f"@bulk{n}:x",
                    "sms",
                    "reminder",
                    None,
                    now,
                    cipher.encrypt(f"+47415{n:05d}".encode(), address_aad(f"bulk:{n}")),
                )
                for n in range(bulk)
            ]
            before = len(sms.messages)
            # Clock starts before the first enqueue: the worker drains while rows arrive,
            # so this counts enqueue + claim + provider call + record for every varsel.
            t0 = time.perf_counter()
            for row in rows:
                await app.outbox.enqueue(row, now)
            app.outbox_worker.wake()
            while len(sms.messages) - before < bulk:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            elapsed = time.perf_counter() - t0
            for p in people:
                await p.stop()
        finally:
            await app.stop()
            await sms.stop()
            synapse.process.stop()

    print(f"fan-out: {rounds} messages x 5 recipients by SMS, throttling off")
    print(
        f"  message -> provider call  p50 {_quantile(fanout, 0.5) * 1000:7.1f} ms  "
        f"p95 {_quantile(fanout, 0.95) * 1000:7.1f} ms   target p95 < 2000 ms"
    )
    print(f"  raw message relay (same room)  median {statistics.median(relay) * 1000:7.1f} ms")
    print(f"  duplicate provider calls: {dupes}")
    print(
        f"outbox throughput: {bulk} SMS varsler in {elapsed:.2f} s = {bulk / elapsed:.0f}/s"
        "   target >= 200/s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--bulk", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.bulk))
