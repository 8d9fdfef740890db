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
from brukerrom_flow import audit_has, create_brukerrom, members
from matrix_harness import MatrixUser, RunningSynapse, new_user, start_synapse

from samsnakk_bot.app import SamsnakkApp
from tests.integration.test_brukerrom_adversarial import _http

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
