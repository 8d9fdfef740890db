"""Appservice transaction intake in events/s, until the events are durably in the inbox, on
SQLite and on PostgreSQL, against a raw aiohttp handler that only parses the JSON and answers
200, in the same run.

Our side is the whole app (`SamsnakkApp.start()` against its own Synapse), so the inbox worker
and its real handlers run while the transactions arrive, as in production; the "worker off"
rows pause it, to show the persistence path alone and then the worker alone. The transactions go
straight to our HTTP endpoint, `PUT /_matrix/app/v1/transactions/{txnId}` with the hs_token,
from a separate client process, one at a time: Synapse keeps one transaction in flight per
appservice. The events are `m.room.encrypted`, shaped like Synapse serialises them, with random
ciphertext of 200-1,200 base64 characters. A 200 means committed (SQLite WAL with
synchronous=FULL, PostgreSQL synchronous_commit=on), and the run checks the rows afterwards.

    .venv/bin/python bench/bench_intake.py [--events 20000] [--batches 1,50,100]
        [--pg-url postgresql+asyncpg://USER:PASS@HOST:PORT/DB]  (or SAMSNAKK_TEST_PG_URL)

PostgreSQL is skipped unless a URL is given; the bench makes and drops its own database there.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

SERVER = "samsnakk.localhost"


# -- the client process: Synapse's side of the wire ------------------------------------------


def _b64(n: int) -> str:
    return base64.b64encode(os.urandom(n)).decode().rstrip("=")


def make_events(n: int, rng: random.Random) -> list[dict[str, object]]:
    """``n`` encrypted room messages as an appservice receives them (Synapse's format)."""
    rooms = ["!" + _b64(32).replace("+", "-").replace("/", "_") for _ in range(200)]
    senders = [f"@ansatt{i}:{SERVER}" for i in range(300)]
    sessions = {r: (_b64(32), _b64(32), _b64(7).upper()[:10]) for r in rooms}
    now = int(time.time() * 1000)
    events = []
    for i in range(n):
        room = rooms[rng.randrange(len(rooms))]
        sender = senders[rng.randrange(len(senders))]
        sender_key, session_id, device = sessions[room]
        events.append(
            {
                "type": "m.room.encrypted",
                "room_id": room,
                "sender": sender,
                "content": {
                    "algorithm": "m.megolm.v1.aes-sha2",
                    "ciphertext": _b64(rng.randrange(150, 900)),
                    "device_id": device,
                    "sender_key": sender_key,
                    "session_id": session_id,
                },
                "event_id": "$" + _b64(32).replace("+", "-").replace("/", "_"),
                "origin_server_ts": now + i,
                "unsigned": {"age": rng.randrange(5, 80)},
                "user_id": sender,
            }
        )
    return events


async def client_main(url: str, token: str, batch: int, n: int, txn_prefix: str) -> None:
    """Send ``n`` events in transactions of ``batch``, one in flight; print the timings."""
    import aiohttp

    events = make_events(n, random.Random(txn_prefix))
    bodies = [json.dumps({"events": events[i : i + batch]}).encode() for i in range(0, n, batch)]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as http:
        async with http.put(f"{url}/{txn_prefix}-warm", data=b'{"events":[]}', headers=headers):
            pass
        started = time.perf_counter()
        for i, body in enumerate(bodies):
            t0 = time.perf_counter()
            async with http.put(f"{url}/{txn_prefix}-{i}", data=body, headers=headers) as resp:
                await resp.read()
                if resp.status != 200:
                    raise SystemExit(f"transaction {i}: HTTP {resp.status}")
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
    size = sum(len(b) for b in bodies)
    print(json.dumps({"elapsed": elapsed, "latencies": latencies, "bytes": size}))


# -- the bench process --------------------------------------------------------------------


@dataclass
class Run:
    target: str
    batch: int
    events: int
    elapsed: float
    latencies: list[float]
    body_bytes: int
    drained_after: float | None = None

    @property
    def rate(self) -> float:
        return self.events / self.elapsed


def _uptime() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


async def _send(url: str, token: str, batch: int, n: int, prefix: str) -> dict[str, object]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--client",
        url,
        token,
        str(batch),
        str(n),
        prefix,
        stdout=subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"client failed with {proc.returncode}")
    return dict(json.loads(out))


