"""The bot in N encrypted brukerrom (default 1,000): restart time with stored sync state, and
resident memory, against a plain nio client with the same store doing the same first sync.

Set-up (against its own Synapse, SQLite): the bot creates N brukerrom as `!rom ny` does
(`BrukerromService.create`: room v12, E2EE in the initial state, our power levels, DB rows,
audit), invites `--members` approved people with E2EE devices, they join, and the bot sends one
encrypted message in each room, so every room has a Megolm session shared to real devices.
An ansatt who is in none of those rooms has a DM with the bot.

Then the app stops, and each restart runs in a fresh process (imports included), with the same
data directory, crypto store and database, while Synapse keeps running:
- ours: `SamsnakkApp(cfg).start()`, then the ansatt sends `!hjelp` in the DM and waits for the
  decrypted answer. "ready" is the moment the answer arrives, counted from the process spawn;
- raw: nio's `AsyncClient` (through our MSC4190 subclass, `matrix/client.py`) on the same store
  doing the same first sync from the stored token as our bot does (only what changed, D55);
- raw full state: the same client doing `sync(full_state=True)`, which is what the bot did
  before D55 (every room's state on every restart), for reference.
Restarts alternate, ours, ours with nio's eager Megolm load (before D160), raw, raw full state
(unless `--no-full-state`), `--restarts` times. RSS is the restarted
process's own (`VmRSS`, and `VmHWM` for its peak), read from /proc/self/status. Each of our
restarts also waits for the start-up guard sweep (`joined_members` of every brukerrom) and
reports its length; the last one then has nio rebuild every room, as after a long uptime in
which the bot spoke everywhere, and reports RSS again (the worst case for memory).

    .venv/bin/python bench/bench_bot_scale.py [--rooms 1000] [--restarts 3]
        [--data-dir DIR]   keep Synapse and the app's data there; a second run with the same
                           DIR reuses the rooms (and only creates the missing ones)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def _memory() -> dict[str, float]:
    """This process's resident and peak resident memory, in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def _emit(kind: str, **values: Any) -> None:
    print(json.dumps({"kind": kind, **values}), flush=True)


# -- the restarted processes ----------------------------------------------------------------


