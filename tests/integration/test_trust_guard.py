"""Issue 12: admin rooms guarded like brukerrom, state and upgrades under the bot's own token,
and stray invites, on a real Synapse with real E2EE clients.

Every attack ends with nobody unapproved in the room and an entry in the audit log.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from brukerrom_flow import audit_has, command, create_brukerrom, join_admin_room, members
from matrix_harness import UserFactory

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.lifecycle import ParticipantEvent
from tests.integration.test_brukerrom_adversarial import _http

pytestmark = pytest.mark.synapse


async def as_bot(
    app: SamsnakkApp, method: str, path: str, body: Any = None
) -> tuple[int, dict[str, Any]]:
    """A request with the appservice token, in the bot's name: what a stolen as_token allows."""
    async with aiohttp.ClientSession() as s:
        async with s.request(
            method,
            f"{app.cfg.homeserver.url}{path}",
            params={"user_id": app.cfg.bot_user_id},
            json=body if body is not None else {},
            headers={"Authorization": f"Bearer {app.cfg.appservice.as_token}"},
        ) as resp:
            return resp.status, await resp.json(content_type=None)


def state_path(room: str, event_type: str) -> str:
    return f"/_matrix/client/v3/rooms/{quote(room)}/state/{event_type}/"


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.1)
    return await check()


async def actions_of(app: SamsnakkApp, room: str) -> list[str]:
    return [e.action for e in await app.audit.for_room(room)]


# -- item 4: admin rooms ---------------------------------------------------------------------


