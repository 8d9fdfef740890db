"""Life cycle: the explicit start-up and shutdown lists over the parts (samsnakk_bot/parts.py).

Nothing here decides anything, and nothing is built here: rules live in services and the
domain, and every part is built once, in order, in parts.py (D121).
"""

from __future__ import annotations

import asyncio
import logging
import secrets

import aiohttp
from sqlalchemy import text

from samsnakk_bot.clock import Clock, SystemClock
from samsnakk_bot.config import Config
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.i18n import speaking
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.http.appservice import AppserviceRoutes
from samsnakk_bot.http.delivery_reports import DeliveryReportRoutes
from samsnakk_bot.http.health import register_health
from samsnakk_bot.http.welcome import register_welcome
from samsnakk_bot.logging_setup import OWN_LOGGERS as OWN_LOGGERS
from samsnakk_bot.logging_setup import configure_logging as configure_logging
from samsnakk_bot.matrix.as_http import MatrixHttpError
from samsnakk_bot.parts import Parts
from samsnakk_bot.policies import Policies, load_policies

log = logging.getLogger(__name__)


class SamsnakkApp(Parts):
    def __init__(
        self, cfg: Config, clock: Clock | None = None, policies: Policies | None = None
    ) -> None:
        # Policies are validated here, so a bad policy file stops start-up with its key named.
        super().__init__(cfg, clock or SystemClock(), policies or load_policies(cfg.policies_dir))
        self._started = False
        self._stopped = asyncio.Event()

    async def start(self) -> None:
        if self._started:
            raise RuntimeError("already started")
        if self._stopped.is_set():
            self._build()  # fresh parts, so that one app object can be started again
            self._stopped = asyncio.Event()
        self._started = True
        await self.db.upgrade()
        # Before anything is appended, so no checkpoint is missed.
        await self.checkpoints.start()
        # Intake first: Synapse may deliver transactions while the bot is still starting.
        await self._start_http()
        await self._call_for_backlog()
        # Handlers first: start() answers commands that arrived while we were down.
        self.bot.set_message_handler(self.gate.on_message)
        self.bot.set_greeting(self._greeting)
        self.bot.set_poll_handler(self.gate.on_poll)
        await self.bot.start()
        self.scheduler.start()
        self.inbox_purge.schedule(self.scheduler)
        resumed = await self.approvals.resume()
        log.info("resumed %d pending approval requests", resumed)
        meetings = await self.meeting_jobs.resume()
        log.info("resumed the jobs of %d planned meetings", meetings)
        self._tasks.spawn(self.inbox.run(), "inbox")
        self._tasks.spawn(self.outbox_worker.run(), "outbox")
        self._tasks.spawn(self.room_notices.run(), "room notices")
        self._tasks.spawn(self.guard.run_sweeps(), "guard sweep")
        self._tasks.spawn(self._admin_rooms_at_start(), "admin rooms")
        self._tasks.spawn(self.guard.run_admin_sweeps(), "admin room sweep")
        self._tasks.spawn(self.retention.run(), "retention")
        self.checkpoints.announce_pending()
        log.info("Samsnakk is running as %s", self.cfg.bot_user_id)

    async def _admin_rooms_at_start(self) -> None:
        """Admin rooms made, then their membership matched to the current admin list."""
        await self.admin.ensure_admin_rooms()
        await self.guard.reconcile_admin_rooms()

    async def _start_http(self) -> None:
        cfg = self.cfg
        routes = [
            AppserviceRoutes(
                cfg.appservice.hs_token, self.inbox, cfg.bot_user_id, self.metrics
            ).register,
            self.antispam.register,
            lambda app: register_health(app, self.metrics, self._health),
            lambda app: register_welcome(app, cfg.onboarding_links.app()),
        ]
        if cfg.varsler.dlr_secret:
            dlr = DeliveryReportRoutes(cfg.varsler.dlr_secret, self.reports.on_report, self.clock)
            routes.append(dlr.register)
        await self.http.start(routes)

    async def _call_for_backlog(self) -> None:
        """After a crash Synapse retries us on a doubling backoff; a ping ends the wait."""
        try:
            await self.bot.http.ping(
                self.cfg.appservice.id, f"samsnakk-start-{secrets.token_hex(6)}"
            )
        except (MatrixHttpError, aiohttp.ClientError, TimeoutError) as err:
            log.warning("homeserver ping at start failed (%s); Synapse retries on its own", err)

    async def _health(self) -> dict[str, bool]:
        try:
            async with self.db.session() as s:
                await s.execute(text("SELECT 1"))
            db_ok = True
        except Exception:
            db_ok = False
        return {"database": db_ok, "bot": self.bot.client is not None}

    async def _greeting(self, room_id: str) -> Reply | None:
        record = await self.rooms.get(room_id)
        person = record.dm_user_id if record is not None else None
        with speaking(await self.languages.person(person) if person else None):
            return texts.dm_greeting()

    async def stop(self) -> None:
        # Offboarding notices go out after the command has answered; they need nio and the DB.
        await self.offboarding.wait_for_notices(timeout=30)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        # The head goes to the checkpoint file while the database is still open.
        await self.checkpoints.stop()
        await self._tasks.stop()
        await self.outbox_worker.close()
        await self.admin_clients.close()
        await self.device_trust.stop()
        await self.bot.stop()
        await self.http.stop()
        await self.db.close()
        self._started = False
        self._stopped.set()

    async def wait_stopped(self) -> None:
        await self._stopped.wait()
