"""The inbox purge rolls message counts up first: the usage report gives the same figures
before and after it, for whole months, single days and ranges, on SQLite and PostgreSQL."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import func, select, update

from samsnakk_bot.domain.report import Period
from samsnakk_bot.services.inbox_purge import JOB_ID, InboxPurge
from samsnakk_bot.store import Database
from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.models import InboxEventRow, MessageRollupRow
from samsnakk_bot.store.report_queries import usage_figures
from samsnakk_bot.store.rollups import InboxRollups
from tests.store.test_report_queries import BOT, at, seed_two_orgs

_inbox = table_of(InboxEventRow)
_rollups = table_of(MessageRollupRow)
PERIODS = [
    Period(at(8, 1), at(9, 1)),
    Period(at(9, 1), at(10, 1)),
    Period(at(9, 3), at(9, 4)),
    Period(at(9, 1), at(9, 6)),
    Period(at(8, 31), at(10, 2)),
]


async def _report(db: Database) -> list[object]:
    figures = []
    for period in PERIODS:
        for org in (None, "askoy", "dps"):
            figures.append(await usage_figures(db, org, period, exclude_senders=[BOT]))
        figures.append(await usage_figures(db, None, period))
    return figures


async def _inbox_rows(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(_inbox))).scalar_one())


async def _processed(db: Database, before_ms: int) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(
            update(_inbox).where(_inbox.c.received_ms < before_ms).values(processed_ms=1)
        )


async def test_the_report_is_the_same_before_and_after_a_purge(db: Database) -> None:
    await seed_two_orgs(db).write()
    before = await _report(db)
    # Everything processed except a5's membership event, which waits in the inbox.
    await _processed(db, at(9, 13))
    await _processed(db, at(11, 1))
    async with db.engine.begin() as conn:
        await conn.execute(
            update(_inbox).where(_inbox.c.event_type == "m.room.member").values(processed_ms=None)
        )
    rows = await _inbox_rows(db)

    first = await InboxRollups(db).purge(BOT, at(9, 5))
    assert await _report(db) == before
    second = await InboxRollups(db).purge(BOT, at(10, 1))
    assert await _report(db) == before

    # a4 on 31.8, a0 on 1.9, a1 on 2.9, 3.9 and 4.9 came before 5.9.
    assert (first.days, first.rolled_up, first.deleted) == (5, 5, 5)
    assert (second.rolled_up, second.deleted) == (7, 7)
    # Left: October's message and the unprocessed membership event.
    assert await _inbox_rows(db) == rows - 12 == 2
    async with db.engine.connect() as conn:
        bot_rows = await conn.execute(
            select(_rollups.c.messages, _rollups.c.bot_messages).where(
                _rollups.c.room_id == "!a3:hs.test"
            )
        )
        assert [tuple(r) for r in bot_rows] == [(0, 1)]


async def test_a_second_purge_on_the_same_day_counts_nothing_twice(db: Database) -> None:
    await seed_two_orgs(db).write()
    before = await _report(db)
    await _processed(db, at(11, 1))
    await InboxRollups(db).purge(BOT, at(10, 1))
    again = await InboxRollups(db).purge(BOT, at(10, 1))

    assert (again.days, again.rolled_up, again.deleted) == (0, 0, 0)
    assert await _report(db) == before


async def test_an_empty_inbox_rolls_up_nothing(db: Database) -> None:
    purged = await InboxRollups(db).purge(BOT, at(10, 1))
    assert (purged.days, purged.rolled_up, purged.deleted) == (0, 0, 0)


async def test_the_nightly_purge_keeps_the_last_seven_whole_days(db: Database) -> None:
    await seed_two_orgs(db).write()
    before = await _report(db)
    await _processed(db, at(11, 1))
    purge = InboxPurge(InboxRollups(db), BOT, lambda: at(9, 12, 3.25))
    scheduler = AsyncIOScheduler(timezone="UTC")
    purge.schedule(scheduler)

    purged = await purge.run()

    assert scheduler.get_job(JOB_ID) is not None
    # Rolled up to 5.9 (seven whole days before 12.9): as far as the first purge above.
    assert (purged.days, purged.rolled_up, purged.deleted) == (5, 5, 5)
    assert await _report(db) == before
