"""Issue 12: ``check_event_for_spam`` over real HTTP and a real database.

It answers within its deadline and fails closed for state events when the database errs or
hangs (a hanging endpoint would hold Synapse for 60 s), messages never touch the database, and
the bot's own name does not make a foreign setting or tombstone pass.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import power_levels
from samsnakk_bot.http.antispam import AntispamRoutes
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.services.access import AccessService
from samsnakk_bot.store import Database
from samsnakk_bot.store.brukerrom import Brukerrom, BrukerromRepo, ParticipantRepo
from samsnakk_bot.store.refused_rooms import RefusedRoomRepo

SECRET = "event-check-secret"
AUTH = {"Authorization": f"Bearer {SECRET}"}
BOT = "@samsnakk:test"
BRUKER = "@bruker:test"
ANSATT = "@ansatt:test"
ROOM = "!brukerrom:test"
CLOSED = "!closed:test"
SUCCESSOR = "!successor:test"
DEADLINE_S = 0.3

Audit = list[tuple[str, str | None, str, str, dict[str, Any]]]


class HangingRooms(BrukerromRepo):
    async def get(self, room_id: str) -> Brukerrom | None:
        await asyncio.Event().wait()
        return None


class BrokenRooms(BrukerromRepo):
    async def get(self, room_id: str) -> Brukerrom | None:
        raise RuntimeError("database is gone")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'samsnakk.db'}")
    await database.upgrade()
    rooms, participants = BrukerromRepo(database), ParticipantRepo(database)
    await rooms.create(ROOM, "1001", ANSATT, BRUKER, "active", 1)
    await participants.approve(ROOM, BRUKER, "bruker", 1)
    await rooms.create(CLOSED, "1002", ANSATT, BRUKER, "active", 1)
    await rooms.close(CLOSED, 2)
    await RefusedRoomRepo(database).add(SUCCESSOR, ROOM, 3)
    yield database
    await database.close()


async def serve(rooms: BrukerromRepo, db: Database, audit: Audit) -> TestClient[Any, Any]:
    access = AccessService(rooms, ParticipantRepo(db), BOT, refused=RefusedRoomRepo(db))

    async def record(
        actor: str, room_id: str | None, action: str, subject: str, details: dict[str, Any]
    ) -> None:
        audit.append((actor, room_id, action, subject, details))

    app = web.Application()
    AntispamRoutes(SECRET, access, record, Metrics(), event_deadline_s=DEADLINE_S).register(app)
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


def event(etype: str, content: dict[str, Any], sender: str = BOT, room: str = ROOM) -> Any:
    return {
        "event": {
            "type": etype,
            "room_id": room,
            "sender": sender,
            "state_key": "",
            "content": content,
            "event_id": "$e",
        }
    }


async def ask(client: TestClient[Any, Any], body: Any) -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    resp = await client.post("/_samsnakk/antispam/check_event_for_spam", json=body, headers=AUTH)
    return resp.status, await resp.json(), time.monotonic() - started


@pytest.mark.parametrize("repo", [HangingRooms, BrokenRooms], ids=["hanging", "failing"])
async def test_state_event_fails_closed_within_the_deadline(
    db: Database, repo: type[BrukerromRepo]
) -> None:
    client = await serve(repo(db), db, [])
    try:
        status, body, took = await ask(
            client, event("m.room.history_visibility", {"history_visibility": "joined"})
        )
        assert status == 403 and body["error"] == texts.ACCESS_CHECK_FAILED
        assert took < DEADLINE_S + 1.0
        # A message needs no database: it passes at once, even now.
        message = {"event": {"type": "m.room.encrypted", "room_id": ROOM, "sender": BRUKER}}
        status, _, took = await ask(client, message)
        assert status == 200 and took < 1.0
    finally:
        await client.close()


async def test_bot_name_does_not_carry_foreign_settings_or_tombstones(db: Database) -> None:
    audit: Audit = []
    client = await serve(BrukerromRepo(db), db, audit)
    try:
        refused = [
            event("m.room.history_visibility", {"history_visibility": "shared"}),
            event("m.room.guest_access", {"guest_access": "can_join"}),
            event("m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2", "x": 1}),
            event("m.room.power_levels", {**power_levels(), "users": {ANSATT: 100}}),
            event("m.room.tombstone", {"replacement_room": SUCCESSOR}),
            event("m.room.tombstone", {"replacement_room": ""}),  # the room is not closed
        ]
        for body in refused:
            status, answer, _ = await ask(client, body)
            assert status == 403, body
            assert answer["error"] == texts.ACCESS_STATE_CHANGE_REFUSED
        allowed = [
            event("m.room.history_visibility", {"history_visibility": "joined"}),
            event("m.room.power_levels", {**power_levels(), "historical": 100}),
            event("m.room.name", {"name": "Samsnakk · 1001"}),
            event("m.room.tombstone", {"replacement_room": ""}, room=CLOSED),
        ]
        for body in allowed:
            status, _, _ = await ask(client, body)
            assert status == 200, body
        reasons = [entry[4]["reason"] for entry in audit]
        assert reasons == ["state_not_as_set"] * 4 + ["tombstone_not_ours"] * 2
        assert {entry[2] for entry in audit} == {"state_change_refused"}
    finally:
        await client.close()


async def test_joins_and_invites_into_a_refused_room_are_refused(db: Database) -> None:
    client = await serve(BrukerromRepo(db), db, [])
    try:
        for callback, body in (
            ("user_may_join_room", {"user": BRUKER, "room": SUCCESSOR, "is_invited": True}),
            ("user_may_join_room", {"user": BOT, "room": SUCCESSOR, "is_invited": False}),
            ("user_may_invite", {"inviter": BOT, "invitee": BRUKER, "room_id": SUCCESSOR}),
        ):
            resp = await client.post(f"/_samsnakk/antispam/{callback}", json=body, headers=AUTH)
            assert resp.status == 403, body
            assert (await resp.json())["error"] == texts.ACCESS_ROOM_REFUSED
    finally:
        await client.close()
