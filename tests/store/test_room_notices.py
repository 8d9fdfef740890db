"""The room-notice outbox on SQLite and PostgreSQL: stored once per key, due in order,
retried later, and done when sent or given up."""

from __future__ import annotations

from samsnakk_bot.domain.records import NewRoomNotice
from samsnakk_bot.store import Database
from samsnakk_bot.store.room_notices import RoomNoticeRepo


async def test_a_notice_is_stored_once_and_due_until_sent(db: Database) -> None:
    repo = RoomNoticeRepo(db)
    notices = [
        NewRoomNotice("k.0.0", "!a:hs.test", "Trond er ikke lenger med.", None, "@t:hs.test"),
        NewRoomNotice("k.0.1", "!a:hs.test", "Møte 1 mangler nå en ansvarlig.", "<b>1</b>"),
        NewRoomNotice("k.1.0", "!b:hs.test", "Trond er ikke lenger med.", None, "@t:hs.test"),
    ]
    assert await repo.add_many(notices, 1000) == 3
    assert await repo.add_many(notices[:1], 2000) == 0  # the same promise made again

    due = await repo.due(1000)
    assert [(n.idem_key, n.room_id, n.wait_gone) for n in due] == [
        ("k.0.0", "!a:hs.test", "@t:hs.test"),
        ("k.0.1", "!a:hs.test", None),
        ("k.1.0", "!b:hs.test", "@t:hs.test"),
    ]
    assert due[1].html == "<b>1</b>" and due[0].attempts == 0

    await repo.sent(due[0].id, 1100)
    await repo.retry(due[1].id, 1, 5000)
    await repo.dead(due[2].id, 5)

    assert await repo.due(4999) == []
    later = await repo.due(5000)
    assert [(n.idem_key, n.attempts) for n in later] == [("k.0.1", 1)]
    assert await repo.pending() == 1
