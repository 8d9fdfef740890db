"""Putting test users into the staff directory, as `samsnakk katalog import` would."""

from __future__ import annotations

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.directory import EntryIn, check_entry


async def list_in_directory(app: SamsnakkApp, user_id: str, name: str, org: str, role: str) -> None:
    entry = check_entry(
        {"matrix_id": user_id, "navn": name, "organisasjon": org, "rolle": role},
        app.policies.organisations,
    )
    assert isinstance(entry, EntryIn), entry
    await app.directory.upsert(entry, "@katalog-test:samsnakk.localhost", 0)