async def test_forced_entry_into_an_admin_room_is_refused_and_audited(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    admin = await make_user("admin", "NAV Askøy", "Nav-admin")
    room = await join_admin_room(app, admin, "nav-askoy", "NAV Askøy")
    server_admin = await make_user("ansatt", "NAV Askøy", "Driftsadmin", admin=True)
    stranger = await make_user("ansatt", "NAV Askøy", "Ikke-admin")

    # The server admin's join API, for someone else and for themselves.
    for target in (stranger.user_id, server_admin.user_id):
        status, body = await _http(
            app, server_admin, "POST", f"/_synapse/admin/v1/join/{room}", {"user_id": target}
        )
        assert status == 403, body
    # A join by room ID, as a client would try it.
    status, body = await _http(app, stranger, "POST", f"/_matrix/client/v3/join/{quote(room)}")
    assert status == 403, body
    assert texts.ACCESS_NOT_CURRENT_ADMIN in body["error"]
    # make_room_admin: its power grab is signed as the bot, and is not Samsnakk's.
    status, body = await _http(
        app,
        server_admin,
        "POST",
        f"/_synapse/admin/v1/rooms/{room}/make_room_admin",
        {"user_id": server_admin.user_id},
    )
    assert status == 403, body
    # An invite with the appservice token, in the bot's name, of someone who is not an admin.
    status, body = await as_bot(
        app, "POST", f"/_matrix/client/v3/rooms/{quote(room)}/invite", {"user_id": stranger.user_id}
    )
    assert status == 403, body

    joined = await members(app, room)
    assert joined == {app.cfg.bot_user_id, admin.user_id}
    seen = await audit_has(app, room, "join_refused", "invite_refused", "state_change_refused")
    assert {"join_refused", "invite_refused", "state_change_refused"} <= set(seen), seen
    assert "settings_restored" not in seen  # the room's own settings were never "restored"


async def test_admin_room_membership_follows_the_admin_list(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    stays = await make_user("admin", "NAV Øygarden", "Blir")
    leaves = await make_user("admin", "NAV Øygarden", "Slutter")
    room = await join_admin_room(app, stays, "nav-oygarden", "NAV Øygarden")
    await join_admin_room(app, leaves, "nav-oygarden", "NAV Øygarden")
    assert leaves.user_id in await members(app, room)

    # The admin list changes: one loses the role, one new admin is registered.
    await app.accounts.upsert(leaves.user_id, "ansatt", "NAV Øygarden", "Slutter", 0)
    newcomer = await make_user("admin", "NAV Øygarden", "Ny")
    await app.guard.reconcile_admin_rooms()

    assert leaves.user_id not in await members(app, room)
    assert await newcomer.accept_invite(room) == room
    assert newcomer.user_id in await members(app, room)
    notice = await stays.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id and "ikke lenger administrator" in s.body
    )
    assert notice.decrypted and notice.body.startswith("«Slutter» (" + leaves.user_id + ")")
    entries = await app.audit.for_room(room)
    assert any(e.action == "admin_removed" and e.subject == leaves.user_id for e in entries)
    assert any(e.action == "admin_invited" and e.subject == newcomer.user_id for e in entries)

    # The removed admin cannot come back on their own, and their commands are refused.
    status, body = await _http(app, leaves, "POST", f"/_matrix/client/v3/join/{quote(room)}")
    assert status == 403, body
    assert leaves.user_id not in await members(app, room)


# -- item 5: settings and upgrades under the bot's token ----------------------------------------


async def test_bot_token_cannot_change_history_or_guest_access(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)
    for event_type, content in (
        ("m.room.history_visibility", {"history_visibility": "world_readable"}),
        ("m.room.guest_access", {"guest_access": "can_join"}),
        ("m.room.join_rules", {"join_rule": "public"}),
        ("m.room.server_acl", {"allow": ["*"], "deny": ["askoy.kommune.example"]}),
    ):
        status, body = await as_bot(app, "PUT", state_path(room, event_type), content)
        assert status == 403, (event_type, body)
    # What Samsnakk itself sets still passes under the same name.
    status, body = await as_bot(
        app, "PUT", state_path(room, "m.room.guest_access"), {"guest_access": "forbidden"}
    )
    assert status == 200, body

    _, history = await _http(app, per, "GET", state_path(room, "m.room.history_visibility"))
    _, guests = await _http(app, per, "GET", state_path(room, "m.room.guest_access"))
    assert history == {"history_visibility": "joined"}
    assert guests == {"guest_access": "forbidden"}
    refused = [e for e in await app.audit.for_room(room) if e.action == "state_change_refused"]
    assert [e.details["type"] for e in refused] == [
        "m.room.history_visibility",
        "m.room.guest_access",
        "m.room.join_rules",
        "m.room.server_acl",
    ]
    assert all(e.details["reason"] == "state_not_as_set" for e in refused)
    # Samsnakk's own settings, made at creation, were never taken for foreign ones.
    assert "settings_restored" not in await actions_of(app, room)
    assert await members(app, room) == {app.cfg.bot_user_id, trond.user_id, per.user_id}


async def test_foreign_upgrade_is_undone_its_successor_refused_and_members_told(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)

    # A bare tombstone in the bot's name is refused outright.
    status, body = await as_bot(
        app,
        "PUT",
        state_path(room, "m.room.tombstone"),
        {"body": "flyttet", "replacement_room": "!elsewhere:samsnakk.localhost"},
    )
    assert status == 403, body

    # The upgrade API sends its tombstone past that check: the guard must catch it.
    before = set(await app.refused_rooms.all())
    mark = len(per.seen)
    status, body = await as_bot(
        app, "POST", f"/_matrix/client/v3/rooms/{quote(room)}/upgrade", {"new_version": "12"}
    )

    async def refused_now() -> bool:
        return bool(set(await app.refused_rooms.all()) - before)

    assert await eventually(refused_now), (status, body)
    (successor,) = set(await app.refused_rooms.all()) - before
    assert body.get("replacement_room") in (None, successor)

    alarm = await per.wait_for_message(
        room,
        lambda s: s.sender == app.cfg.bot_user_id and s.body.startswith("Advarsel"),
        after=mark,
    )
    assert alarm.decrypted and "Ikke bli med i det nye rommet" in alarm.body

    async def tombstone_gone() -> bool:
        _, content = await _http(app, per, "GET", state_path(room, "m.room.tombstone"))
        return "replacement_room" not in content

    assert await eventually(tombstone_gone)  # redacted: clients no longer offer to follow it
    for user in (per, trond):
        status, body = await _http(app, user, "POST", f"/_matrix/client/v3/join/{successor}")
        assert status == 403, body
    assert await members(app, successor) <= {app.cfg.bot_user_id}
    # The upgrade moved the room's alias to the successor; it points home again.
    label = (await app.brukerrom.get(room)).label  # type: ignore[union-attr]
    alias = f"#{app.policies.policy.room.alias_prefix}{label}:{app.cfg.homeserver.server_name}"

    async def alias_home() -> bool:
        return await app.actions.alias_target(alias) == room

    assert await eventually(alias_home)
    assert await members(app, room) == {app.cfg.bot_user_id, trond.user_id, per.user_id}
    seen = await audit_has(app, room, "foreign_tombstone", "successor_refused")
    assert "foreign_tombstone" in seen and "successor_refused" in seen, seen
    assert "state_change_refused" in seen  # the bare tombstone


# -- item 7: stray invites ---------------------------------------------------------------------


async def test_sweep_revokes_an_invite_left_by_a_failed_kick(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    await command(app, per, room, f"!legg-til {vera.user_id}", "er invitert")
    # The bruker removes Vera before she accepts; the approval ends, the revoke never happens.
    await app.participants.end(room, vera.user_id, ParticipantEvent.REMOVE, 0)
    app.access.invalidate(room)
    current = await app.actions.current_members(room)
    assert current[vera.user_id].membership == "invite"

    assert await app.guard.sweep_room(room) == 0  # a fresh invite is given its grace
    assert await app.guard.sweep_room(room, invite_grace_ms=0) == 1
    assert (await app.actions.current_members(room))[vera.user_id].membership == "leave"
    status, body = await _http(app, vera, "POST", f"/_matrix/client/v3/join/{quote(room)}")
    assert status == 403, body
    assert "invite_revoked" in await actions_of(app, room)
    assert await members(app, room) == {app.cfg.bot_user_id, trond.user_id, per.user_id}


async def test_samsnakk_own_upgrade_registers_and_guards_the_successor(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)
    label = (await app.brukerrom.get(room)).label  # type: ignore[union-attr]

    successor = await app.upgrader.upgrade(room)
    record = await app.brukerrom.get(successor)
    assert record is not None and record.label == label and record.state == "active"
    for user in (per, trond):
        assert await user.accept_invite(successor) == successor
    assert await members(app, successor) == {app.cfg.bot_user_id, trond.user_id, per.user_id}
    answer = await command(app, per, successor, "!deltakere")
    assert "Trond" in answer

    # The successor is guarded like any brukerrom, and the old room is sealed.
    stranger = await make_user("ansatt", "NAV Askøy", "Fremmed")
    for target in (successor, room):
        status, body = await _http(
            app, stranger, "POST", f"/_matrix/client/v3/join/{quote(target)}"
        )
        assert status == 403, body
    assert await app.refused_rooms.reason(room) == "upgraded"
    assert "foreign_tombstone" not in await actions_of(app, room)
    assert "room_upgraded" in await actions_of(app, successor)
    assert "join_refused" in await audit_has(app, successor, "join_refused")