def _events_for(batch: int, total: int) -> int:
    # Single-event transactions pay a commit each; a tenth of the events shows their rate.
    return total if batch >= 10 else max(200, total // 10)


async def raw_runs(batches: list[int], total: int) -> list[Run]:
    """The raw equivalent: an aiohttp handler that checks nothing, parses, and answers 200."""
    from aiohttp import web

    async def transaction(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        assert isinstance(body.get("events"), list)
        return web.json_response({})

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_put("/_matrix/app/v1/transactions/{txn_id}", transaction)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    from matrix_harness import free_port

    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    url = f"http://127.0.0.1:{port}/_matrix/app/v1/transactions"
    runs = []
    try:
        for batch in batches:
            n = _events_for(batch, total)
            got = await _send(url, "raw", batch, n, f"raw-{secrets.token_hex(4)}")
            runs.append(_run("raw parse+200", batch, n, got))
    finally:
        await runner.cleanup()
    return runs


def _run(target: str, batch: int, n: int, got: dict[str, object]) -> Run:
    latencies = got["latencies"]
    assert isinstance(latencies, list)
    return Run(target, batch, n, float(str(got["elapsed"])), latencies, int(str(got["bytes"])))


async def our_runs(backend: str, db_url: str | None, batches: list[int], total: int) -> list[Run]:
    from matrix_harness import start_synapse
    from sqlalchemy import func, select

    from samsnakk_bot.app import SamsnakkApp
    from samsnakk_bot.config import DatabaseConfig
    from samsnakk_bot.store.models import InboxEventRow

    runs = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("SAMSNAKK_BENCH_TMP")) as tmp:
        synapse = start_synapse(Path(tmp) / "synapse")
        cfg = synapse.stack.config
        if db_url is not None:
            cfg = cfg.model_copy(update={"database": DatabaseConfig(url=db_url)})
        app = SamsnakkApp(cfg)
        try:
            await app.start()
            url = f"http://127.0.0.1:{cfg.appservice.port}/_matrix/app/v1/transactions"
            repo = app.inbox._repo
            plan = [(b, False) for b in batches] + [(b, True) for b in batches if b >= 50]
            for batch, paused in plan:
                n = _events_for(batch, total)
                prefix = f"bench-{secrets.token_hex(4)}"
                if paused:
                    # The persistence path alone: the inbox worker idles until all are in.
                    # (Not cancelled: a cancelled database call can leave a lock behind, D33.)
                    app.inbox.process_pending = _nothing_pending  # type: ignore[method-assign]
                t0 = time.perf_counter()
                got = await _send(url, cfg.appservice.hs_token, batch, n, prefix)
                label = f"ours, {backend}" + (", worker off" if paused else "")
                run = _run(label, batch, n, got)
                # Every acknowledged event must be there: count them from the table.
                async with app.db.engine.connect() as conn:
                    stored = (
                        await conn.execute(
                            select(func.count())
                            .select_from(InboxEventRow)
                            .where(InboxEventRow.txn_id.like(f"{prefix}-%"))
                        )
                    ).scalar_one()
                assert stored == n, (stored, n)
                if paused:
                    t0 = time.perf_counter()  # "all processed" then times the worker alone
                    del app.inbox.process_pending
                    app.inbox._wake.set()
                while await repo.count_pending():  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
                run.drained_after = time.perf_counter() - t0
                runs.append(run)
        finally:
            await app.stop()
            synapse.process.stop()
    return runs


async def _nothing_pending() -> int:
    return 0


async def _pg_database(url: str) -> tuple[str, str]:
    """A fresh database next to ``url``'s; returns (its URL, its name)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"samsnakk_intake_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(base.set(drivername="postgresql").render_as_string(False))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return base.set(database=name).render_as_string(False), name


async def _drop_pg_database(url: str, name: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(url).set(drivername="postgresql")
    conn = await asyncpg.connect(base.render_as_string(False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def _ms(v: float) -> str:
    return f"{v * 1000:6.1f}"


def _report(runs: list[Run]) -> None:
    raw: dict[int, list[float]] = {}
    for r in runs:
        if r.target.startswith("raw"):
            raw.setdefault(r.batch, []).append(r.elapsed / r.events)
    print(
        f"{'target':<30} {'batch':>5} {'events':>7} {'events/s':>9} {'txn p50 ms':>10} "
        f"{'p95 ms':>7} {'MB/s':>6} {'ratio':>7} {'all processed':>14}"
    )
    for r in runs:
        p95 = statistics.quantiles(r.latencies, n=20)[-1] if len(r.latencies) > 1 else 0
        ratio = (r.elapsed / r.events) / statistics.mean(raw[r.batch])
        drained = (
            f"{r.drained_after:5.1f} s ({r.events / r.drained_after:5.0f}/s)"
            if r.drained_after
            else ""
        )
        print(
            f"{r.target:<30} {r.batch:>5} {r.events:>7} {r.rate:>9.0f} "
            f"{_ms(statistics.median(r.latencies)):>10} {_ms(p95):>7} "
            f"{r.body_bytes / r.elapsed / 1e6:>6.1f} {ratio:>6.1f}x {drained:>14}"
        )
    print("events/s: until the last 200 (persisted); ratio: time per event, ours / raw (mean")
    print("of both raw runs), so 1.0x would mean persisting costs nothing")
    print("all processed: from the first transaction until the inbox worker had handled all;")
    print("with the worker off, from when it was started again after the last transaction")
    print("target: >= 5,000 events/s")


async def main(total: int, batches: list[int], pg_url: str | None) -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    load_before = _uptime()
    runs = await raw_runs(batches, total)
    runs += await our_runs("SQLite", None, batches, total)
    if pg_url:
        url, name = await _pg_database(pg_url)
        try:
            runs += await our_runs("PostgreSQL", url, batches, total)
        finally:
            await _drop_pg_database(pg_url, name)
    runs += await raw_runs(batches, total)  # again, so load changes show
    print(f"load average before {load_before}, after {_uptime()} (1, 5, 15 min)")
    _report(runs)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        url, token, batch, n, prefix = sys.argv[2:7]
        asyncio.run(client_main(url, token, int(batch), int(n), prefix))
        raise SystemExit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--batches", default="1,50,100")
    parser.add_argument("--pg-url", default=os.environ.get("SAMSNAKK_TEST_PG_URL"))
    args = parser.parse_args()
    batches = [int(b) for b in args.batches.split(",")]
    asyncio.run(main(args.events, batches, args.pg_url))
