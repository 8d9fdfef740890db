"""Which question each of the bot's polls asked."""

from __future__ import annotations

from sqlalchemy import select

from samsnakk_bot.domain.records import Poll, PollPurpose
from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import PollRow

__all__ = ["Poll", "PollPurpose", "PollRepo"]
_polls = table_of(PollRow)


class PollRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, event_id: str, room_id: str, purpose: PollPurpose, request_id: int | None, now_ms: int
    ) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                _polls.insert().values(
                    event_id=event_id,
                    room_id=room_id,
                    purpose=purpose,
                    request_id=request_id,
                    created_ms=now_ms,
                )
            )

    async def has_consent_poll(self, room_id: str) -> bool:
        stmt = select(_polls.c.event_id).where(
            _polls.c.room_id == room_id, _polls.c.purpose == "consent"
        )
        async with self._db.engine.connect() as conn:
            return (await conn.execute(stmt)).first() is not None

    async def get(self, event_id: str) -> Poll | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(select(_polls).where(_polls.c.event_id == event_id))).first()
        return None if row is None else Poll(**row._mapping)
