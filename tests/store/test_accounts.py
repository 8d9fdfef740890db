from __future__ import annotations

import pytest

from samsnakk_bot.store import Account, AccountRepo, Database


async def test_upsert_creates_then_updates_account_keeping_created_time(db: Database) -> None:
    accounts = AccountRepo(db)
    await accounts.upsert("@kari:test", "ansatt", "dps", "Kari", now_ms=100)

    await accounts.upsert("@kari:test", "admin", "askoy", None, now_ms=200)

    assert await accounts.get("@kari:test") == Account("@kari:test", "admin", "askoy", None, 100)


async def test_unknown_account_is_none(db: Database) -> None:
    assert await AccountRepo(db).get("@nobody:test") is None


async def test_list_all_returns_accounts_sorted_by_user_id(db: Database) -> None:
    accounts = AccountRepo(db)
    await accounts.upsert("@per:test", "bruker", None, "Per", now_ms=1)
    await accounts.upsert("@ola:test", "ansatt", "nav", "Ola", now_ms=2)

    assert [a.user_id for a in await accounts.list_all()] == ["@ola:test", "@per:test"]


async def test_unknown_role_is_refused_with_the_valid_choices(db: Database) -> None:
    with pytest.raises(ValueError, match="ansatt, bruker, admin"):
        await AccountRepo(db).upsert("@x:test", "root", None, None, now_ms=1)  # type: ignore[arg-type]
