"""Any ansatt finds colleagues in the directory with `!katalog`; brukere cannot search it."""

from __future__ import annotations

import pytest
from brukerrom_flow import command, dm_with_bot
from matrix_harness import UserFactory

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.directory import EntryIn, check_entry

pytestmark = pytest.mark.synapse


async def test_ansatt_finds_psykolog_in_askoy_and_bruker_is_refused(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    per = await make_user("bruker", None, "Per")
    entry = check_entry(
        {
            "matrix_id": "@trond.hansen:samsnakk.localhost",
            "navn": "Trond Hansen",
            "organisasjon": "askoy-kommune",
            "rolle": "psykolog",
            "enhet": "Psykisk helse og rus",
            "epost": "trond.hansen@askoy.kommune.no",
            "kan_hjelpe_med": "Overganger til DPS",
        },
        app.policies.organisations,
    )
    assert isinstance(entry, EntryIn), entry
    await app.directory.upsert(entry, "@admin:samsnakk.localhost", 0)

    dm = await dm_with_bot(app, vera)
    found = await command(app, vera, dm, "!katalog psykolog askøy", "Treff i katalogen")
    assert "Trond Hansen – psykolog, Askøy kommune (Psykisk helse og rus)" in found
    assert "Kan hjelpe med: Overganger til DPS" in found
    assert "trond.hansen@askoy.kommune.no" in found
    none = await command(app, vera, dm, "!katalog fysioterapeut", "Fant ingen")
    assert "fysioterapeut" in none

    per_dm = await dm_with_bot(app, per)
    refused = await command(app, per, per_dm, "!katalog psykolog")
    # A bruker is told the directory is for staff (issue 15: refusals fit the command), and
    # nothing of it is shown.
    assert "Bare ansatte kan bruke denne kommandoen" in refused
    assert "Trond" not in refused and "psykolog" not in refused


async def test_proposal_by_directory_name_shows_role_and_organisation(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    from brukerrom_flow import create_brukerrom

    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    vera = await make_user("ansatt", None, None)
    entry = check_entry(
        {
            "matrix_id": vera.user_id,
            "navn": "Vera Katalogsen",
            "organisasjon": "nav-askoy",
            "rolle": "veileder",
        },
        app.policies.organisations,
    )
    assert isinstance(entry, EntryIn), entry
    await app.directory.upsert(entry, "@admin:samsnakk.localhost", 0)
    room = await create_brukerrom(app, trond, per)
    mark = len(per.seen)
    await trond.send(room, "!legg-til Vera Katalogsen")
    prompt = await per.wait_for_message(room, lambda s: "Forespørsel 1" in s.body, after=mark)
    assert f"Vera Katalogsen (NAV Askøy, veileder, {vera.user_id})" in prompt.body
