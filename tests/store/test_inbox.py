from __future__ import annotations

import json

from samsnakk_bot.store import Database, InboxEventIn, InboxRepo


def make_event(n: int, room: str = "!r:test") -> InboxEventIn:
    return InboxEventIn(
        event_id=f"$ev{n}",
        room_id=room,
        event_type="m.room.member",
        sender="@a:test",
        state_key="@a:test",
        payload=json.dumps({"n": n}),
        received_ms=1000 + n,
    )


async def test_same_event_twice_is_stored_once(db: Database) -> None:
    inbox = InboxRepo(db)

    first = await inbox.add_events("1", [make_event(1)])
    again = await inbox.add_events("2", [make_event(1)])

    assert (first, again) == (1, 0)
    assert [e.event_id for e in await inbox.fetch_pending()] == ["$ev1"]


async def test_duplicate_within_one_transaction_is_stored_once(db: Database) -> None:
    inbox = InboxRepo(db)

    added = await inbox.add_events("1", [make_event(1), make_event(2), make_event(1)])

    assert added == 2
    assert await inbox.count_pending() == 2


async def test_reused_txn_id_after_synapse_restart_still_stores_new_events(db: Database) -> None:
    inbox = InboxRepo(db)
    await inbox.add_events("1", [make_event(1), make_event(2)])

    added = await inbox.add_events("1", [make_event(3)])

    assert added == 1
    pending = await inbox.fetch_pending()
    assert [(e.txn_id, e.event_id) for e in pending] == [
        ("1", "$ev1"),
        ("1", "$ev2"),
        ("1", "$ev3"),
    ]


async def test_empty_transaction_adds_nothing(db: Database) -> None:
    assert await InboxRepo(db).add_events("1", []) == 0


async def test_pending_events_come_oldest_first_and_leave_when_processed(db: Database) -> None:
    inbox = InboxRepo(db)
    await inbox.add_events("1", [make_event(n) for n in range(5)])

    first = await inbox.fetch_pending(limit=2)
    await inbox.mark_processed([e.id for e in first], now_ms=5000)
    rest = await inbox.fetch_pending()

    assert [e.event_id for e in first] == ["$ev0", "$ev1"]
    assert [e.event_id for e in rest] == ["$ev2", "$ev3", "$ev4"]
    assert await inbox.count_pending() == 3


async def test_fetched_event_keeps_every_field(db: Database) -> None:
    inbox = InboxRepo(db)
    ev = InboxEventIn("$x", None, "m.presence", "@b:test", None, '{"k": "v"}', 42)
    await inbox.add_events("t9", [ev])

    (got,) = await inbox.fetch_pending()

    assert (got.txn_id, got.event_id, got.room_id, got.event_type) == (
        "t9",
        "$x",
        None,
        "m.presence",
    )
    assert (got.sender, got.state_key, got.payload, got.received_ms) == (
        "@b:test",
        None,
        '{"k": "v"}',
        42,
    )


async def test_large_transaction_is_split_into_chunks_and_stored_whole(db: Database) -> None:
    inbox = InboxRepo(db)
    events = [make_event(n) for n in range(2500)]

    added = await inbox.add_events("1", events)
    again = await inbox.add_events("2", events)

    assert (added, again) == (2500, 0)
    assert await inbox.count_pending() == 2500
    pending = await inbox.fetch_pending(limit=3000)
    assert [e.event_id for e in pending] == [e.event_id for e in events]

    await inbox.mark_processed([e.id for e in pending], now_ms=9000)
    assert await inbox.count_pending() == 0


async def test_purge_removes_only_old_processed_events(db: Database) -> None:
    inbox = InboxRepo(db)
    await inbox.add_events("1", [make_event(n) for n in range(3)])
    ev0, ev1, _ = await inbox.fetch_pending()
    await inbox.mark_processed([ev0.id], now_ms=100)
    await inbox.mark_processed([ev1.id], now_ms=300)

    purged = await inbox.purge_processed(older_than_ms=200)

    assert purged == 1
    # ev1 is processed but recent, so a re-delivery of it is still recognised as a duplicate.
    assert await inbox.add_events("2", [make_event(1)]) == 0
    assert [e.event_id for e in await inbox.fetch_pending()] == ["$ev2"]


async def test_marking_processed_twice_keeps_the_first_time(db: Database) -> None:
    inbox = InboxRepo(db)
    await inbox.add_events("1", [make_event(1)])
    (ev,) = await inbox.fetch_pending()
    await inbox.mark_processed([ev.id], now_ms=100)
    await inbox.mark_processed([ev.id], now_ms=900)

    assert await inbox.purge_processed(older_than_ms=200) == 1
