"""The antispam endpoint Synapse asks before invites and joins: real HTTP, real database.

Synapse treats any 2xx as allow and anything else as refuse, showing our ``error`` text to the
person who tried. So every failure here must come back as a refusal, never as a 200.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.lifecycle import ParticipantEvent
from samsnakk_bot.http.antispam import AntispamRoutes
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.services.access import AccessService
from samsnakk_bot.store import Database
from samsnakk_bot.store.brukerrom import Brukerrom, BrukerromRepo, Participant, ParticipantRepo

SECRET = "antispam-test-secret"
BOT = "@samsnakk:test"
BRUKER = "@bruker:test"
ANSATT = "@ansatt:test"
STRANGER = "@fremmed:test"
REMOTE = "@someone:elsewhere"
ROOM = "!brukerrom:test"
CLOSED_ROOM = "!closed:test"
OTHER_ROOM = "!other:test"
AUTH = {"Authorization": f"Bearer {SECRET}"}


@dataclass
class FakeMonotonic:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class AuditRecorder:
    entries: list[tuple[str, str | None, str, str, dict[str, Any]]] = field(default_factory=list)
    fail: bool = False

    async def __call__(
        self, actor: str, room_id: str | None, action: str, subject: str, details: dict[str, Any]
    ) -> None:
        if self.fail:
            raise RuntimeError("audit store down")
        self.entries.append((actor, room_id, action, subject, details))


@dataclass
class Stack:
    http: TestClient[Any, Any]
    access: AccessService
    rooms: BrukerromRepo
    participants: ParticipantRepo
    audit: AuditRecorder
    metrics: Metrics
    clock: FakeMonotonic

    async def ask(self, callback: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        resp = await self.http.post(
            f"/_samsnakk/antispam/{callback}",
            json=body,
            headers=AUTH if headers is None else headers,
        )
        return resp.status, await resp.json()

    def count(self, callback: str, outcome: str) -> float:
        value = self.metrics.registry.get_sample_value(
            "samsnakk_antispam_decisions_total", {"callback": callback, "outcome": outcome}
        )
        return value or 0.0


async def _serve(access: AccessService, audit: AuditRecorder, deadline_s: float = 5.0) -> Any:
    metrics = Metrics()
    app = web.Application()
    AntispamRoutes(SECRET, access, audit, metrics, deadline_s=deadline_s).register(app)
    client: TestClient[Any, Any] = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client, metrics


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'samsnakk.db'}")
    await database.upgrade()
    rooms, participants = BrukerromRepo(database), ParticipantRepo(database)
    await rooms.create(ROOM, "Rom 1", ANSATT, BRUKER, "active", 1)
    await participants.approve(ROOM, BRUKER, "bruker", 1)
    await participants.approve(ROOM, ANSATT, "creator", 1)
    await rooms.create(CLOSED_ROOM, "Rom 2", ANSATT, BRUKER, "active", 1)
    await participants.approve(CLOSED_ROOM, BRUKER, "bruker", 1)
    await rooms.close(CLOSED_ROOM, 2)
    yield database
    await database.close()


@pytest.fixture
async def stack(db: Database) -> AsyncIterator[Stack]:
    rooms, participants = BrukerromRepo(db), ParticipantRepo(db)
    clock = FakeMonotonic()
    access = AccessService(rooms, participants, BOT, monotonic=clock)
    audit = AuditRecorder()
    client, metrics = await _serve(access, audit)
    yield Stack(client, access, rooms, participants, audit, metrics, clock)
    await client.close()


def invite(inviter: str, invitee: str, room: str = ROOM) -> dict[str, Any]:
    return {"inviter": inviter, "invitee": invitee, "room_id": room}


def join(user: str, room: str = ROOM, is_invited: bool = False) -> dict[str, Any]:
    return {"user": user, "room": room, "is_invited": is_invited}


def federated(sender: str, invitee: str, room: str = ROOM) -> dict[str, Any]:
    return {
        "event": {
            "type": "m.room.member",
            "room_id": room,
            "sender": sender,
            "state_key": invitee,
            "content": {"membership": "invite"},
            "event_id": "$invite",
        }
    }


def forbidden(text: str) -> dict[str, str]:
    return {"errcode": "M_FORBIDDEN", "error": text}


# --- Who may ask ---------------------------------------------------------------------------


async def test_request_without_token_is_401_and_not_allowed(stack: Stack) -> None:
    status, body = await stack.ask("user_may_invite", invite(BOT, BRUKER), headers={})
    assert (status, body["errcode"]) == (401, "M_UNAUTHORIZED")
    assert stack.count("user_may_invite", "unauthorized") == 1


async def test_request_with_wrong_token_is_403(stack: Stack) -> None:
    headers = {"Authorization": f"Bearer {SECRET}x"}
    status, body = await stack.ask("user_may_join_room", join(BRUKER), headers=headers)
    assert (status, body["errcode"]) == (403, "M_FORBIDDEN")


async def test_ping_echoes_its_id(stack: Stack) -> None:
    assert await stack.ask("ping", {"id": "AbCdEfGh"}) == (200, {"id": "AbCdEfGh", "status": "ok"})


async def test_ping_without_id_is_refused(stack: Stack) -> None:
    status, _ = await stack.ask("ping", {})
    assert status == 403


async def test_doctor_probe_invite_is_refused_echoed_and_not_audited(stack: Stack) -> None:
    from samsnakk_bot.domain.probe import PROBE_FIELD, PROBE_ROOM_PREFIX

    probe = f"{PROBE_ROOM_PREFIX}0123abcd:test"
    status, body = await stack.ask("user_may_invite", invite("@samsnakk.as:test", BOT, probe))
    assert status == 403
    assert body == {
        "errcode": "M_FORBIDDEN",
        "error": texts.ACCESS_DOCTOR_PROBE,
        PROBE_FIELD: probe,
    }
    assert stack.count("user_may_invite", "probe") == 1
    assert stack.audit.entries == []


# --- Invites -------------------------------------------------------------------------------


async def test_bot_invite_of_approved_person_is_allowed(stack: Stack) -> None:
    assert await stack.ask("user_may_invite", invite(BOT, ANSATT)) == (200, {})
    assert stack.count("user_may_invite", "allow") == 1
    assert stack.audit.entries == []


async def test_direct_invite_by_ansatt_is_refused_with_norwegian_text(stack: Stack) -> None:
    status, body = await stack.ask("user_may_invite", invite(ANSATT, STRANGER))
    assert (status, body) == (403, forbidden(texts.ACCESS_ONLY_BOT_INVITES))
    assert "Bare Samsnakk-boten kan invitere" in body["error"]
    assert stack.audit.entries == [
        (ANSATT, ROOM, "invite_refused", STRANGER, {"reason": "inviter_not_bot"})
    ]
    assert stack.count("user_may_invite", "refuse") == 1


async def test_bot_invite_of_unapproved_person_is_refused(stack: Stack) -> None:
    status, body = await stack.ask("user_may_invite", invite(BOT, STRANGER))
    assert (status, body) == (403, forbidden(texts.ACCESS_INVITEE_NOT_APPROVED))
    assert stack.audit.entries[0][4] == {"reason": "invitee_not_approved"}


async def test_bot_invite_into_closed_room_is_refused(stack: Stack) -> None:
    status, body = await stack.ask("user_may_invite", invite(BOT, BRUKER, CLOSED_ROOM))
    assert (status, body) == (403, forbidden(texts.ACCESS_ROOM_CLOSED))


async def test_invite_in_a_room_we_do_not_manage_is_allowed(stack: Stack) -> None:
    assert await stack.ask("user_may_invite", invite(ANSATT, STRANGER, OTHER_ROOM)) == (200, {})


async def test_bot_invite_announced_before_create_room_is_allowed(stack: Stack) -> None:
    stack.access.expect_invite(BRUKER)
    assert await stack.ask("user_may_invite", invite(BOT, BRUKER, "!new:test")) == (200, {})
    assert stack.access.take_expected(BRUKER) is False  # used up by that invite


# --- Joins ---------------------------------------------------------------------------------


async def test_approved_join_is_allowed(stack: Stack) -> None:
    assert await stack.ask("user_may_join_room", join(BRUKER)) == (200, {})


async def test_bot_join_is_allowed(stack: Stack) -> None:
    assert await stack.ask("user_may_join_room", join(BOT)) == (200, {})


async def test_unapproved_join_is_refused_even_when_synapse_says_invited(stack: Stack) -> None:
    status, body = await stack.ask("user_may_join_room", join(STRANGER, is_invited=True))
    assert (status, body) == (403, forbidden(texts.ACCESS_JOINER_NOT_APPROVED))
    assert stack.audit.entries == [
        (STRANGER, ROOM, "join_refused", STRANGER, {"reason": "joiner_not_approved"})
    ]


async def test_join_into_closed_room_is_refused_even_for_the_bruker(stack: Stack) -> None:
    status, body = await stack.ask("user_may_join_room", join(BRUKER, CLOSED_ROOM, True))
    assert (status, body) == (403, forbidden(texts.ACCESS_ROOM_CLOSED))
    assert stack.audit.entries[0][2:] == ("join_refused", BRUKER, {"reason": "room_closed"})


async def test_join_after_approval_needs_invalidation_to_be_seen(stack: Stack) -> None:
    assert (await stack.ask("user_may_join_room", join(STRANGER)))[0] == 403
    await stack.participants.approve(ROOM, STRANGER, "deltaker", 3)
    assert (await stack.ask("user_may_join_room", join(STRANGER)))[0] == 403  # cached
    stack.access.invalidate(ROOM)
    assert await stack.ask("user_may_join_room", join(STRANGER)) == (200, {})


async def test_removed_participant_cannot_rejoin_after_invalidation(stack: Stack) -> None:
    assert (await stack.ask("user_may_join_room", join(ANSATT)))[0] == 200
    await stack.participants.end(ROOM, ANSATT, ParticipantEvent.REMOVE, 3)
    stack.access.invalidate(ROOM)
    assert (await stack.ask("user_may_join_room", join(ANSATT)))[0] == 403


async def test_cached_snapshot_expires_without_invalidation(stack: Stack) -> None:
    await stack.ask("user_may_join_room", join(ANSATT))
    await stack.participants.end(ROOM, ANSATT, ParticipantEvent.REMOVE, 3)
    stack.clock.now += 61
    assert (await stack.ask("user_may_join_room", join(ANSATT)))[0] == 403


# --- Federation ----------------------------------------------------------------------------


async def test_federated_invite_into_brukerrom_is_refused_and_audited(stack: Stack) -> None:
    status, body = await stack.ask("federated_user_may_invite", federated(REMOTE, BRUKER))
    assert (status, body) == (403, forbidden(texts.ACCESS_ONLY_BOT_INVITES))
    assert stack.audit.entries == [
        (REMOTE, ROOM, "invite_refused", BRUKER, {"reason": "inviter_not_bot", "federated": True})
    ]


async def test_federated_invite_into_other_room_is_allowed(stack: Stack) -> None:
    body = federated(REMOTE, BRUKER, OTHER_ROOM)
    assert await stack.ask("federated_user_may_invite", body) == (200, {})


async def test_federated_event_that_is_not_an_invite_is_refused(stack: Stack) -> None:
    body = federated(REMOTE, BRUKER, OTHER_ROOM)
    body["event"]["content"]["membership"] = "join"
    assert (await stack.ask("federated_user_may_invite", body))[0] == 403


def remote_member(sender: str, target: str, membership: str) -> dict[str, Any]:
    """A membership event from another server, as check_event_for_spam gets it."""
    body = federated(sender, target)
    body["event"]["content"]["membership"] = membership
    return body


async def test_approved_remote_join_passes_the_event_check(stack: Stack) -> None:
    await stack.participants.approve(ROOM, REMOTE, "deltaker", 2)
    stack.access.invalidate(ROOM)
    body = remote_member(REMOTE, REMOTE, "join")
    assert await stack.ask("check_event_for_spam", body) == (200, {})
    assert stack.audit.entries == []


async def test_unapproved_remote_join_is_refused_by_the_event_check_and_audited(
    stack: Stack,
) -> None:
    status, body = await stack.ask("check_event_for_spam", remote_member(REMOTE, REMOTE, "join"))
    assert (status, body) == (403, forbidden(texts.ACCESS_JOINER_NOT_APPROVED))
    assert stack.audit.entries == [
        (REMOTE, ROOM, "join_refused", REMOTE, {"reason": "joiner_not_approved", "federated": True})
    ]


async def test_remote_leave_passes_the_event_check(stack: Stack) -> None:
    body = remote_member(REMOTE, REMOTE, "leave")
    assert await stack.ask("check_event_for_spam", body) == (200, {})


async def test_remote_invite_is_refused_by_the_event_check_and_audited_once_later(
    stack: Stack,
) -> None:
    status, _ = await stack.ask("check_event_for_spam", remote_member(REMOTE, STRANGER, "invite"))
    assert status == 403
    assert stack.audit.entries == []  # federated_user_may_invite, asked next, writes it down


# --- Failing closed ------------------------------------------------------------------------


async def test_malformed_json_is_refused(stack: Stack) -> None:
    resp = await stack.http.post(
        "/_samsnakk/antispam/user_may_join_room", data=b"{not json", headers=AUTH
    )
    assert resp.status == 403
    assert await resp.json() == forbidden(texts.ACCESS_CHECK_FAILED)


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"inviter": BOT, "room_id": ROOM},
        {"inviter": BOT, "invitee": 5, "room_id": ROOM},
        {"inviter": BOT, "invitee": "", "room_id": ROOM},
    ],
    ids=["not-object", "missing-field", "wrong-type", "empty"],
)
async def test_malformed_invite_is_refused(stack: Stack, body: Any) -> None:
    status, answer = await stack.ask("user_may_invite", body)
    assert (status, answer) == (403, forbidden(texts.ACCESS_CHECK_FAILED))


async def test_unknown_callback_is_refused(stack: Stack) -> None:
    status, _ = await stack.ask("user_may_create_room", {"user_id": BOT})
    assert status == 403
    assert stack.count("unknown", "refuse") == 1


async def test_audit_failure_does_not_turn_a_refusal_into_an_allow(stack: Stack) -> None:
    stack.audit.fail = True
    status, body = await stack.ask("user_may_invite", invite(ANSATT, STRANGER))
    assert (status, body) == (403, forbidden(texts.ACCESS_ONLY_BOT_INVITES))


class BrokenRooms(BrukerromRepo):
    async def get(self, room_id: str) -> Brukerrom | None:
        raise RuntimeError("database is gone")


class HangingParticipants(ParticipantRepo):
    async def in_room(self, room_id: str, only_approved: bool = True) -> list[Participant]:
        await asyncio.Event().wait()
        return []


async def test_failing_store_refuses_even_the_bot_and_audits(db: Database) -> None:
    access = AccessService(BrokenRooms(db), ParticipantRepo(db), BOT)
    audit = AuditRecorder()
    client, metrics = await _serve(access, audit)
    try:
        resp = await client.post(
            "/_samsnakk/antispam/user_may_invite", json=invite(BOT, BRUKER), headers=AUTH
        )
        assert resp.status == 403
        assert await resp.json() == forbidden(texts.ACCESS_CHECK_FAILED)
        assert audit.entries == [(BOT, ROOM, "invite_refused", BRUKER, {"reason": "check_failed"})]
        assert metrics.registry.get_sample_value(
            "samsnakk_handler_errors_total", {"where": "antispam"}
        )
    finally:
        await client.close()


async def test_hanging_store_is_refused_at_the_deadline(db: Database) -> None:
    access = AccessService(BrukerromRepo(db), HangingParticipants(db), BOT)
    client, _ = await _serve(access, AuditRecorder(), deadline_s=0.05)
    try:
        resp = await client.post(
            "/_samsnakk/antispam/user_may_join_room", json=join(BRUKER), headers=AUTH
        )
        assert resp.status == 403
    finally:
        await client.close()


# --- The service's own bookkeeping ---------------------------------------------------------


async def test_announced_invite_expires(db: Database) -> None:
    clock = FakeMonotonic()
    access = AccessService(BrukerromRepo(db), ParticipantRepo(db), BOT, monotonic=clock)
    access.expect_invite(BRUKER, ttl_s=30)
    clock.now += 31
    assert access.take_expected(BRUKER) is False
    access.expect_invite(BRUKER, ttl_s=30)
    assert access.take_expected(BRUKER) is True
    assert access.take_expected(BRUKER) is False


async def test_snapshot_read_during_an_invalidation_is_not_cached(db: Database) -> None:
    access: AccessService

    class Racing(ParticipantRepo):
        async def in_room(self, room_id: str, only_approved: bool = True) -> list[Participant]:
            old = await super().in_room(room_id, only_approved)
            await super().approve(ROOM, STRANGER, "deltaker", 3)
            access.invalidate(ROOM)  # the room service, between our read and our store
            return old

    access = AccessService(BrukerromRepo(db), Racing(db), BOT)
    first = await access.snapshot(ROOM)
    assert first is not None and STRANGER not in first.approved
    access._participants = ParticipantRepo(db)
    second = await access.snapshot(ROOM)
    assert second is not None and STRANGER in second.approved


async def test_snapshot_of_unmanaged_room_is_none(db: Database) -> None:
    access = AccessService(BrukerromRepo(db), ParticipantRepo(db), BOT)
    assert await access.snapshot(OTHER_ROOM) is None
    closed = await access.snapshot(CLOSED_ROOM)
    assert closed is not None and closed.closed and closed.approved == frozenset({BRUKER})
