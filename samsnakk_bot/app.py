"""Wiring and life cycle: explicit start-up and shutdown action lists."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy import text

from samsnakk_bot.clock import Clock, SystemClock
from samsnakk_bot.config import Config
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.http.appservice import AppserviceRoutes
from samsnakk_bot.http.health import register_health
from samsnakk_bot.matrix.bot import BotRuntime, IncomingText
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.services.commands import CommandService
from samsnakk_bot.services.inbox import InboxService
from samsnakk_bot.services.membership import MembershipHandler
from samsnakk_bot.store import AccountRepo, Database, InboxRepo, RoomRepo, SecretRepo
from samsnakk_bot.store.fieldcrypt import FieldCipher
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)


class SamsnakkApp:
    def __init__(self, cfg: Config, clock: Clock | None = None) -> None:
        self.cfg = cfg
        self.clock = clock or SystemClock()
        self.metrics = Metrics()
        self._build()

    def _build(self) -> None:
        """Fresh components, so that one app object can be stopped and started again."""
        cfg = self.cfg
        self.db = Database(cfg.database.url)
        self.cipher = FieldCipher(cfg.security.field_key_bytes)
        self.rooms = RoomRepo(self.db)
        self.accounts = AccountRepo(self.db)
        self.inbox = InboxService(InboxRepo(self.db), self.clock, self.metrics)
        self.bot = BotRuntime(cfg, SecretRepo(self.db), self.cipher, self.rooms, self.clock.now_ms)
        self.commands = CommandService(self.accounts, self.rooms, self.metrics)
        self._tasks = TaskGroup()
        self._runner: web.AppRunner | None = None
        self._stopped = asyncio.Event()
        self._started = False

    async def start(self) -> None:
        if self._started:
            raise RuntimeError("already started")
        if self._stopped.is_set():
            self._build()
        self._started = True
        await self.db.upgrade()
        # Intake first: Synapse may deliver transactions while the bot is still starting.
        await self._start_http()
        await self.bot.start()
        self.bot.set_message_handler(self._on_message)
        self.bot.set_greeting(self._greeting)
        self.inbox.add_handler(
            MembershipHandler(
                self.cfg.bot_user_id,
                self.cfg.homeserver.server_name,
                self.cfg.appservice.bot_localpart,
                self.rooms,
                self.bot,
                self.clock,
            )
        )
        self._tasks.spawn(self.inbox.run(), "inbox")
        log.info("Samsnakk is running as %s", self.cfg.bot_user_id)

    async def _start_http(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        AppserviceRoutes(
            self.cfg.appservice.hs_token, self.inbox, self.cfg.bot_user_id, self.metrics
        ).register(app)
        register_health(app, self.metrics, self._health)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.cfg.appservice.bind_host, self.cfg.appservice.port)
        await site.start()

    async def _health(self) -> dict[str, bool]:
        try:
            async with self.db.session() as s:
                await s.execute(text("SELECT 1"))
            db_ok = True
        except Exception:
            db_ok = False
        return {"database": db_ok, "bot": self.bot.client is not None}

    async def _on_message(self, msg: IncomingText) -> Reply | None:
        return await self.commands.handle(msg.sender, msg.room_id, msg.body)

    async def _greeting(self, room_id: str) -> Reply | None:
        return texts.dm_greeting()

    async def stop(self) -> None:
        await self._tasks.stop()
        await self.bot.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.db.close()
        self._started = False
        self._stopped.set()

    async def wait_stopped(self) -> None:
        await self._stopped.wait()


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # nio logs event contents at DEBUG; never let that reach our logs.
    logging.getLogger("nio").setLevel(logging.WARNING)
    logging.getLogger("peewee").setLevel(logging.WARNING)
