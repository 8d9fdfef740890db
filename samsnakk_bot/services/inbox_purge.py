"""The inbox is purged every night, after the report's message counts are rolled up.

Processed inbox rows are kept :data:`KEEP_DAYS` whole days (Europe/Oslo): the inbox's unique
event IDs are what de-duplicates a transaction Synapse sends again, and a replay after a week
is not expected. Older rows are first counted into ``message_rollups`` (``store/rollups.py``),
so the usage reports (``samsnakk rapport``, the admin report) give the same figures after a
purge as before it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from samsnakk_bot.domain.records import Purged
from samsnakk_bot.domain.rollups import purge_before
from samsnakk_bot.domain.timezone import OSLO
from samsnakk_bot.services.store_ports import InboxRollupStore

log = logging.getLogger(__name__)

KEEP_DAYS = 7
JOB_ID = "inbox-purge"


class InboxPurge:
    def __init__(
        self,
        rollups: InboxRollupStore,
        bot_user_id: str,
        now_ms: Callable[[], int],
        keep_days: int = KEEP_DAYS,
    ) -> None:
        self._rollups = rollups
        self._bot = bot_user_id
        self._now_ms = now_ms
        self._keep_days = keep_days

    async def run(self) -> Purged:
        purged = await self._rollups.purge(self._bot, purge_before(self._now_ms(), self._keep_days))
        log.info(
            "inbox purge: %d days rolled up (%d message events), %d rows deleted",
            purged.days,
            purged.rolled_up,
            purged.deleted,
        )
        return purged

    def schedule(self, scheduler: AsyncIOScheduler) -> None:
        """Nightly at 03:15 Oslo time, when people are least likely to be writing."""
        scheduler.add_job(
            self.run,
            CronTrigger(hour=3, minute=15, timezone=OSLO),
            id=JOB_ID,
            replace_existing=True,
            coalesce=True,
        )
