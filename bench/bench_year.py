"""A year of a helsefellesskap's data, with our nightly inbox purge and closed-room key drop,
against the same year without them (the raw growth), in the same run.

**Load, and its basis.** 10,000 active brukerrom (the design target, docs/scaling.md §2) and
2 messages per room per day (the planning estimate there: coordination, not treatment; the
pilot report gives no message counts), so 20,000 message events a day, spread at random over
the rooms and the day. Each room starts with 12 state events (what the 10,000-room bench
stored per room: 120,027 inbox rows). The bot also answers: 1 in 20 messages is the bot's.

**Our database.** Two SQLite files get exactly the same events through our own intake path
(``services.inbox.to_inbox_event`` then ``InboxRepo.add_events``, then ``mark_processed``);
for the volume, a day's messages go in as one ``add_events`` call, not 200 transactions of
100 as Synapse would send them (the intake's speed is ``bench_intake.py``'s subject).
In one, ``InboxPurge.run()`` runs each night at
03:15 Oslo time, keeping 7 days (``services/inbox_purge.py``); the other is never purged,
as before issue 14. At the end the usage report (``usage_figures``, what ``samsnakk rapport``
and the admin report print) must give the same figures on both, for the last month and the
whole year; the bench fails otherwise.

**The bot's crypto store.** Inbound Megolm sessions as the bot would receive them: 1.5
sending devices per room and week, each starting a new session weekly (Element's rotation), so
78 per room and year. Rows are written straight into nio's tables (real vodozemac pickles,
one per row), for the volume. ``--closed-share`` of the rooms (default 30 %, an assumption)
close during the year and are replaced by new ones; with our drop (D72, ``matrix/room_keys``)
a closed room's sessions go when it closes, without it they stay. Then a restart's cost:
nio's eager load of every session (raw) against our lazy store (D160), which loads none until
a message needs one.

    .venv/bin/python bench/bench_year.py [--rooms 10000] [--days 365] [--per-room-day 2]
        [--closed-share 0.3] [--skip-db] [--skip-store] [--eager-limit 200000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import secrets
import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from samsnakk_bot.domain.dates import OSLO
from samsnakk_bot.domain.report import Period
from samsnakk_bot.domain.rollups import day_start, next_day
from samsnakk_bot.services.inbox import to_inbox_event
from samsnakk_bot.services.inbox_purge import InboxPurge
from samsnakk_bot.store import Database, InboxRepo
from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.models import AccountRow, BrukerromRow, RoomRow
from samsnakk_bot.store.report_queries import usage_figures
from samsnakk_bot.store.rollups import InboxRollups

SERVER = "samsnakk.localhost"
BOT = f"@samsnakk:{SERVER}"
STATE_PER_ROOM = 12
TXN = 100
HOUR_MS = 3600 * 1000


def _b64(n: int) -> str:
    return secrets.token_urlsafe(n)


def _state_events(room_id: str, creator: str, ts: int) -> list[dict[str, Any]]:
    """A room's opening state, whole, as Synapse sends it (sizes like our real rooms')."""
    kinds = [
        ("m.room.create", "", {"creator": BOT, "room_version": "12"}),
        ("m.room.member", BOT, {"membership": "join", "displayname": "Samsnakk"}),
        ("m.room.power_levels", "", {"users": {BOT: 100}, "events_default": 0, "ban": 100}),
        ("m.room.join_rules", "", {"join_rule": "invite"}),
        ("m.room.history_visibility", "", {"history_visibility": "joined"}),
        ("m.room.guest_access", "", {"guest_access": "forbidden"}),
        ("m.room.encryption", "", {"algorithm": "m.megolm.v1.aes-sha2"}),
        ("m.room.name", "", {"name": "Samsnakk · 48213"}),
        ("m.room.canonical_alias", "", {"alias": f"#samsnakk.48213:{SERVER}"}),
        ("m.room.member", creator, {"membership": "invite"}),
        ("m.room.member", creator, {"membership": "join", "displayname": "Ansatt"}),
        ("m.room.member", "@b:x", {"membership": "join", "displayname": "Bruker"}),
    ]
    return [
        {
            "event_id": "$" + _b64(32),
            "room_id": room_id,
            "type": t,
            "state_key": key,
            "sender": BOT,
            "origin_server_ts": ts,
            "content": content,
            "unsigned": {"age": 12},
        }
        for t, key, content in kinds
    ]


def _message(room_id: str, sender: str, ts: int) -> dict[str, Any]:
    return {
        "event_id": "$" + _b64(32),
        "room_id": room_id,
        "type": "m.room.encrypted",
        "sender": sender,
        "origin_server_ts": ts,
        "content": {
            "algorithm": "m.megolm.v1.aes-sha2",
            "ciphertext": _b64(600),
            "session_id": _b64(32),
            "device_id": "ABCDEFGHIJ",
            "sender_key": _b64(32),
        },
    }


def _ms(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, tzinfo=OSLO).timestamp() * 1000)


class Twin:
    """One SQLite database of ours, fed through our intake path."""

    def __init__(self, path: Path, purge: bool) -> None:
        self.path = path
        self.db = Database(f"sqlite+aiosqlite:///{path}")
        self.inbox = InboxRepo(self.db)
        self.purge_on = purge
        self.now = 0
        self.purger = InboxPurge(InboxRollups(self.db), BOT, lambda: self.now)
        self.purge_s = 0.0
        self.deleted = 0

    async def add(self, events: list[dict[str, Any]], now_ms: int) -> None:
        rows = [e for e in (to_inbox_event(ev, now_ms) for ev in events) if e is not None]
        for start in range(0, len(rows), TXN):
            await self.inbox.add_events(secrets.token_hex(4), rows[start : start + TXN])

    async def process_all(self, now_ms: int) -> None:
        while pending := await self.inbox.fetch_pending(5000):
            await self.inbox.mark_processed([e.id for e in pending], now_ms)

    async def night(self, day_ms: int) -> None:
        if not self.purge_on:
            return
        self.now = day_ms + 3 * HOUR_MS + 15 * 60 * 1000
        began = time.perf_counter()
        purged = await self.purger.run()
        self.purge_s += time.perf_counter() - began
        self.deleted += purged.deleted

    def sizes(self) -> dict[str, float]:
        with sqlite3.connect(self.path) as conn:
            page = conn.execute("PRAGMA page_size").fetchone()[0]
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            free = conn.execute("PRAGMA freelist_count").fetchone()[0]
            inbox = conn.execute("SELECT count(*) FROM inbox_events").fetchone()[0]
            rollups = conn.execute("SELECT count(*) FROM message_rollups").fetchone()[0]
        return {
            "file_mb": self.path.stat().st_size / 1e6,
            "used_mb": (pages - free) * page / 1e6,
            "inbox_rows": inbox,
            "rollup_rows": rollups,
        }


async def _seed_rooms(twins: list[Twin], rooms: list[str], creators: list[str], t0: int) -> None:
    accounts, brukerrom, room_rows = table_of(AccountRow), table_of(BrukerromRow), table_of(RoomRow)
    for twin in twins:
        await twin.db.upgrade()
        async with twin.db.engine.begin() as conn:
            await conn.execute(
                accounts.insert(),
                [
                    {"user_id": c, "role": "ansatt", "org": f"org{i % 10}", "created_ms": t0}
                    for i, c in enumerate(creators)
                ],
            )
            await conn.execute(
                room_rows.insert(),
                [
                    {"room_id": r, "kind": "brukerrom", "encrypted": True, "created_ms": t0}
                    for r in rooms
                ],
            )
            await conn.execute(
                brukerrom.insert(),
                [
                    {
                        "room_id": r,
                        "label": str(10000 + i),
                        "creator_user_id": creators[i % len(creators)],
                        "state": "active",
                        "created_ms": t0,
                        "last_activity_ms": t0,
                    }
                    for i, r in enumerate(rooms)
                ],
            )


async def bench_db(n_rooms: int, days: int, per_room_day: float, workdir: Path) -> None:
    rng = random.Random(14)
    ours, raw = Twin(workdir / "ours.db", True), Twin(workdir / "raw.db", False)
    t0 = _ms(2026, 1, 1)
    rooms = [f"!{_b64(18)}:{SERVER}" for _ in range(n_rooms)]
    creators = [f"@ansatt{i}:{SERVER}" for i in range(max(1, n_rooms * 3 // 20))]
    await _seed_rooms([ours, raw], rooms, creators, t0)
    for start in range(0, n_rooms, 500):
        events = [e for r in rooms[start : start + 500] for e in _state_events(r, creators[0], t0)]
        for twin in (ours, raw):
            await twin.add(events, t0)
    per_day = int(n_rooms * per_room_day)
    print(
        f"{n_rooms} rooms, {per_day} message events a day for {days} days "
        f"({per_day * days:,} in all)",
        flush=True,
    )
    day = t0
    intake_s = 0.0
    began = time.perf_counter()
    for d in range(days):
        following = next_day(day)
        events = []
        for _ in range(per_day):
            ts = day + int(rng.random() * (following - day))
            sender = BOT if rng.random() < 0.05 else creators[rng.randrange(len(creators))]
            events.append(_message(rooms[rng.randrange(n_rooms)], sender, ts))
        events.sort(key=lambda e: e["origin_server_ts"])
        for twin in (ours, raw):
            await twin.night(day)
            t = time.perf_counter()
            # Received during the day: the intake stamps the arrival time, an hour at a time.
            # One transaction for the day, for the volume (Synapse sends at most 100 a time).
            rows = [
                r
                for hour in range(24)
                for r in (
                    to_inbox_event(e, day + hour * HOUR_MS + 1)
                    for e in events
                    if (e["origin_server_ts"] - day) // HOUR_MS == hour
                )
                if r is not None
            ]
            await twin.inbox.add_events(secrets.token_hex(4), rows)
            await twin.process_all(following - 1)
            intake_s += time.perf_counter() - t
        day = following
        if (d + 1) % 30 == 0:
            print(
                f"  day {d + 1}: {time.perf_counter() - began:.0f} s; "
                f"ours {ours.sizes()['used_mb']:.0f} MB, raw {raw.sizes()['used_mb']:.0f} MB",
                flush=True,
            )
    await ours.night(day)
    # The report must not see a purge: the last whole month, and the year.
    end = day_start(day)
    month_start = _ms(*_month_before(end))
    for period in (Period(month_start, end), Period(t0, end)):
        for org in (None, "org3"):
            a = await usage_figures(ours.db, org, period, exclude_senders=[BOT])
            b = await usage_figures(raw.db, org, period, exclude_senders=[BOT])
            assert a == b, (period, org, a, b)
    print("usage report: the same figures with and without the purge (month and year)")
    o, r = ours.sizes(), raw.sizes()
    print(f"{'':28} {'ours (purged)':>16} {'raw (never purged)':>20} {'ratio':>7}")
    for key in ("used_mb", "file_mb", "inbox_rows", "rollup_rows"):
        ratio = o[key] / r[key] if r[key] else float("nan")
        print(f"{key:28} {o[key]:>16,.1f} {r[key]:>20,.1f} {ratio:>7.3f}")
    print(
        f"purge: {ours.purge_s:.1f} s over {days} nights "
        f"({ours.purge_s / max(days, 1) * 1000:.0f} ms a night), {ours.deleted:,} rows deleted"
    )
    await ours.db.close()
    await raw.db.close()


def _month_before(end_ms: int) -> tuple[int, int, int]:
    moment = datetime.fromtimestamp(end_ms / 1000, OSLO)
    year, month = (moment.year, moment.month - 1) if moment.month > 1 else (moment.year - 1, 12)
    return year, month, 1


# -- the bot's crypto store ----------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_store(
    n_rooms: int, days: int, closed_share: float, eager_limit: int, workdir: Path
) -> None:
    from nio.crypto import InboundGroupSession, OlmAccount, OutboundGroupSession
    from nio.store import DefaultStore
    from nio.store.models import MegolmInboundSessions

    from samsnakk_bot.matrix.lazy_sessions import LazySessionStore
    from samsnakk_bot.matrix.room_keys import _drop_stored

    rng = random.Random(15)
    weeks = days / 7
    per_room = round(1.5 * weeks)
    closing = int(n_rooms * closed_share)
    print(
        f"crypto store: {n_rooms} active rooms, {closing} more closed during the year, "
        f"{per_room} inbound sessions per room (1.5 sending devices x {weeks:.0f} weeks)",
        flush=True,
    )
    account = OlmAccount()
    key = "pickle-key"
    pickles = []
    for _ in range(200):
        s = InboundGroupSession(
            OutboundGroupSession().session_key, account.identity_keys["ed25519"], "K", "!r"
        )
        pickles.append(s.pickle(key))
    results: dict[str, dict[str, float]] = {}
    for label, drop in (("ours (closed rooms dropped)", True), ("raw (kept)", False)):
        path = workdir / ("store-drop" if drop else "store-keep")
        path.mkdir()
        store = LazySessionStore(BOT, "BOTDEVICE", str(path), key, "bot.db")
        store.save_account(account)
        with store.database.bind_ctx(store.models):
            acc = store._get_account()
        all_rooms = [f"!{_b64(18)}:{SERVER}" for _ in range(n_rooms + closing)]
        t = time.perf_counter()
        rows = []
        for room in all_rooms:
            for _ in range(per_room):
                rows.append(
                    {
                        "sender_key": _b64(32),
                        "account": acc,
                        "fp_key": _b64(32),
                        "room_id": room,
                        "session": pickles[rng.randrange(len(pickles))],
                        "session_id": _b64(32),
                    }
                )
            if len(rows) >= 20000:
                _insert(store, MegolmInboundSessions, rows)
                rows = []
        _insert(store, MegolmInboundSessions, rows)
        write_s = time.perf_counter() - t
        t = time.perf_counter()
        dropped = 0
        if drop:
            for room in rng.sample(all_rooms, closing):
                dropped += _drop_stored(store, room)
        drop_s = time.perf_counter() - t
        with store.database.bind_ctx(store.models):
            count = MegolmInboundSessions.select().count()
        store.database.close()
        db = path / "bot.db"
        with sqlite3.connect(db) as conn:
            conn.execute("VACUUM")
        results[label] = {"sessions": count, "mb": db.stat().st_size / 1e6}
        print(
            f"  {label}: wrote {write_s:.0f} s, dropped {dropped:,} in {drop_s:.1f} s; "
            f"{count:,} sessions, {results[label]['mb']:.0f} MB after VACUUM",
            flush=True,
        )
    o, r = results["ours (closed rooms dropped)"], results["raw (kept)"]
    print(f"{'':28} {'ours':>12} {'raw':>12} {'ratio':>7}")
    for k in ("sessions", "mb"):
        print(f"{k:28} {o[k]:>12,.1f} {r[k]:>12,.1f} {o[k] / r[k]:>7.3f}")
    # What a restart pays for the sessions: our lazy store against nio's eager load.
    path = workdir / "store-drop"
    rss0 = _rss_mb()
    t = time.perf_counter()
    lazy = LazySessionStore(BOT, "BOTDEVICE", str(path), key, "bot.db")
    sessions = lazy.load_inbound_group_sessions()
    lazy_s = time.perf_counter() - t
    with lazy.database.bind_ctx(lazy.models):
        row = MegolmInboundSessions.select().first()
    t = time.perf_counter()
    assert sessions.get(row.room_id, row.sender_key, row.session_id) is not None
    first_get_ms = (time.perf_counter() - t) * 1000
    lazy_rss = _rss_mb() - rss0
    eager = DefaultStore(BOT, "BOTDEVICE", str(path), key, "bot.db")
    if o["sessions"] > eager_limit:
        with eager.database.bind_ctx(eager.models):
            acc = eager._get_account()
            head = list(acc.inbound_group_sessions.limit(eager_limit))
        t = time.perf_counter()
        with eager.database.bind_ctx(eager.models):  # as nio's own load does, per session
            for s in head:
                InboundGroupSession.from_pickle(
                    s.session,
                    s.fp_key,
                    s.sender_key,
                    s.room_id,
                    key,
                    [c.sender_key for c in s.forwarded_chains],
                )
        part = time.perf_counter() - t
        eager_s = part * o["sessions"] / eager_limit
        note = f" (extrapolated from {eager_limit:,} sessions: {part:.1f} s)"
    else:
        t = time.perf_counter()
        eager.load_inbound_group_sessions()
        eager_s = time.perf_counter() - t
        note = ""
    print(
        f"restart, session load: ours (lazy) {lazy_s * 1000:.0f} ms + {first_get_ms:.1f} ms "
        f"for a room's first session, {lazy_rss:.0f} MB; raw (nio eager) {eager_s:.1f} s{note}; "
        f"ratio {lazy_s / eager_s:.4f}"
    )


def _insert(store: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    with store.database.bind_ctx(store.models), store.database.atomic():
        for start in range(0, len(rows), 2000):
            model.insert_many(rows[start : start + 2000]).execute()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=10000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-room-day", type=float, default=2.0)
    parser.add_argument("--closed-share", type=float, default=0.3)
    parser.add_argument("--eager-limit", type=int, default=200_000)
    parser.add_argument("--skip-db", action="store_true")
    parser.add_argument("--skip-store", action="store_true")
    parser.add_argument("--work-dir", default=None)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-year-") as tmp:
        work = Path(args.work_dir or tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.skip_store:
            bench_store(args.rooms, args.days, args.closed_share, args.eager_limit, work)
        if not args.skip_db:
            asyncio.run(bench_db(args.rooms, args.days, args.per_room_day, work))
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
