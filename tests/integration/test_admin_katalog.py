"""An admin keeps their organisation's directory by command, and ``!admin`` is refused politely
and audited for everyone else."""

from __future__ import annotations

import pytest
from brukerrom_flow import command, dm_with_bot, join_admin_room
from matrix_harness import RunningSynapse, UserFactory, new_user

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse


async def test_admin_adds_edits_and_removes_a_directory_entry(
    app: SamsnakkApp, synapse: RunningSynapse, make_user: UserFactory, client_dir
) -> None:
    admin = await new_user(synapse, client_dir, name="admin.katalog.askoy")
    try:
        room = await join_admin_room(app, admin, "askoy-kommune", "Askøy kommune")
        kari = await make_user("ansatt", "Askøy kommune", "Kari")
        finder = await make_user("ansatt", "NAV Askøy", "Vera")
        dm = await dm_with_bot(app, finder)

        added = await command(
            app,
            admin,
            room,
            f"!admin katalog legg-til {kari.user_id} navn: Kari Nordmann; rolle: Psykolog; "
            "hjelp: overgang fra DPS; telefon: 912 34 567",
            "katalogen",
        )
        assert added == f"Kari Nordmann ({kari.user_id}) er lagt inn i katalogen."
        entry = await app.directory.get(kari.user_id)
        assert entry is not None
        assert (entry.org_id, entry.role, entry.phone) == (
            "askoy-kommune",
            "psykolog",
            "+4791234567",
        )
        found = await command(app, finder, dm, "!katalog psykolog askøy overgang", "Treff")
        assert "Kari Nordmann" in found and "+4791234567" in found

        changed = await command(
            app,
            admin,
            room,
            f"!admin katalog endre {kari.user_id}\nenhet: Psykisk helse\ntelefon: -",
            "katalogen",
        )
        assert "er oppdatert i katalogen" in changed
        entry = await app.directory.get(kari.user_id)
        assert entry is not None
        assert (entry.unit, entry.phone, entry.help_text) == (
            "Psykisk helse",
            None,
            "overgang fra DPS",
        )

        bad = await command(
            app, admin, room, f"!admin katalog endre {kari.user_id} rolle: astronaut", "ikke endret"
        )
        assert "«rolle»: ukjent rolle (gyldige: psykolog, ruskonsulent" in bad
        unchanged = await app.directory.get(kari.user_id)
        assert unchanged is not None and unchanged.role == "psykolog"

        removed = await command(
            app, admin, room, f"!admin katalog fjern {kari.user_id}", "tatt ut av katalogen"
        )
        assert "!admin deaktiver" in removed
        gone = await command(app, finder, dm, "!katalog psykolog askøy overgang", "katalogen")
        assert "Fant ingen" in gone and "Kari" not in gone

        audit = [e for e in await app.audit.for_actor(admin.user_id) if e.subject == kari.user_id]
        assert [e.details["what"] for e in audit] == [
            "katalog_add",
            "katalog_edit",
            "katalog_remove",
        ]
        assert all("912" not in str(e.details) for e in audit)
    finally:
        await admin.stop()


async def test_admin_cannot_touch_another_organisations_entry(
    app: SamsnakkApp, synapse: RunningSynapse, make_user: UserFactory, client_dir
) -> None:
    admin = await new_user(synapse, client_dir, name="admin.katalog.askoy2")
    try:
        room = await join_admin_room(app, admin, "askoy-kommune", "Askøy kommune")
        vera = await make_user("ansatt", "NAV Askøy", "Vera")
        await app.directory.upsert(_entry(vera.user_id), "test", 0)

        for text in (
            f"!admin katalog endre {vera.user_id} telefon: 912 34 567",
            f"!admin katalog fjern {vera.user_id}",
            f"!admin katalog legg-til {vera.user_id} navn: Vera; rolle: psykolog",
            "!admin katalog legg-til @ny:x navn: Ny; rolle: veileder; organisasjon: NAV Askøy",
        ):
            refused = await command(app, admin, room, text, "organisasjon")
            assert refused == "Du kan bare administrere din egen organisasjon."
        entry = await app.directory.get(vera.user_id)
        assert entry is not None and entry.active and entry.org_id == "nav-askoy"
        assert await app.directory.get("@ny:x") is None
    finally:
        await admin.stop()


async def test_non_admin_using_admin_gets_a_polite_refusal_that_is_audited(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond Nysgjerrig")
    dm = await dm_with_bot(app, trond)

    for text in ("!admin rapport", "!admin", "!admin katalog fjern @kari:x"):
        answer = await command(app, trond, dm, text, "administratorer")
        assert answer.startswith("Beklager, dette er en kommando for administratorer")
    refused = [e for e in await app.audit.for_actor(trond.user_id) if e.action == "admin_refused"]
    assert [(e.room_id, e.details["command"]) for e in refused] == [
        (dm, "admin rapport"),
        (dm, "admin"),
        (dm, "admin katalog fjern"),
    ]


def _entry(user_id: str):  # type: ignore[no-untyped-def]
    from samsnakk_bot.domain.directory import EntryIn

    return EntryIn(
        user_id, "Gunnhild Grenseløs", "nav-askoy", "NAV Askøy", None, "veileder", None, None, None
    )


async def test_bad_admin_input_gets_norwegian_errors_and_changes_nothing(
    app: SamsnakkApp, synapse: RunningSynapse, make_user: UserFactory, client_dir
) -> None:
    admin = await new_user(synapse, client_dir, name="admin.katalog.askoy3")
    try:
        room = await join_admin_room(app, admin, "askoy-kommune", "Askøy kommune")
        before = await app.audit.count()

        future = await command(app, admin, room, "!admin rapport 2099-01", "fram i tid")
        assert future == "Perioden ligger fram i tid. Velg en periode som har vært."
        unknown = await command(app, admin, room, "!admin deaktiver Ingen Slikperson", "fant ingen")
        assert "Jeg fant ingen «Ingen Slikperson» i katalogen" in unknown
        bad = await command(
            app,
            admin,
            room,
            "!admin katalog legg-til @ny:x navn: Ny; epost: ikke-epost",
            "ikke endret",
        )
        assert "«rolle»: må fylles ut" in bad and "«epost»: ikke en gyldig e-postadresse" in bad

        assert await app.directory.get("@ny:x") is None
        assert await app.audit.count() == before  # refused input is not an admin action
    finally:
        await admin.stop()
