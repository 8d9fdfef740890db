"""Retention with short policy periods on a homeserver of its own: an inactive brukerrom is
warned twice, closed and deleted on the server; a message keeps a room open."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import yaml
from brukerrom_flow import audit_has, command, create_brukerrom, dm_with_bot
from matrix_harness import MatrixUser, RunningSynapse, new_user, start_synapse

from samsnakk_bot.app import SamsnakkApp
from tests.integration.test_brukerrom_adversarial import _http

pytestmark = pytest.mark.synapse

# Warned 12 s and 6 s before closing; closed 20 s after the last message.
SHORT = {
    "inactivity": "PT20S",
    "first_warning": "PT12S",
    "second_warning": "PT6S",
    "check_every": "PT1S",
}


def _short_policies(target: Path) -> Path:
    shutil.copytree(Path("policies"), target)
    default = target / "default.yaml"
    policy = yaml.safe_load(default.read_text())
    policy["retention"].update(SHORT)
    policy["room"]["close_mode"] = "delete"
    default.write_text(yaml.safe_dump(policy, allow_unicode=True))
    return target


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def short(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[RunningSynapse, SamsnakkApp, MatrixUser]]:
    base = tmp_path_factory.mktemp("retention")
    synapse = start_synapse(base / "hs", policies_dir=_short_policies(base / "policies"))
    operator = await new_user(synapse, base / "clients", name="drift", admin=True)
    cfg = synapse.stack.config
    token = operator.client.access_token
    homeserver = cfg.homeserver.model_copy(update={"admin_token": token})
    app = SamsnakkApp(cfg.model_copy(update={"homeserver": homeserver}))
    try:
        await app.start()
        yield synapse, app, operator
    finally:
        try:
            await app.stop()
        finally:
            await operator.stop()
            synapse.process.stop()


async def _users(
    synapse: RunningSynapse, app: SamsnakkApp, where: Path
) -> tuple[MatrixUser, MatrixUser]:
    trond = await new_user(synapse, where)
    per = await new_user(synapse, where)
    await app.accounts.upsert(trond.user_id, "ansatt", "Askøy kommune", "Trond", 0)
    await app.accounts.upsert(per.user_id, "bruker", None, "Per", 0)
    return trond, per


async def test_an_inactive_room_is_warned_twice_then_closed_and_deleted(
    short: tuple[RunningSynapse, SamsnakkApp, MatrixUser], tmp_path: Path
) -> None:
    synapse, app, operator = short
    trond, per = await _users(synapse, app, tmp_path)
    try:
        per_dm = await dm_with_bot(app, per)
        room = await create_brukerrom(app, trond, per)
        bot = app.cfg.bot_user_id

        first = await per.wait_for_message(
            room, lambda s: s.sender == bot and s.body.startswith("Ingen har skrevet")
        )
        second = await trond.wait_for_message(
            room, lambda s: s.sender == bot and s.body.startswith("Påminnelse: ")
        )
        assert first.decrypted and second.decrypted
        assert "er det nok at en av dere skriver en melding her" in first.body
        told = await per.wait_for_message(
            per_dm, lambda s: s.sender == bot and "er stengt fordi ingen hadde skrevet" in s.body
        )
        assert told.decrypted

        actions = await audit_has(app, room, "room_closed", "room_delete_requested", timeout=30)
        assert actions.count("retention_warning") == 2
        assert "retention_close" in actions and "room_delete_requested" in actions
        closed = await app.brukerrom.get(room)
        assert closed is not None and closed.state == "closed"
        assert closed.purge_requested_ms is not None

        # The homeserver deletes the room and its history: an admin no longer finds it.
        status, body = 0, {}
        for _ in range(100):
            status, body = await _http(app, operator, "GET", f"/_synapse/admin/v1/rooms/{room}")
            if status == 404:
                break
            await asyncio.sleep(0.2)
        assert status == 404, body
    finally:
        await trond.stop()
        await per.stop()


async def test_a_message_after_the_warning_keeps_the_room_open(
    short: tuple[RunningSynapse, SamsnakkApp, MatrixUser], tmp_path: Path
) -> None:
    synapse, app, _ = short
    trond, per = await _users(synapse, app, tmp_path)
    try:
        room = await create_brukerrom(app, trond, per)
        bot = app.cfg.bot_user_id
        await per.wait_for_message(
            room, lambda s: s.sender == bot and s.body.startswith("Ingen har skrevet")
        )

        await command(app, trond, room, "Hei Per, hvordan går det?", "holdes åpent")

        actions = await audit_has(app, room, "retention_reset")
        kept = await app.brukerrom.get(room)
        assert "retention_reset" in actions
        assert kept is not None and kept.state == "active" and kept.retention_stage in (0, 1)
    finally:
        await trond.stop()
        await per.stop()
