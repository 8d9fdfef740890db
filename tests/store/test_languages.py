"""Each person's «!språk» choice: stored once per person, changed in place (SQLite and PG)."""

from __future__ import annotations

from samsnakk_bot.store import Database
from samsnakk_bot.store.languages import LanguageRepo

PER = "@per:hs.test"
TROND = "@trond:hs.test"


async def test_a_choice_is_kept_per_person_and_can_change(db: Database) -> None:
    repo = LanguageRepo(db)
    assert await repo.get(PER) is None
    await repo.set(PER, "nn", 1)
    await repo.set(TROND, "nb", 2)
    assert await repo.get(PER) == "nn"
    await repo.set(PER, "nb", 3)
    assert (await repo.get(PER), await repo.get(TROND)) == ("nb", "nb")
    assert await repo.get("@nobody:hs.test") is None