async def child_ours(config_path: str, spawned: float, eager: bool = False) -> None:
    """Our app, restarted: report when start() returns, then memory when asked, then stop.

    ``eager``: nio's own store, which loads every Megolm session at start (before D160).
    """
    import logging

    marks: dict[str, float] = {"imported": time.time() - spawned}

    class Marks(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            msg = record.getMessage()
            if msg.startswith("bot ") and " ready on device " in msg:
                marks.setdefault("bot ready", time.time() - spawned)

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("samsnakk_bot.matrix.bot").setLevel(logging.INFO)
    logging.getLogger("samsnakk_bot.matrix.bot").addHandler(Marks())
    logging.getLogger("nio").setLevel(logging.ERROR)

    from samsnakk_bot.app import SamsnakkApp
    from samsnakk_bot.config import load_config
    from samsnakk_bot.matrix.client import AppserviceClient

    original_sync = AppserviceClient.sync

    async def timed_sync(self: AppserviceClient, *args: Any, **kwargs: Any) -> Any:
        first = "first sync" not in marks
        t0 = time.time()
        result = await original_sync(self, *args, **kwargs)
        if first:
            marks["first sync"] = time.time() - t0
            marks["first sync done"] = time.time() - spawned
        return result

    AppserviceClient.sync = timed_sync  # type: ignore[method-assign]

    import samsnakk_bot.matrix.client as client_module

    if eager:
        from nio.store import DefaultStore

        client_module.LazySessionStore = DefaultStore  # type: ignore[misc,assignment]
    original_load = AppserviceClient.load_store

    def timed_load(self: AppserviceClient) -> None:
        t0 = time.time()
        original_load(self)
        marks.setdefault("store load", time.time() - t0)

    AppserviceClient.load_store = timed_load  # type: ignore[method-assign]

    from samsnakk_bot.services.guard import Guard

    original_sweep = Guard.sweep_all
    swept = asyncio.Event()

    async def timed_sweep(self: Guard) -> int:
        t0 = time.time()
        removed = await original_sweep(self)
        marks.setdefault("guard sweep", time.time() - t0)
        swept.set()
        return removed

    Guard.sweep_all = timed_sweep  # type: ignore[method-assign]
    _mark_command_path(marks, spawned)
    _time_start_steps(marks)
    marks["imported"] = time.time() - spawned

    app = SamsnakkApp(load_config(Path(config_path)))
    marks["app built"] = time.time() - spawned
    if os.environ.get("BENCH_PROFILE"):
        # Where start() spends its time, on stderr (cumulative, top 40).
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        await app.start()
        profile.disable()
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
    else:
        await app.start()
    marks["started"] = time.time() - spawned
    assert app.bot.client is not None
    _emit("started", marks=marks, memory=_memory(), rooms=len(app.bot.client.rooms))
    command = await asyncio.to_thread(sys.stdin.readline)  # the parent saw the answer
    memory = _memory()
    # The start-up sweep (joined_members of every brukerrom) runs in the background; its
    # length is part of the capacity picture, so wait for it (bounded) and report it.
    try:
        await asyncio.wait_for(swept.wait(), 1800)
    except TimeoutError:
        pass
    after_sweep = _memory()
    all_rooms = None
    if command.strip() == "all":
        all_rooms = await _use_every_room(app)
    _emit(
        "answered",
        marks=marks,
        arrivals=arrivals,
        memory=memory,
        sweep=marks.get("guard sweep"),
        after_sweep=after_sweep,
        all_rooms=all_rooms,
    )
    await app.stop()


def _time_start_steps(marks: dict[str, float]) -> None:
    """How long each step of start() takes, in wall time (its HTTP waits included)."""
    import samsnakk_bot.matrix.bot as bot_module
    from samsnakk_bot.app import SamsnakkApp
    from samsnakk_bot.matrix.client import AppserviceClient
    from samsnakk_bot.store.database import Database

    def timed(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.time()
            try:
                return await original(*args, **kwargs)
            finally:
                marks.setdefault(f"[{label}]", time.time() - t0)

        setattr(owner, name, wrapper)

    timed(Database, "upgrade", "db upgrade")
    timed(SamsnakkApp, "_start_http", "http up")
    timed(SamsnakkApp, "_call_for_backlog", "ping")
    timed(bot_module, "register_bot", "register")
    timed(bot_module, "ensure_device", "device")
    timed(bot_module, "ensure_cross_signed", "cross-signing")
    timed(AppserviceClient, "get_displayname", "displayname")
    timed(AppserviceClient, "keys_upload", "keys upload")


# Per command event: when its transaction came and when the bot's /sync brought it.
arrivals: dict[str, dict[str, float]] = {}


def _mark_command_path(marks: dict[str, float], spawned: float) -> None:
    """Where the first command's round trip goes: its event in an appservice transaction,
    decrypted from the bot's /sync, the reply sent."""
    from samsnakk_bot.matrix.bot import BotRuntime
    from samsnakk_bot.services.inbox import InboxService

    accept = InboxService.accept_transaction

    async def timed_accept(self: InboxService, txn_id: str, events: list[dict[str, Any]]) -> int:
        for e in events:
            if e.get("type") == "m.room.encrypted" and not str(e.get("sender")).startswith(
                "@samsnakk:"
            ):
                marks.setdefault("command in txn", time.time() - spawned)
                arrivals.setdefault(str(e.get("event_id")), {})["txn"] = time.time() - spawned
        return await accept(self, txn_id, events)

    on_text = BotRuntime._on_text

    async def timed_text(self: BotRuntime, room: Any, event: Any) -> None:
        marks.setdefault("command from sync", time.time() - spawned)
        arrivals.setdefault(event.event_id, {})["sync"] = time.time() - spawned
        await on_text(self, room, event)

    send_reply = BotRuntime.send_reply

    async def timed_reply(self: BotRuntime, room_id: str, reply: Any) -> str:
        marks.setdefault("reply to send", time.time() - spawned)
        event_id = await send_reply(self, room_id, reply)
        marks.setdefault("reply sent", time.time() - spawned)
        return event_id

    InboxService.accept_transaction = timed_accept  # type: ignore[method-assign]
    BotRuntime._on_text = timed_text  # type: ignore[method-assign]
    BotRuntime.send_reply = timed_reply  # type: ignore[method-assign]


async def _use_every_room(app: Any) -> dict[str, float]:
    """The long-uptime worst case: nio holds every room, as if the bot had spoken in each."""
    client = app.bot.client
    limit = asyncio.Semaphore(8)

    async def one(room_id: str) -> None:
        async with limit:
            await client.joined_room(room_id)

    t0 = time.time()
    await asyncio.gather(*(one(r) for r in list(client.encrypted_rooms)))
    return {"seconds": time.time() - t0, "rooms": len(client.rooms), **_memory()}


async def child_raw(config_path: str, spawned: float, full_state: bool) -> None:
    """The raw equivalent: nio on the same store, the same first sync, nothing else."""
    from nio import SyncError

    from samsnakk_bot.config import load_config
    from samsnakk_bot.matrix.client import AppserviceClient

    marks = {"imported": time.time() - spawned}
    cfg = load_config(Path(config_path))
    store = cfg.bot.store_dir
    device_id = json.loads((store / "device.json").read_text())["device_id"]
    client = AppserviceClient(
        cfg.homeserver.url, cfg.bot_user_id, device_id, store, cfg.bot.pickle_key
    )
    client.restore_login(cfg.bot_user_id, device_id, cfg.appservice.as_token)
    marks["store loaded"] = time.time() - spawned
    assert client.loaded_sync_token is not None, "no stored sync token"
    t0 = time.time()
    resp = await client.sync(timeout=0, full_state=full_state)
    assert not isinstance(resp, SyncError), resp
    marks["first sync"] = time.time() - t0
    marks["started"] = time.time() - spawned
    _emit("started", marks=marks, memory=_memory(), rooms=len(client.rooms))
    await client.close()


# -- the bench process ----------------------------------------------------------------------


async def _login(url: str, store: Path, user_id: str, password: str) -> Any:
    from nio import AsyncClient, AsyncClientConfig, LoginResponse

    await asyncio.to_thread(store.mkdir, parents=True, exist_ok=True)
    client = AsyncClient(
        url,
        user_id,
        store_path=str(store),
        config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False),
    )
    login = await client.login(password, device_name="bench")
    assert isinstance(login, LoginResponse), login
    if client.should_upload_keys:
        await client.keys_upload()
    return client


async def _member_pool(synapse: Any, data: Path, size: int) -> list[Any]:
    """People with E2EE devices who join the rooms; they do not sync (nothing reads there)."""
    import secrets

    from samsnakk_bot.ops.admin_register import register_user

    state_file = data / "bench-members.json"
    known = json.loads(state_file.read_text()) if state_file.exists() else []
    while len(known) < size:
        localpart = f"deltaker{len(known)}"
        password = secrets.token_urlsafe(12)
        result = await asyncio.to_thread(
            register_user,
            synapse.url,
            synapse.stack.synapse.registration_shared_secret,
            localpart,
            password,
        )
        known.append({"user_id": result["user_id"], "password": password})
        state_file.write_text(json.dumps(known))
    return [
        await _login(
            synapse.url, data / "members" / f"{i}-{time.time_ns()}", m["user_id"], m["password"]
        )
        for i, m in enumerate(known[:size])
    ]


async def _create_rooms(app: Any, creator: str, members: list[Any], n: int, per_room: int) -> None:
    """N brukerrom as !rom ny makes them, each with ``per_room`` joined, approved members and
    one encrypted message from the bot."""
    from samsnakk_bot.domain.replies import Reply
    from samsnakk_bot.matrix.as_http import MatrixHttpError

    limit = asyncio.Semaphore(12)
    collisions: list[int] = []
    done = 0
    t0 = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal done
        async with limit:
            for attempt in range(5):
                try:
                    room = await app.rooms_service.create(creator, None, [])
                    break
                except MatrixHttpError as err:
                    # Two concurrent creates can draw the same free label: its alias is then
                    # taken (409, or 400 M_ROOM_IN_USE) for the second. Draw again, as a
                    # retried !rom ny would.
                    taken = err.status == 409 or err.errcode == "M_ROOM_IN_USE"
                    if not taken or attempt == 4:
                        raise
                    collisions.append(i)
            chosen = random.Random(i).sample(members, per_room)
            for member in chosen:
                await app.participants.approve(
                    room.room_id, member.user_id, "deltaker", app.clock.now_ms()
                )
            app.access.invalidate(room.room_id)
            for member in chosen:
                await app.actions.invite(room.room_id, member.user_id)
                resp = await member.join(room.room_id)
                assert hasattr(resp, "room_id"), resp
            await app.actions.say(room.room_id, Reply(f"Velkommen til rom {i}.", None))
            done += 1
            if done % 200 == 0:
                rate = done / (time.perf_counter() - t0)
                print(f"  {done}/{n} rooms, {rate:.1f} rooms/s", file=sys.stderr, flush=True)

    await asyncio.gather(*(one(i) for i in range(n)))
    if collisions:
        print(f"  {len(collisions)} label collisions (409) retried", file=sys.stderr)


async def setup(data: Path, n: int, per_room: int, pool: int) -> tuple[Any, Any, str, float]:
    """Synapse, N rooms (made or reused), and an ansatt with a DM; the app is stopped after."""
    from matrix_harness import new_user, start_synapse
    from sqlalchemy import func, select

    from samsnakk_bot.app import SamsnakkApp
    from samsnakk_bot.store.models import BrukerromRow

    synapse = start_synapse(data / "stack")
    app = SamsnakkApp(synapse.stack.config)
    ok = False
    try:
        await app.start()
        async with app.db.engine.connect() as conn:
            have = (await conn.execute(select(func.count()).select_from(BrukerromRow))).scalar_one()
        creator = await new_user(synapse, data / "clients")
        await app.accounts.upsert(creator.user_id, "ansatt", "Askøy kommune", "Trond", 0)
        t0 = time.perf_counter()
        if have < n:
            members = await _member_pool(synapse, data, pool)
            print(f"creating {n - have} rooms ({have} exist)", file=sys.stderr, flush=True)
            await _create_rooms(app, creator.user_id, members, n - have, per_room)
            for m in members:
                await m.close()
        made = time.perf_counter() - t0
        dm = await creator.create_dm(app.cfg.bot_user_id)
        await creator.wait_for_message(dm, lambda s: s.sender == app.cfg.bot_user_id)
        mark = len(creator.seen)
        await creator.send(dm, "!hjelp")
        await creator.wait_for_message(
            dm, lambda s: s.sender == app.cfg.bot_user_id and s.decrypted, after=mark
        )
        ok = True
    finally:
        await app.stop()
        if not ok:
            synapse.process.stop()
    return synapse, creator, dm, made


async def _spawn(kind: str, config: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        f"--child-{kind}",
        str(config),
        str(time.time()),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )


async def _read(proc: asyncio.subprocess.Process) -> dict[str, Any]:
    assert proc.stdout is not None
    while True:
        line = await proc.stdout.readline()
        if not line:
            raise RuntimeError("the restarted process ended early")
        if line.startswith(b"{"):
            return dict(json.loads(line))


async def restart_ours(
    config: Path, creator: Any, dm: str, bot: str, use_all: bool = False, kind: str = "ours"
) -> dict[str, Any]:
    t0 = time.perf_counter()
    wall0 = time.time()
    proc = await _spawn(kind, config)
    started = await _read(proc)
    t_started = time.perf_counter() - t0
    mark = len(creator.seen)
    t1 = time.perf_counter()
    await creator.send(dm, "!hjelp")
    await creator.wait_for_message(
        dm, lambda s: s.sender == bot and s.decrypted, after=mark, timeout=120
    )
    t_ready = time.perf_counter() - t0
    t_answer = time.perf_counter() - t1
    # A second command once the bot is running: the steady state, DM known to nio.
    await asyncio.sleep(1)
    mark = len(creator.seen)
    second = await creator.send(dm, "!hjelp")
    await creator.wait_for_message(
        dm, lambda s: s.sender == bot and s.decrypted, after=mark, timeout=120
    )
    second_answered = time.time() - wall0
    assert proc.stdin is not None
    proc.stdin.write(b"all\n" if use_all else b"report\n")
    await proc.stdin.drain()
    answered = await _read(proc)
    await proc.wait()
    return {
        "started": t_started,
        "ready": t_ready,
        "answer": t_answer,
        "marks": answered["marks"],
        "second": {**answered["arrivals"].get(second, {}), "answered": second_answered},
        "rooms": started["rooms"],
        "rss_started": started["memory"]["VmRSS"],
        "rss_answered": answered["memory"]["VmRSS"],
        "peak": answered["memory"]["VmHWM"],
        "sweep": answered["sweep"],
        "rss_swept": answered["after_sweep"]["VmRSS"],
        "all_rooms": answered["all_rooms"],
    }


async def restart_raw(config: Path, kind: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = await _spawn(kind, config)
    started = await _read(proc)
    t_started = time.perf_counter() - t0
    await proc.wait()
    return {
        "started": t_started,
        "ready": t_started,
        "marks": started["marks"],
        "rooms": started["rooms"],
        "rss_started": started["memory"]["VmRSS"],
        "peak": started["memory"]["VmHWM"],
    }


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


async def main(
    n: int,
    restarts: int,
    data_dir: str | None,
    per_room: int,
    pool: int,
    full_state: bool,
    only_ours: bool = False,
) -> None:
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("nio").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(data_dir) if data_dir else Path(tmp)
        load_setup = _load()
        synapse, creator, dm, made = await setup(data, n, per_room, pool)
        config = data / "stack" / "samsnakk.yaml"
        bot = synapse.stack.config.bot_user_id
        ours: list[dict[str, Any]] = []
        raw: list[dict[str, Any]] = []
        full: list[dict[str, Any]] = []
        eager: list[dict[str, Any]] = []
        load_before = _load()
        try:
            for i in range(restarts):
                last = i == restarts - 1
                ours.append(await restart_ours(config, creator, dm, bot, use_all=last))
                if only_ours:
                    continue
                eager.append(await restart_ours(config, creator, dm, bot, kind="ours-eager"))
                raw.append(await restart_raw(config, "raw"))
                if full_state:
                    full.append(await restart_raw(config, "raw-full"))
            load_after = _load()
            await creator.stop()
        finally:
            synapse.process.stop()

    print(f"rooms: {n} brukerrom, {per_room} joined members each (pool of {pool}) + the bot")
    if made > 1:
        print(f"set-up: created rooms in {made:.0f} s ({n / made:.1f} rooms/s; load {load_setup})")
    print(f"load average before restarts {load_before}, after {load_after} (1, 5, 15 min)")
    for name, runs in (("ours", ours), ("eager", eager), ("raw", raw), ("full", full)):
        for r in runs:
            marks = ", ".join(f"{k} {v:.2f}" for k, v in r["marks"].items())
            print(
                f"  {name:4} ready {r['ready']:6.2f} s  rss {r['rss_started']:6.1f} MB  "
                f"peak {r['peak']:6.1f} MB  nio rooms {r['rooms']}  [{marks}]"
            )
    seconds = [r["second"] for r in ours if "txn" in r["second"] and "sync" in r["second"]]
    for sec in seconds:
        print(
            f"  second command: answered {1000 * (sec['answered'] - sec['txn']):.0f} ms after "
            f"its transaction came; the bot's /sync brought it "
            f"{1000 * (sec['sync'] - sec['txn']):.0f} ms after the transaction"
        )
    m = {k: statistics.median(r[k] for r in ours) for k in ("started", "ready", "answer")}
    rss = statistics.median(r["rss_answered"] for r in ours)
    peak = statistics.median(r["peak"] for r in ours)
    print(f"ours: start() returned {m['started']:.2f} s; !hjelp answered {m['ready']:.2f} s")
    print(f"      after spawn ({m['answer'] * 1000:.0f} ms for the round trip)   target < 10 s")
    print(f"memory, ours: RSS {rss:.0f} MB after the answer, peak {peak:.0f} MB   target < 300 MB")
    if raw:
        m_raw = statistics.median(r["ready"] for r in raw)
        rss_raw = statistics.median(r["rss_started"] for r in raw)
        peak_raw = statistics.median(r["peak"] for r in raw)
        print(f"raw:  first sync done   {m_raw:.2f} s after spawn")
        print(f"ratio (ready / raw)     {m['ready'] / m_raw:.2f}x")
        print(f"memory, raw:  RSS {rss_raw:.0f} MB, peak {peak_raw:.0f} MB")
    if eager:
        e_ready = statistics.median(r["ready"] for r in eager)
        loads = [r["marks"].get("store load", 0.0) for r in ours]
        e_loads = [r["marks"].get("store load", 0.0) for r in eager]
        e_rss = statistics.median(r["rss_answered"] for r in eager)
        print(
            f"ours with every Megolm session loaded at start (before D160): ready {e_ready:.2f} s;"
            f" nio store load {statistics.median(e_loads) * 1000:.0f} ms against "
            f"{statistics.median(loads) * 1000:.0f} ms lazy"
        )
        print(f"memory, ours with eager sessions: RSS {e_rss:.0f} MB after the answer")
    if full:
        m_full = statistics.median(r["ready"] for r in full)
        rss_full = statistics.median(r["rss_started"] for r in full)
        print(f"raw full-state sync     {m_full:.2f} s after spawn (the pre-D55 way)")
        print(f"memory, raw full state: RSS {rss_full:.0f} MB")
    sweeps = [r["sweep"] for r in ours if r["sweep"] is not None]
    if sweeps:
        s = statistics.median(sweeps)
        after = statistics.median(r["rss_swept"] for r in ours)
        print(f"start-up guard sweep of {n} rooms: {s:.1f} s ({n / s:.0f} rooms/s)")
        print(f"RSS after the sweep {after:.0f} MB")
    every = ours[-1]["all_rooms"]
    if every:
        print(
            f"every room used since the start (last restart): {every['rooms']} rooms in nio, "
            f"RSS {every['VmRSS']:.0f} MB, peak {every['VmHWM']:.0f} MB "
            f"(rebuilt in {every['seconds']:.0f} s)"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("--child-"):
        kind, config_file, spawned = sys.argv[1].removeprefix("--child-"), *sys.argv[2:4]
        if kind in ("ours", "ours-eager"):
            asyncio.run(child_ours(config_file, float(spawned), eager=kind == "ours-eager"))
        else:
            asyncio.run(child_raw(config_file, float(spawned), full_state=kind == "raw-full"))
        raise SystemExit(0)
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--members", type=int, default=1, help="joined members per room")
    parser.add_argument("--pool", type=int, default=20, help="distinct members in all")
    parser.add_argument("--no-full-state", action="store_true", help="skip the pre-D55 raw run")
    parser.add_argument(
        "--only-ours", action="store_true", help="only our restarts (no eager or raw runs)"
    )
    args = parser.parse_args()
    data_dir = str(Path(args.data_dir).resolve()) if args.data_dir else None
    asyncio.run(
        main(
            args.rooms,
            args.restarts,
            data_dir,
            args.members,
            args.pool,
            not args.no_full_state,
            args.only_ours,
        )
    )
