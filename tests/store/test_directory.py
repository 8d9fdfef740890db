"""The katalog store on SQLite and PostgreSQL: encrypted contacts, search, all-or-nothing."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from samsnakk_bot.crypto.field_cipher import FieldCipher, FieldDecryptError
from samsnakk_bot.domain.directory import EntryIn, parse_csv
from samsnakk_bot.policies import Organisations
from samsnakk_bot.store import Database
from samsnakk_bot.store.directory import DirectoryEntry, DirectoryRepo
from samsnakk_bot.store.models import DirectoryEntryRow

ORGS = Organisations.model_validate(
    yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "policies" / "organisations.example.yaml").read_text(
            encoding="utf-8"
        )
    )
)
ADMIN = "@admin.askoy:hs.test"


def entry(user: str, name: str, org: str, role: str, **more: str | None) -> EntryIn:
    found = ORGS.by_id(org)
    assert found is not None
    fields: dict[str, str | None] = {"unit": None, "email": None, "phone": None, "help_text": None}
    fields.update(more)
    return EntryIn(
        user_id=f"@{user}:hs.test",
        name=name,
        org_id=org,
        org_name=found.name,
        role=role,
        unit=fields["unit"],
        email=fields["email"],
        phone=fields["phone"],
        help_text=fields["help_text"],
    )


TROND = entry(
    "trond",
    "Trond Hansen",
    "askoy-kommune",
    "psykolog",
    email="trond.hansen@askoy.kommune.no",
    phone="+4791234567",
    help_text="Rus og psykisk helse",
)
KARI = entry("kari", "Kari Nordmann", "oyane-dps", "psykolog", unit="Voksenpsykiatrisk poliklinikk")
OLA = entry("ola", "Ola Berg", "nav-askoy", "veileder", help_text="Arbeid og AAP")
ASE = entry("ase", "Åse Lie", "askoy-kommune", "sykepleier")
OYSTEIN = entry("oystein", "Øystein Vik", "askoy-kommune", "koordinator")


@pytest.fixture
def repo(db: Database) -> DirectoryRepo:
    return DirectoryRepo(db, FieldCipher(os.urandom(32)))


def names(found: list[DirectoryEntry]) -> list[str]:
    return [e.name for e in found]


async def test_upsert_then_get_returns_the_entry_with_contact_details(repo: DirectoryRepo) -> None:
    created = await repo.upsert(TROND, ADMIN, now_ms=100)

    assert created is True
    assert await repo.get("@trond:hs.test") == DirectoryEntry(
        user_id="@trond:hs.test",
        name="Trond Hansen",
        org_id="askoy-kommune",
        unit=None,
        role="psykolog",
        help_text="Rus og psykisk helse",
        email="trond.hansen@askoy.kommune.no",
        phone="+4791234567",
        active=True,
        updated_ms=100,
        updated_by=ADMIN,
    )


async def test_email_and_phone_are_not_in_the_database_in_clear(
    db: Database, repo: DirectoryRepo
) -> None:
    await repo.upsert(TROND, ADMIN, now_ms=100)

    async with db.engine.connect() as conn:
        row = (await conn.execute(select(DirectoryEntryRow.__table__))).one()
    raw = repr(tuple(row)).encode() + row.email_enc + row.phone_enc

    assert b"trond.hansen@askoy" not in raw
    assert b"91234567" not in raw
    assert row.search_text == "trond hansen askoy kommune psykolog rus og psykisk helse"


async def test_a_blob_copied_to_another_person_does_not_decrypt(
    db: Database, repo: DirectoryRepo
) -> None:
    await repo.upsert(TROND, ADMIN, now_ms=1)
    await repo.upsert(OLA, ADMIN, now_ms=1)
    table = DirectoryEntryRow.__table__
    async with db.engine.begin() as conn:
        blob = await conn.scalar(select(table.c.phone_enc).where(table.c.user_id == TROND.user_id))
        await conn.execute(
            update(table).where(table.c.user_id == OLA.user_id).values(phone_enc=blob)
        )

    with pytest.raises(FieldDecryptError):
        await repo.get(OLA.user_id)


async def test_upsert_replaces_an_entry_and_reactivates_it(repo: DirectoryRepo) -> None:
    await repo.upsert(TROND, ADMIN, now_ms=1)
    await repo.deactivate(TROND.user_id, ADMIN, now_ms=2)

    created = await repo.upsert(dataclasses.replace(TROND, email=None), "@other:hs.test", 3)

    got = await repo.get(TROND.user_id)
    assert created is False
    assert got is not None
    assert (got.email, got.phone, got.active, got.updated_by) == (
        None,
        "+4791234567",
        True,
        "@other:hs.test",
    )


async def test_deactivate_is_conditional_and_hides_from_search(repo: DirectoryRepo) -> None:
    await repo.upsert(TROND, ADMIN, now_ms=1)

    first = await repo.deactivate(TROND.user_id, ADMIN, now_ms=5)
    again = await repo.deactivate(TROND.user_id, ADMIN, now_ms=6)
    unknown = await repo.deactivate("@nobody:hs.test", ADMIN, now_ms=6)

    got = await repo.get(TROND.user_id)
    assert (first, again, unknown) == (True, False, False)
    assert got is not None
    assert (got.active, got.updated_ms) == (False, 5)
    assert await repo.search("trond") == []


async def test_get_unknown_is_none(repo: DirectoryRepo) -> None:
    assert await repo.get("@nobody:hs.test") is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("psykolog askøy", ["Trond Hansen"]),
        ("psyk ask", ["Trond Hansen"]),
        ("PSYKOLOG Askoy", ["Trond Hansen"]),
        ("psykolog", ["Kari Nordmann", "Trond Hansen"]),
        ("nordm", ["Kari Nordmann"]),
        ("voksenpsyk", ["Kari Nordmann"]),
        ("oeyane", ["Kari Nordmann"]),
        ("nav", ["Ola Berg"]),
        ("aap", ["Ola Berg"]),
        ("askøy", ["Ola Berg", "Trond Hansen", "Øystein Vik", "Åse Lie"]),
        ("ansen", []),
        ("psykolog bergen", []),
        ("", []),
        ("%", []),
    ],
)
async def test_search_by_name_org_unit_role_and_help_text(
    repo: DirectoryRepo, query: str, expected: list[str]
) -> None:
    await repo.import_entries([TROND, KARI, OLA, ASE, OYSTEIN], ADMIN, now_ms=1)

    assert names(await repo.search(query)) == expected


async def test_search_returns_at_most_limit_in_name_order(repo: DirectoryRepo) -> None:
    await repo.import_entries([OYSTEIN, ASE, TROND, OLA], ADMIN, now_ms=1)

    found = await repo.search("askoy", limit=2)

    assert names(found) == ["Ola Berg", "Trond Hansen"]
    assert found[1].email == "trond.hansen@askoy.kommune.no"


async def test_by_org_lists_active_entries_and_optionally_inactive(repo: DirectoryRepo) -> None:
    await repo.import_entries([OYSTEIN, ASE, TROND, OLA, KARI], ADMIN, now_ms=1)
    await repo.deactivate(ASE.user_id, ADMIN, now_ms=2)

    active = await repo.by_org("askoy-kommune")
    everyone = await repo.by_org("askoy-kommune", include_inactive=True)

    assert names(active) == ["Trond Hansen", "Øystein Vik"]
    assert names(everyone) == ["Trond Hansen", "Øystein Vik", "Åse Lie"]


async def test_import_counts_and_updates_existing_entries(repo: DirectoryRepo) -> None:
    await repo.upsert(TROND, ADMIN, now_ms=1)

    count = await repo.import_entries(
        [dataclasses.replace(TROND, role="koordinator"), OLA], "cli", 9
    )

    got = await repo.get(TROND.user_id)
    assert count == 2
    assert got is not None
    assert (got.role, got.updated_by, got.updated_ms) == ("koordinator", "cli", 9)


async def test_a_file_with_one_bad_row_imports_nothing(repo: DirectoryRepo) -> None:
    text = (
        "matrix_id;navn;organisasjon;rolle\n"
        "@kari:hs.test;Kari Nordmann;oyane-dps;psykolog\n"
        "@ola:hs.test;Ola Berg;nav-askoy;rørlegger\n"
    )

    entries, problems = parse_csv(text, ORGS)
    if not problems:
        await repo.import_entries(entries, "cli", now_ms=1)

    assert [(p.line, p.field) for p in problems] == [(3, "rolle")]
    assert await repo.search("kari") == []


async def test_a_database_error_mid_import_rolls_back_every_row(repo: DirectoryRepo) -> None:
    broken = dataclasses.replace(OLA, name=None)  # type: ignore[arg-type]

    with pytest.raises(IntegrityError):
        await repo.import_entries([TROND, KARI, broken], "cli", now_ms=1)

    assert await repo.get(TROND.user_id) is None
    assert await repo.by_org("oyane-dps", include_inactive=True) == []


async def test_import_refuses_the_same_person_twice_before_writing(repo: DirectoryRepo) -> None:
    with pytest.raises(ValueError, match="distinct"):
        await repo.import_entries([TROND, KARI, TROND], "cli", now_ms=1)

    assert await repo.get(KARI.user_id) is None
