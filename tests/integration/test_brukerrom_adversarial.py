"""Attempts to get into a brukerrom without the bruker's approval, on a real Synapse.

Each ends with nobody unapproved in the room, and an entry in the audit log.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from brukerrom_flow import audit_has, command, create_brukerrom, members
from matrix_harness import MatrixUser, UserFactory

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.lifecycle import ParticipantEvent

pytestmark = pytest.mark.synapse


async def _audit_actions(app: SamsnakkApp, room: str) -> list[str]:
    return [e.action for e in await app.audit.for_room(room)]


async def _http(
    app: SamsnakkApp, user: MatrixUser, method: str, path: str, body: Any = None
) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as s:
        async with s.request(
            method,
            f"{app.cfg.homeserver.url}{path}",
            json=body if body is not None else {},
            headers={"Authorization": f"Bearer {user.client.access_token}"},
        ) as resp:
            return resp.status, await resp.json(content_type=None)


@pytest.fixture
async def setting(app: SamsnakkApp, make_user: UserFactory) -> tuple[str, MatrixUser, MatrixUser]:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)
    return room, trond, per


async def test_direct_invite_by_ansatt_is_refused(
    app: SamsnakkApp, make_user: UserFactory, setting: tuple[str, MatrixUser, MatrixUser]
) -> None:
    room, trond, _ = setting
    mallory = await make_user("ansatt", "NAV Askøy", "Mallory")
    status, body = await _http(
        app, trond, "POST", f"/_matrix/client/v3/rooms/{room}/invite", {"user_id": mallory.user_id}
    )
    assert status == 403, body
    assert "Bare Samsnakk-boten kan invitere" in body["error"]
    assert mallory.user_id not in await members(app, room)
    assert "invite_refused" in await _audit_actions(app, room)


async def test_ansatt_cannot_raise_power_or_open_the_room(
    app: SamsnakkApp, setting: tuple[str, MatrixUser, MatrixUser]
) -> None:
    room, trond, _ = setting
    pl_path = f"/_matrix/client/v3/rooms/{room}/state/m.room.power_levels/"
    _, levels = await _http(app, trond, "GET", pl_path)
    raised = {**levels, "users": {**levels.get("users", {}), trond.user_id: 100}}
    status, _ = await _http(app, trond, "PUT", pl_path, raised)
    assert status == 403
    for rule in ("public", "knock"):
        status, _ = await _http(
            app,
            trond,
            "PUT",
            f"/_matrix/client/v3/rooms/{room}/state/m.room.join_rules/",
            {"join_rule": rule},
        )
        assert status == 403
    _, after = await _http(app, trond, "GET", pl_path)
    assert trond.user_id not in after.get("users", {})
    _, rules = await _http(
        app, trond, "GET", f"/_matrix/client/v3/rooms/{room}/state/m.room.join_rules/"
    )
    assert rules["join_rule"] == "invite"
    assert (await _audit_actions(app, room)).count("state_change_refused") >= 3


async def test_join_by_alias_or_room_id_without_invite_is_refused(
    app: SamsnakkApp, make_user: UserFactory, setting: tuple[str, MatrixUser, MatrixUser]
) -> None:
    room, _, _ = setting
    record = await app.brukerrom.get(room)
    assert record is not None
    stranger = await make_user("ansatt", "Øygarden kommune", "Stranger")
    alias = f"#samsnakk.{record.label}:{app.cfg.homeserver.server_name}"
    for target in (room, alias):
        status, body = await _http(
            app, stranger, "POST", f"/_matrix/client/v3/join/{quote(target, safe='')}"
        )
        assert status == 403, (target, body)
    assert stranger.user_id not in await members(app, room)
    assert "join_refused" in await _audit_actions(app, room)


async def test_server_admin_cannot_force_anyone_in(
    app: SamsnakkApp, make_user: UserFactory, setting: tuple[str, MatrixUser, MatrixUser]
) -> None:
    """Admin tools: the join API refuses, and make_room_admin's power grab is undone."""
    room, trond, _ = setting
    admin = await make_user("admin", "Askøy kommune", "Driftsadmin", admin=True)
    victim = await make_user("ansatt", "NAV Askøy", "Tvunget")
    for target in (victim.user_id, admin.user_id):
        status, body = await _http(
            app, admin, "POST", f"/_synapse/admin/v1/join/{room}", {"user_id": target}
        )
        assert status == 403, body
    status, body = await _http(
        app,
        admin,
        "POST",
        f"/_synapse/admin/v1/rooms/{room}/make_room_admin",
        {"user_id": admin.user_id},
    )
    # make_room_admin sends its power grab as the bot: the event check refuses it before it
    # lands (not Samsnakk's power levels), so the admin is never invited either.
    assert status == 403, body

    pl_path = f"/_matrix/client/v3/rooms/{room}/state/m.room.power_levels/"
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        _, levels = await _http(app, trond, "GET", pl_path)
        if not levels.get("users"):
            break
        await asyncio.sleep(0.05)
    assert not levels.get("users"), levels
    joined = await members(app, room)
    assert victim.user_id not in joined and admin.user_id not in joined
    actions = await audit_has(app, room, "state_change_refused")
    assert "state_change_refused" in actions, actions


