"""If the antispam module is missing from Synapse's config, the guard is the last line.

A second homeserver without the module: a server admin uses make_room_admin to get power and
an invite, joins, and is removed within 2 seconds; the power levels are put back.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from brukerrom_flow import audit_has, create_brukerrom, join_admin_room, members
from matrix_harness import MatrixUser, RunningSynapse, new_user, start_synapse

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.guarded_state import expected_state
from tests.integration.test_brukerrom_adversarial import _http
from tests.integration.test_trust_guard import as_bot, eventually, state_path

pytestmark = pytest.mark.synapse


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def bare(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[RunningSynapse, SamsnakkApp]]:
    synapse = start_synapse(tmp_path_factory.mktemp("bare"), antispam=False)
    app = SamsnakkApp(synapse.stack.config)
    try:
        await app.start()
        yield synapse, app
    finally:
        try:
            await app.stop()
        finally:
            synapse.process.stop()


async def test_guard_kicks_admin_who_forced_their_way_in(
    bare: tuple[RunningSynapse, SamsnakkApp], tmp_path: Path
) -> None:
    synapse, app = bare
    users: list[MatrixUser] = []
    try:
        for role, name, admin in (
            ("ansatt", "Trond", False),
            ("bruker", "Per", False),
            ("admin", "Driftsadmin", True),
        ):
            user = await new_user(synapse, tmp_path, admin=admin)
            await app.accounts.upsert(user.user_id, role, "Askøy kommune", name, 0)
            users.append(user)
        trond, per, admin = users
        room = await create_brukerrom(app, trond, per)

        status, body = await _http(
            app,
            admin,
            "POST",
            f"/_synapse/admin/v1/rooms/{room}/make_room_admin",
            {"user_id": admin.user_id},
        )
        assert status == 200, body  # nothing inside Synapse stops it without the module
        status, body = await _http(app, admin, "POST", f"/_matrix/client/v3/join/{room}")
        joined_at = time.monotonic()
        assert status == 200, body

        while time.monotonic() - joined_at < 2.0:
            if admin.user_id not in await members(app, room):
                break
            await asyncio.sleep(0.05)
        assert admin.user_id not in await members(app, room)
        _, levels = await _http(
            app, trond, "GET", f"/_matrix/client/v3/rooms/{room}/state/m.room.power_levels/"
        )
        assert not levels.get("users"), levels
        actions = await audit_has(app, room, "kicked_unapproved", "settings_restored")
        assert "kicked_unapproved" in actions and "settings_restored" in actions, actions
    finally:
        for user in users:
            await user.stop()


# -- issue 12: without the module, the guard restores state and guards admin rooms ------------


async def test_guard_restores_every_setting_sent_with_the_bot_token(
    bare: tuple[RunningSynapse, SamsnakkApp], tmp_path: Path
) -> None:
    synapse, app = bare
    trond = await new_user(synapse, tmp_path / "t")
    per = await new_user(synapse, tmp_path / "p")
    try:
        await app.accounts.upsert(trond.user_id, "ansatt", "Askøy kommune", "Trond", 0)
        await app.accounts.upsert(per.user_id, "bruker", None, "Per", 0)
        room = await create_brukerrom(app, trond, per)
        changes = {
            "m.room.history_visibility": {"history_visibility": "world_readable"},
            "m.room.guest_access": {"guest_access": "can_join"},
            "m.room.join_rules": {"join_rule": "public"},
            "m.room.server_acl": {"allow": ["*"], "deny": ["askoy.kommune.example"]},
            "m.room.encryption": {"algorithm": "m.megolm.v1.aes-sha2", "rotation_period_msgs": 1},
        }
        for event_type, content in changes.items():
            status, body = await as_bot(app, "PUT", state_path(room, event_type), content)
            assert status == 200, body  # nothing inside Synapse stops the bot's own token

        expected = expected_state("joined")

        async def all_restored() -> bool:
            for event_type in changes:
                _, now = await _http(app, per, "GET", state_path(room, event_type))
                if now != expected[event_type]:
                    return False
            return True

        assert await eventually(all_restored, timeout=5.0)

        async def restored_types() -> set[str]:
            entries = await app.audit.for_room(room)
            return {e.details["type"] for e in entries if e.action == "settings_restored"}

        async def all_audited() -> bool:  # each entry follows its restore by a moment
            return await restored_types() == set(changes)

        assert await eventually(all_audited, timeout=5.0), await restored_types()
        assert await members(app, room) == {app.cfg.bot_user_id, trond.user_id, per.user_id}
    finally:
        await trond.stop()
        await per.stop()


async def test_guard_removes_a_server_admin_who_forced_into_an_admin_room(
    bare: tuple[RunningSynapse, SamsnakkApp], tmp_path: Path
) -> None:
    synapse, app = bare
    admin = await new_user(synapse, tmp_path / "a")
    server_admin = await new_user(synapse, tmp_path / "s", admin=True)
    try:
        room = await join_admin_room(app, admin, "askoy-kommune", "Askøy kommune")
        status, body = await _http(
            app,
            server_admin,
            "POST",
            f"/_synapse/admin/v1/rooms/{room}/make_room_admin",
            {"user_id": server_admin.user_id},
        )
        assert status == 200, body
        status, body = await _http(app, server_admin, "POST", f"/_matrix/client/v3/join/{room}")
        assert status == 200, body

        async def gone() -> bool:
            return server_admin.user_id not in await members(app, room)

        assert await eventually(gone, timeout=5.0)
        assert await members(app, room) == {app.cfg.bot_user_id, admin.user_id}
        _, levels = await _http(app, admin, "GET", state_path(room, "m.room.power_levels"))
        assert not levels.get("users"), levels
        seen = await audit_has(app, room, "admin_removed", "settings_restored")
        assert "admin_removed" in seen and "settings_restored" in seen, seen
        removed = [e.subject for e in await app.audit.for_room(room) if e.action == "admin_removed"]
        assert server_admin.user_id in removed
    finally:
        await admin.stop()
        await server_admin.stop()


async def test_foreign_tombstone_sent_with_the_bot_token_is_undone(
    bare: tuple[RunningSynapse, SamsnakkApp], tmp_path: Path
) -> None:
    synapse, app = bare
    trond = await new_user(synapse, tmp_path / "t")
    per = await new_user(synapse, tmp_path / "p")
    try:
        await app.accounts.upsert(trond.user_id, "ansatt", "Askøy kommune", "Trond", 0)
        await app.accounts.upsert(per.user_id, "bruker", None, "Per", 0)
        room = await create_brukerrom(app, trond, per)
        elsewhere = await trond.create_group_room([])  # the attacker's "new room"
        mark = len(per.seen)
        status, body = await as_bot(
            app,
            "PUT",
            state_path(room, "m.room.tombstone"),
            {"body": "Rommet er flyttet", "replacement_room": elsewhere},
        )
        assert status == 200, body

        async def refused() -> bool:
            return await app.refused_rooms.contains(elsewhere)

        assert await eventually(refused, timeout=5.0)
        alarm = await per.wait_for_message(
            room, lambda s: s.sender == app.cfg.bot_user_id and "Advarsel" in s.body, after=mark
        )
        assert alarm.decrypted

        async def redacted() -> bool:
            _, content = await _http(app, per, "GET", state_path(room, "m.room.tombstone"))
            return "replacement_room" not in content

        assert await eventually(redacted, timeout=5.0)
        assert "foreign_tombstone" in await audit_has(app, room, "foreign_tombstone")
        assert await members(app, room) == {app.cfg.bot_user_id, trond.user_id, per.user_id}
    finally:
        await trond.stop()
        await per.stop()
