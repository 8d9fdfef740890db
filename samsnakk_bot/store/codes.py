"""One-time onboarding codes (stored as keyed hashes) and failed guesses for rate limiting."""

from __future__ import annotations

from sqlalchemy import func, select, update

from samsnakk_bot.domain.records import OnboardingCode
from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import CodeAttemptRow, OnboardingCodeRow

_codes = table_of(OnboardingCodeRow)
__all__ = ["CodeRepo", "OnboardingCode"]
_attempts = table_of(CodeAttemptRow)


class CodeRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        room_id: str,
        code_hash: str,
        phone_enc: bytes | None,
        created_by: str,
        now_ms: int,
        expires_ms: int,
    ) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                _codes.insert().values(
                    room_id=room_id,
                    code_hash=code_hash,
                    phone_enc=phone_enc,
                    created_by=created_by,
                    created_ms=now_ms,
                    expires_ms=expires_ms,
                )
            )

    async def find(self, code_hash: str) -> OnboardingCode | None:
        async with self._db.engine.connect() as conn:
            row = (
                await conn.execute(select(_codes).where(_codes.c.code_hash == code_hash))
            ).first()
        return None if row is None else OnboardingCode(**row._mapping)

    async def for_room(self, room_id: str) -> list[OnboardingCode]:
        async with self._db.engine.connect() as conn:
            rows = await conn.execute(select(_codes).where(_codes.c.room_id == room_id))
            return [OnboardingCode(**r._mapping) for r in rows]

    async def use(self, code_id: int, user_id: str, now_ms: int) -> bool:
        """Spend the code; False if it was already used (a code works exactly once)."""
        stmt = (
            update(_codes)
            .where(_codes.c.id == code_id, _codes.c.used_ms.is_(None))
            .values(used_ms=now_ms, used_by=user_id)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def void_created_by(self, user_id: str, now_ms: int) -> list[str]:
        """End every unused, unexpired code this person issued; the rooms they were for."""
        live = (
            _codes.c.created_by == user_id,
            _codes.c.used_ms.is_(None),
            _codes.c.expires_ms > now_ms,
        )
        async with self._db.engine.begin() as conn:
            rooms = [r.room_id for r in await conn.execute(select(_codes.c.room_id).where(*live))]
            await conn.execute(update(_codes).where(*live).values(expires_ms=now_ms))
        return rooms

    async def add_failure(self, user_id: str, now_ms: int) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(_attempts.insert().values(user_id=user_id, attempted_ms=now_ms))

    async def failures_since(self, user_id: str, since_ms: int) -> tuple[int, int | None]:
        """How many failed guesses since ``since_ms``, and when the oldest of them was."""
        stmt = select(func.count(), func.min(_attempts.c.attempted_ms)).where(
            _attempts.c.user_id == user_id, _attempts.c.attempted_ms >= since_ms
        )
        async with self._db.engine.connect() as conn:
            count, oldest = (await conn.execute(stmt)).one()
        return int(count), (int(oldest) if oldest is not None else None)