async def test_someone_else_answering_for_the_bruker_is_refused(
    app: SamsnakkApp, make_user: UserFactory, setting: tuple[str, MatrixUser, MatrixUser]
) -> None:
    room, trond, per = setting
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    await command(app, trond, room, f"!legg-til {vera.user_id}")
    await per.wait_for_message(room, lambda s: "Forespørsel 1" in s.body)
    answer = await command(app, trond, room, "!godkjenn 1")
    assert "Bare brukeren selv kan svare" in answer
    assert "command_refused" in await _audit_actions(app, room)
    await asyncio.sleep(0.3)
    assert vera.user_id not in await members(app, room)
    assert not await app.participants.is_approved(room, vera.user_id)
    request = await app.requests.get(room, 1)
    assert request is not None and request.status == "pending"


async def test_expired_request_cannot_be_approved(
    app: SamsnakkApp, make_user: UserFactory, setting: tuple[str, MatrixUser, MatrixUser]
) -> None:
    room, trond, per = setting
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    await command(app, trond, room, f"!legg-til {vera.user_id}")
    await per.wait_for_message(room, lambda s: "Forespørsel 1" in s.body)
    request = await app.requests.get(room, 1)
    assert request is not None
    # The request's clock runs out: the expiry time is moved into the past.
    from sqlalchemy import update

    from samsnakk_bot.store.models import ParticipantRequestRow

    async with app.db.engine.begin() as conn:
        await conn.execute(
            update(ParticipantRequestRow)
            .where(ParticipantRequestRow.id == request.id)
            .values(expires_ms=int(time.time() * 1000) - 1)
        )
    answer = await command(app, per, room, "!godkjenn 1")
    assert "utløpt" in answer
    assert vera.user_id not in await members(app, room)
    after = await app.requests.get(room, 1)
    assert after is not None and after.status == "expired"
    assert "request_expired" in await _audit_actions(app, room)


async def test_sweep_removes_someone_whose_kick_failed(
    app: SamsnakkApp, make_user: UserFactory, setting: tuple[str, MatrixUser, MatrixUser]
) -> None:
    """The approval is gone but the kick never happened (e.g. Synapse answered 500)."""
    room, _, per = setting
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    await command(app, per, room, f"!legg-til {vera.user_id}", "er invitert")
    await vera.accept_invite(room)
    # DB updated, no kick
    await app.participants.end(room, vera.user_id, ParticipantEvent.REMOVE, 0)
    assert vera.user_id in await members(app, room)
    assert await app.guard.sweep_room(room) == 1
    assert vera.user_id not in await members(app, room)
    assert "kicked_unapproved" in await _audit_actions(app, room)


async def test_sweep_spares_someone_approved_and_let_in_while_it_looked(
    app: SamsnakkApp,
    make_user: UserFactory,
    setting: tuple[str, MatrixUser, MatrixUser],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sweep reads who is approved, then who is in the room. Vera is approved, invited
    and joins between those two reads: she came in the right way and must stay."""
    room, _, per = setting
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    actions = app.guard.d.actions
    read_members = actions.current_members
    let_in = False

    async def vera_let_in_meanwhile(room_id: str) -> Any:
        nonlocal let_in
        if room_id == room and not let_in:
            let_in = True
            await command(app, per, room, f"!legg-til {vera.user_id}", "er invitert")
            await vera.accept_invite(room)
            await vera.wait_for_member(room, vera.user_id, "join")
        return await read_members(room_id)

    monkeypatch.setattr(actions, "current_members", vera_let_in_meanwhile)
    assert await app.guard.sweep_room(room) == 0
    assert let_in
    assert vera.user_id in await members(app, room)
    assert "kicked_unapproved" not in await _audit_actions(app, room)
