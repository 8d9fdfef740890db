"""Local accounts the bot knows, with their role and organisation."""

from __future__ import annotations

from typing import get_args

from sqlalchemy import select

from samsnakk_bot.domain.records import Account, Role
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import ROLES, AccountRow

assert get_args(Role) == ROLES

_accounts = table_of(AccountRow)
__all__ = ["Account", "AccountRepo", "Role"]


class AccountRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert(
        self, user_id: str, role: Role, org: str | None, display_name: str | None, now_ms: int
    ) -> None:
        """Create the account, or update role, org and name; ``created_ms`` stays the first."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; use one of: {', '.join(ROLES)}")
        stmt = upsert_insert(self._db, _accounts).values(
            user_id=user_id, role=role, org=org, display_name=display_name, created_ms=now_ms
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[_accounts.c.user_id],
            set_={
                "role": stmt.excluded.role,
                "org": stmt.excluded.org,
                "display_name": stmt.excluded.display_name,
            },
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def get(self, user_id: str) -> Account | None:
        stmt = select(_accounts).where(_accounts.c.user_id == user_id)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).one_or_none()
        return None if row is None else Account(**row._mapping)

    async def list_all(self) -> list[Account]:
        """Every account, ordered by user ID."""
        stmt = select(_accounts).order_by(_accounts.c.user_id)
        async with self._db.engine.connect() as conn:
            return [Account(**row._mapping) for row in await conn.execute(stmt)]

    async def with_role(self, role: Role) -> list[Account]:
        """Every account with ``role`` (e.g. the admins), ordered by user ID."""
        stmt = select(_accounts).where(_accounts.c.role == role).order_by(_accounts.c.user_id)
        async with self._db.engine.connect() as conn:
            return [Account(**row._mapping) for row in await conn.execute(stmt)]
