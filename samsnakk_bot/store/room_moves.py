"""Moving a brukerrom's records to its successor when Samsnakk upgrades the room itself.

Who may be there, pending requests, meetings and onboarding codes follow the room; the audit
log stays where it was written (it is hash-chained, and the old room's history is its own).
"""

from __future__ import annotations

from sqlalchemy import update

from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import (
    BrukerromRow,
    MeetingRow,
    OnboardingCodeRow,
    ParticipantRequestRow,
    ParticipantRow,
)

_MOVED = [
    table_of(row)
    for row in (BrukerromRow, ParticipantRow, ParticipantRequestRow, MeetingRow, OnboardingCodeRow)
]


async def move_brukerrom(db: Database, old_room: str, new_room: str) -> None:
    """All or nothing, in one transaction."""
    async with db.engine.begin() as conn:
        for table in _MOVED:
            await conn.execute(
                update(table).where(table.c.room_id == old_room).values(room_id=new_room)
            )


class RoomMoves:
    """The adapter the room upgrade uses (``services.ports.RoomMover``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def move_brukerrom(self, old_room: str, new_room: str) -> None:
        await move_brukerrom(self._db, old_room, new_room)
