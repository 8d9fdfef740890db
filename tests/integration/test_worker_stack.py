"""The production shape carries the brukerrom flow: `samsnakk dev --workers`'s stack (Synapse
main plus two generic workers, an event persister, a federation sender and a pusher, on
PostgreSQL and Redis, behind nginx routing by Synapse's worker endpoints) with real E2EE
clients, and the /sync worker and the event persister restarted in the middle.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import ClientSession, web
from brukerrom_flow import command, create_brukerrom, members
from matrix_harness import MatrixUser, free_port, new_user
from sqlalchemy.engine import make_url
from varsel_stack import _policies

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.devstack.layout import DevStack
from samsnakk_bot.devstack.worker_stack import WorkerStack

pytestmark = pytest.mark.synapse
PG_URL_ENV = "SAMSNAKK_TEST_PG_URL"


@dataclass
class WorkerSynapse:
    """What tests/matrix_harness.py needs of a homeserver: clients go through nginx, the
    shared-secret registration to the main process (nginx never proxies the admin API)."""

    stack: DevStack
    url: str
    admin_url: str


class PushGateway:
    """A push gateway on loopback, as Sygnal would be: records what the pusher worker posts."""

    def __init__(self) -> None:
        self.port = free_port()
        self.notifications: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/_matrix/push/v1/notify"

    async def _notify(self, request: web.Request) -> web.Response:
        self.notifications.append(dict((await request.json())["notification"]))
        return web.json_response({"rejected": []})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/_matrix/push/v1/notify", self._notify)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass
class Running:
    workers: WorkerStack
    synapse: WorkerSynapse
    app: SamsnakkApp
    gateway: PushGateway
    tmp: Path
    started_in: float


def _installed(tool: str) -> bool:
    return shutil.which(tool, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/bin") is not None


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    raw = os.environ.get(PG_URL_ENV)
    if not raw:
        message = f"{PG_URL_ENV} is not set; the worker stack puts Synapse on PostgreSQL"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    missing = [tool for tool in ("redis-server", "nginx") if not _installed(tool)]
    if missing and os.geteuid() != 0:
        message = f"not installed: {', '.join(missing)} (scripts/test installs them as root)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    tmp = tmp_path_factory.mktemp("workers")
    gateway = PushGateway()
    await gateway.start()
    workers = WorkerStack(
        tmp / "dev",
        free_port(),
        free_port(),
        postgres_url=make_url(raw),
        # The test's push gateway is on loopback, which Synapse refuses unless allowed.
        synapse_extra={"ip_range_whitelist": ["127.0.0.1/32"]},
    )
    began = time.monotonic()
    app: SamsnakkApp | None = None
    try:
        stack = workers.prepare()
        await asyncio.to_thread(workers.start)
        app = SamsnakkApp(stack.config, policies=_policies())
        await app.start()
        synapse = WorkerSynapse(stack, workers.base_url, workers.admin_url)
        yield Running(workers, synapse, app, gateway, tmp, time.monotonic() - began)
    finally:
        try:
            if app is not None:
                await app.stop()
        finally:
            try:
                await asyncio.to_thread(workers.stop)
            finally:
                await gateway.stop()


async def _user(r: Running, role: str, org: str | None, name: str) -> MatrixUser:
    user = await new_user(r.synapse, r.tmp / "clients")  # type: ignore[arg-type]
    await r.app.accounts.upsert(user.user_id, role, org, name, 0)
    return user


async def _set_pusher(r: Running, user: MatrixUser) -> None:
    body = {
        "kind": "http",
        "app_id": "no.samsnakk.test",
        "pushkey": f"key-{user.user_id}",
        "app_display_name": "Samsnakk test",
        "device_display_name": "test",
        "lang": "nb",
        "data": {"url": r.gateway.url},
    }
    headers = {"Authorization": f"Bearer {user.client.access_token}"}
    async with (
        ClientSession() as http,
        http.post(
            f"{r.synapse.url}/_matrix/client/v3/pushers/set", json=body, headers=headers
        ) as resp,
    ):
        assert resp.status == 200, await resp.text()


async def _eventually(what: str, check: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def test_brukerrom_flow_through_workers_with_worker_restarts(running: Running) -> None:
    r, app = running, running.app
    bot = app.cfg.bot_user_id
    # Every process of the production shape is up: main, five workers, nginx.
    assert set(r.workers.pids()) == {
        "main",
        "generic_worker1",
        "generic_worker2",
        "event_persister1",
        "federation_sender1",
        "pusher1",
        "nginx",
    }
    trond = await _user(r, "ansatt", "Askøy kommune", "Trond Psykolog")
    per = await _user(r, "bruker", None, "Per")
    vera = await _user(r, "ansatt", "NAV Askøy", "Vera Veileder")
    await _set_pusher(r, vera)
    users = (trond, per, vera)
    try:
        room = await create_brukerrom(app, trond, per)  # create, join, consent
        assert await members(app, room) == {bot, per.user_id, trond.user_id}

        # The /sync worker goes down and comes back; every client's sync carries on.
        await asyncio.to_thread(r.workers.restart, "generic_worker1")

        await command(app, trond, room, f"!legg-til {vera.user_id} veileder")
        prompt = await per.wait_for_message(
            room, lambda s: s.sender == bot and "Forespørsel 1" in s.body
        )
        assert prompt.decrypted and vera.user_id in prompt.body
        mark = len(trond.seen)
        await per.send(room, "!godkjenn 1")
        await trond.wait_for_message(
            room, lambda s: s.sender == bot and "godkjente forespørsel 1" in s.body, after=mark
        )
        await vera.accept_invite(room)
        assert vera.user_id in await members(app, room)

        mark = len(vera.seen)
        await trond.send(room, "Hei Vera, velkommen. Per har time hos DPS 17. november.")
        heard = await vera.wait_for_message(room, lambda s: s.sender == trond.user_id, after=mark)
        assert heard.decrypted and "17. november" in heard.body

        # The varsel: a content-free DM from the bot, and the pusher worker's push for it.
        async def dm_made() -> bool:
            return await app.rooms.dm_with(vera.user_id) is not None

        await _eventually("the varsel DM", dm_made)
        dm = await app.rooms.dm_with(vera.user_id)
        assert dm is not None
        await vera.accept_invite(dm)
        varsel = await vera.wait_for_message(dm, lambda s: s.sender == bot)
        assert varsel.decrypted and "ny melding" in varsel.body
        assert "17. november" not in varsel.body

        async def pushed() -> bool:
            return any(n.get("room_id") == dm for n in r.gateway.notifications)

        await _eventually("a push for the varsel DM", pushed)
        for n in r.gateway.notifications:
            text = json.dumps(n, ensure_ascii=False)
            assert "content" not in n and "17. november" not in text, n

        # The event persister, which writes every event, goes down and comes back too.
        await asyncio.to_thread(r.workers.restart, "event_persister1")

        await command(app, per, room, f"!fjern {vera.user_id}", "er fjernet")

        async def vera_gone() -> bool:
            return vera.user_id not in await members(app, room)

        await _eventually("Vera out of the room", vera_gone)
        assert not await app.participants.is_approved(room, vera.user_id)

        await command(app, per, room, "!samtykke trekk", "trukket samtykket")

        async def only_bot() -> bool:
            return await members(app, room) == {bot}

        await _eventually("everyone out after the withdrawal", only_bot)
        record = await app.brukerrom.get(room)
        assert record is not None and record.state == "closed"
        assert (await app.audit.verify()).ok
    finally:
        for user in users:
            await user.stop()
    print(f"\nworker stack up in {r.started_in:.1f} s; processes {r.workers.pids()}")
