"""``samsnakk katalog import FILE``: every row of a good file, or nothing and the bad lines."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from config_files import minimal_config
from sqlalchemy import text

from samsnakk_bot.config import Config, parse_config
from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.ops.directory_import import import_csv
from samsnakk_bot.store import Database
from samsnakk_bot.store.audit import AuditLog, chain_key_from
from samsnakk_bot.store.directory import DirectoryRepo

FIELD_KEY = b"k" * 32
SHIPPED_POLICIES = Path(__file__).resolve().parents[2] / "policies"
HEADER = "matrix_id;navn;organisasjon;enhet;rolle;epost;telefon;kan_hjelpe_med"
GOOD_ROWS = (
    "@trond:hs.test;Trond Hansen;Askøy kommune;;psykolog;trond@askoy.no;912 34 567;Rus",
    "@kari:hs.test;Kari Nordmann;oyane-dps;Voksenpsykiatrisk poliklinikk;psykolog;;;",
)


class FixedClock:
    def now_ms(self) -> int:
        return 1_700_000_000_000


def make_config(tmp_path: Path, db_file: Path) -> Config:
    policies = tmp_path / "policies"
    shutil.copytree(SHIPPED_POLICIES, policies)
    return parse_config(
        minimal_config(
            FIELD_KEY,
            database={"url": f"sqlite+aiosqlite:///{db_file}"},
            policies_dir=str(policies),
        ),
        environ={},
    )


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[tuple[Config, Database]]:
    """A config and a migrated SQLite database it points at, for reading back afterwards."""
    db_file = tmp_path / "samsnakk.db"
    db = Database(f"sqlite+aiosqlite:///{db_file}")
    try:
        await db.upgrade()
        yield make_config(tmp_path, db_file), db
    finally:
        await db.close()


def write_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "katalog.csv"
    path.write_bytes(("\ufeff" + "\r\n".join((HEADER, *rows)) + "\r\n").encode())
    return path


def directory_of(db: Database) -> DirectoryRepo:
    return DirectoryRepo(db, FieldCipher(FIELD_KEY))


async def test_good_file_is_imported_counted_and_audited(
    tmp_path: Path, setup: tuple[Config, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, db = setup

    code = await import_csv(cfg, write_csv(tmp_path, *GOOD_ROWS), FixedClock())

    out = capsys.readouterr()
    repo = directory_of(db)
    trond = await repo.get("@trond:hs.test")
    audit = await AuditLog(db, chain_key_from(FIELD_KEY)).for_actor("cli")
    assert (code, out.out, out.err) == (0, "OK: 2 directory entries imported\n", "")
    assert trond is not None
    assert (trond.org_id, trond.phone, trond.updated_by) == ("askoy-kommune", "+4791234567", "cli")
    assert [(a.actor, a.action, a.details) for a in audit] == [
        ("cli", "directory_import", {"entries": 2})
    ]


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        (
            "@ola:hs.test;Ola Berg;NAV Askøy;;veileder;ola-at-nav.no;;",
            "linje 4 (epost): ikke en gyldig e-postadresse",
        ),
        ("@ola:hs.test;Ola Berg", "linje 4: feil antall felt (skal være 8)"),
    ],
)
async def test_malformed_row_imports_nothing_and_names_the_line(
    tmp_path: Path,
    setup: tuple[Config, Database],
    capsys: pytest.CaptureFixture[str],
    bad_row: str,
    problem: str,
) -> None:
    cfg, db = setup

    code = await import_csv(cfg, write_csv(tmp_path, *GOOD_ROWS, bad_row), FixedClock())

    err = capsys.readouterr().err
    repo = directory_of(db)
    nothing = [await repo.get(u) for u in ("@trond:hs.test", "@kari:hs.test", "@ola:hs.test")]
    assert code == 1
    assert err.splitlines() == [
        problem,
        f"FEIL/ERROR: 1 problem(s) in {tmp_path / 'katalog.csv'}; nothing was imported",
    ]
    assert nothing == [None, None, None]


async def test_unknown_organisation_lists_the_valid_ids(
    tmp_path: Path, setup: tuple[Config, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, _ = setup
    path = write_csv(tmp_path, GOOD_ROWS[0].replace("Askøy kommune", "Bergen kommune"))

    code = await import_csv(cfg, path, FixedClock())

    first = capsys.readouterr().err.splitlines()[0]
    assert code == 1
    assert first.startswith("linje 2 (organisasjon): ukjent organisasjon (gyldige: helse-bergen, ")


async def test_file_that_is_not_utf8_is_refused(
    tmp_path: Path, setup: tuple[Config, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, _ = setup
    path = tmp_path / "excel.csv"
    path.write_bytes("\r\n".join((HEADER, GOOD_ROWS[0])).encode("cp1252"))

    code = await import_csv(cfg, path, FixedClock())

    assert code == 1
    assert capsys.readouterr().err.splitlines()[0].startswith("linje 2: filen er ikke UTF-8")


async def test_missing_file_is_a_clear_error(
    tmp_path: Path, setup: tuple[Config, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, _ = setup

    code = await import_csv(cfg, tmp_path / "nope.csv", FixedClock())

    assert code == 1
    assert capsys.readouterr().err.startswith("FEIL/ERROR: cannot read ")


async def test_database_not_yet_created_is_refused_without_creating_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_file = tmp_path / "missing.db"
    cfg = make_config(tmp_path, db_file)

    code = await import_csv(cfg, write_csv(tmp_path, *GOOD_ROWS), FixedClock())

    assert code == 1
    assert "run `samsnakk db upgrade` first" in capsys.readouterr().err
    assert not db_file.exists()


async def test_broken_policies_stop_the_import(
    tmp_path: Path, setup: tuple[Config, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, _ = setup
    (cfg.policies_dir / "default.yaml").unlink()

    code = await import_csv(cfg, write_csv(tmp_path, *GOOD_ROWS), FixedClock())

    assert code == 1
    assert capsys.readouterr().err.startswith("FEIL/ERROR: Policy file not found")


async def test_unreadable_database_is_reported_by_error_type_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_file = tmp_path / "garbage.db"
    db_file.write_bytes(b"this is not a database" * 100)
    cfg = make_config(tmp_path, db_file)

    code = await import_csv(cfg, write_csv(tmp_path, *GOOD_ROWS), FixedClock())

    assert code == 1
    assert capsys.readouterr().err == (
        "FEIL/ERROR: could not write the database (DatabaseError); nothing was imported\n"
    )


async def test_audit_failure_after_import_says_the_rows_are_in(
    tmp_path: Path, setup: tuple[Config, Database], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, db = setup
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP TABLE audit_log"))

    code = await import_csv(cfg, write_csv(tmp_path, *GOOD_ROWS), FixedClock())

    assert code == 1
    assert capsys.readouterr().err == (
        "FEIL/ERROR: 2 entries were imported, but auditing it failed (OperationalError)\n"
    )
    assert await directory_of(db).get("@kari:hs.test") is not None
