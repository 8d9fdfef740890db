"""Each transaction event is handled once: replays, restarts and reused txnIds."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import Any

import aiohttp
import pytest

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse


def _event(tag: str) -> dict[str, Any]:
    return {
        "event_id": f"${tag}-{secrets.token_hex(6)}",
        "type": "m.room.message",
        "room_id": "!replaytest:samsnakk.localhost",
        "sender": "@someone:samsnakk.localhost",
        "origin_server_ts": 1,
        "content": {"msgtype": "m.text", "body": "secret health detail"},
    }


async def _put(app: SamsnakkApp, txn_id: str, events: list[dict[str, Any]]) -> int:
    url = f"{app.cfg.appservice.url}/_matrix/app/v1/transactions/{txn_id}"
    headers = {"Authorization": f"Bearer {app.cfg.appservice.hs_token}"}
    async with aiohttp.ClientSession() as http:
        async with http.put(url, json={"events": events}, headers=headers) as resp:
            return resp.status


class Recorder:
    def __init__(self, ids: set[str]) -> None:
        self.ids = ids
        self.handled: list[str] = []

    async def __call__(self, event: dict[str, Any]) -> None:
        if event.get("event_id") in self.ids:
            self.handled.append(event["event_id"])


async def _settle(recorder: Recorder, count: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(recorder.handled) < count:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)  # and give a duplicate the chance to show up


async def test_replayed_transaction_is_handled_once_even_across_restart(
    app: SamsnakkApp,
) -> None:
    events = [_event("a"), _event("b")]
    ids = {e["event_id"] for e in events}
    first = Recorder(ids)
    app.inbox.add_handler(first)

    assert await _put(app, "replay-1", events) == 200
    assert await _put(app, "replay-1", events) == 200  # Synapse retrying
    await _settle(first, 2)
    assert sorted(first.handled) == sorted(ids)

    await app.stop()
    await app.start()
    second = Recorder(ids)
    app.inbox.add_handler(second)
    assert await _put(app, "replay-1", events) == 200  # replay after our restart
    await _settle(second, 1, timeout=1.0)
    assert second.handled == []
    assert sorted(first.handled) == sorted(ids)


async def test_new_transaction_reusing_an_old_txn_id_is_processed(app: SamsnakkApp) -> None:
    """Synapse on SQLite restarts txnIds at 1, so the same ID can carry new events."""
    old, new = [_event("old")], [_event("new")]
    recorder = Recorder({old[0]["event_id"], new[0]["event_id"]})
    app.inbox.add_handler(recorder)
    assert await _put(app, "1", old) == 200
    assert await _put(app, "1", new) == 200
    await _settle(recorder, 2)
    assert recorder.handled == [old[0]["event_id"], new[0]["event_id"]]


async def test_inbox_keeps_no_message_content(app: SamsnakkApp) -> None:
    event = _event("content")
    assert await _put(app, "content-1", [event]) == 200
    async with app.db.session() as s:
        from sqlalchemy import text

        row = (
            await s.execute(
                text("SELECT payload FROM inbox_events WHERE event_id = :e"),
                {"e": event["event_id"]},
            )
        ).one()
    assert "secret health detail" not in row.payload
    assert event["event_id"] in row.payload
