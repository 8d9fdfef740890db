"""The inbox hands each persisted transaction to its live listeners (D176)."""

from __future__ import annotations

import json
from typing import Any

from samsnakk_bot.clock import SystemClock
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.services.inbox import InboxService
from samsnakk_bot.store import Database, InboxRepo

MESSAGE = {
    "event_id": "$m1",
    "type": "m.room.encrypted",
    "room_id": "!r:test",
    "sender": "@a:test",
    "origin_server_ts": 1,
    "content": {"algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEn...", "session_id": "s"},
}


async def test_a_listener_gets_the_events_as_they_came_while_the_inbox_keeps_no_ciphertext(
    db: Database,
) -> None:
    repo = InboxRepo(db)
    inbox = InboxService(repo, SystemClock(), Metrics())
    heard: list[list[dict[str, Any]]] = []
    inbox.add_live_listener(heard.append)

    assert await inbox.accept_transaction("1", [MESSAGE]) == 1

    assert heard == [[MESSAGE]]
    stored = await repo.fetch_pending()
    assert [e.event_id for e in stored] == ["$m1"]
    assert "ciphertext" not in json.loads(stored[0].payload).get("content", {})


async def test_a_failing_listener_does_not_fail_the_transaction_or_lose_events(
    db: Database,
) -> None:
    repo = InboxRepo(db)
    inbox = InboxService(repo, SystemClock(), Metrics())

    def broken(events: list[dict[str, Any]]) -> None:
        raise RuntimeError("listener bug")

    heard: list[list[dict[str, Any]]] = []
    inbox.add_live_listener(broken)
    inbox.add_live_listener(heard.append)

    assert await inbox.accept_transaction("1", [MESSAGE]) == 1

    assert heard == [[MESSAGE]], "a listener after the broken one still hears it"
    assert [e.event_id for e in await repo.fetch_pending()] == ["$m1"]
