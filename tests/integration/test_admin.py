"""Kommune admins in their encrypted admin room: a report with an encrypted chart, an audit
export for their own organisation's room, and a refusal across organisations."""

from __future__ import annotations

import pytest
from brukerrom_flow import command, create_brukerrom, members
from matrix_harness import MatrixUser, RunningSynapse, UserFactory, new_user
from nio import MemoryDownloadResponse
from nio.crypto.attachments import decrypt_attachment

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse


async def _decrypted_file(user: MatrixUser, content: dict) -> bytes:  # type: ignore[type-arg]
    file = content["file"]
    download = await user.client.download(mxc=file["url"])
    assert isinstance(download, MemoryDownloadResponse), download
    assert download.body[:8] != b"\x89PNG\r\n\x1a\n"  # the server holds ciphertext only
    return decrypt_attachment(download.body, file["key"]["k"], file["hashes"]["sha256"], file["iv"])


async def test_admin_report_and_audit_export_stay_within_the_organisation(
    app: SamsnakkApp, synapse: RunningSynapse, make_user: UserFactory, client_dir
) -> None:
    admin = await new_user(synapse, client_dir, name="admin.askoy")
    try:
        await app.accounts.upsert(admin.user_id, "admin", "Askøy kommune", "Askøy-admin", 0)
        assert await app.admin.ensure_admin_rooms() >= 1
        room = await admin.accept_invite()
        trond = await make_user("ansatt", "Askøy kommune", "Trond")
        per = await make_user("bruker", None, "Per")
        brukerrom = await create_brukerrom(app, trond, per)
        label = (await app.brukerrom.get(brukerrom)).label  # type: ignore[union-attr]

        await admin.send(room, "!admin rapport")
        chart = await admin.wait_for_message(room, lambda s: s.msgtype == "m.image")
        png = await _decrypted_file(admin, chart.content)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        intro = await admin.wait_for_message(room, lambda s: "Bruksrapport for Askøy" in s.body)
        assert "<5" in intro.body and per.user_id not in intro.body

        done = await command(
            app, admin, room, f"!admin revisjon Samsnakk · {label}", "Revisjonslogg for"
        )
        assert f"Samsnakk · {label}" in done
        export = await admin.wait_for_message(room, lambda s: s.msgtype == "m.file")
        rows = (await _decrypted_file(admin, export.content)).decode().splitlines()
        assert rows[0] == "id;tidspunkt;rom;aktør;handling;gjelder;hash"
        assert any(";room_created;" in r for r in rows)

        nav = await make_user("ansatt", "NAV Askøy", "Vera")
        other = await create_brukerrom(app, nav, await make_user("bruker", None, "Ola"))
        other_label = (await app.brukerrom.get(other)).label  # type: ignore[union-attr]
        refused = await command(
            app, admin, room, f"!admin revisjon Samsnakk · {other_label}", "egen organisasjon"
        )
        assert "Du kan bare administrere din egen organisasjon." in refused
        actions = [e.action for e in await app.audit.for_actor(admin.user_id)]
        assert actions.count("admin_action") >= 2
    finally:
        await admin.stop()


async def test_offboarding_removes_from_every_room_and_hands_over_meetings(
    app: SamsnakkApp, synapse: RunningSynapse, make_user: UserFactory, client_dir
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    admin = await new_user(synapse, client_dir, name="admin.askoy2")
    org = app.policies.organisations.by_id("askoy-kommune")
    assert org is not None
    try:
        await app.accounts.upsert(admin.user_id, "admin", "Askøy kommune", "Admin", 0)
        room = await app.admin_rooms.room_for("askoy-kommune")
        assert room is not None  # made in the first test of this module
        await app.admin._admin_rooms_invite(room, admin.user_id)
        await admin.accept_invite(room)

        trond = await make_user("ansatt", "Askøy kommune", "Trond Slutter")
        sara = await make_user("ansatt", "Askøy kommune", "Sara Kollega")
        rooms = []
        for name in ("Per", "Kari"):
            bruker = await make_user("bruker", None, name)
            brukerrom = await create_brukerrom(app, trond, bruker)
            await command(app, bruker, brukerrom, f"!legg-til {sara.user_id}", "er invitert")
            await sara.accept_invite(brukerrom)
            rooms.append(brukerrom)
        day = datetime.now(ZoneInfo("Europe/Oslo")) + timedelta(days=3)
        await command(app, trond, rooms[0], f"!møte ny {day.day}.{day.month} kl 10", "")

        nav = await make_user("ansatt", "NAV Askøy", "Vera")
        refused = await command(
            app, admin, room, f"!admin deaktiver {nav.user_id}", "egen organisasjon"
        )
        assert "egen organisasjon" in refused

        done = await command(
            app,
            admin,
            room,
            f"!admin deaktiver {trond.user_id} til {sara.user_id}",
            "er deaktivert",
        )
        assert "fjernet fra 2 rom" in done and "1 møter overført" in done
        for brukerrom in rooms:
            assert trond.user_id not in await members(app, brukerrom)
            assert not await app.participants.is_approved(brukerrom, trond.user_id)
        for brukerrom in rooms:  # the neutral notices follow the answer, in the background
            notice = await sara.wait_for_message(
                brukerrom,
                lambda s: s.sender == app.cfg.bot_user_id and "ikke lenger med" in s.body,
            )
            assert notice.decrypted and notice.body.startswith(f"«Trond Slutter» ({trond.user_id})")
        meeting = await app.meetings.get(rooms[0], 1)
        assert meeting is not None and meeting.responsible == sara.user_id
    finally:
        await admin.stop()


async def test_offboarding_without_colleague_tells_the_room_its_meeting_lacks_one(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    trond = await make_user("ansatt", "Askøy kommune", "Trond Alene")
    per = await make_user("bruker", None, "Per")
    brukerrom = await create_brukerrom(app, trond, per)
    day = datetime.now(ZoneInfo("Europe/Oslo")) + timedelta(days=3)
    await command(app, trond, brukerrom, f"!møte ny {day.day}.{day.month} kl 10", "")

    done = await app.offboarding.offboard(trond.user_id, None, "@admin:x")
    assert (done.rooms, done.requests, done.moved, done.flagged) == (1, 0, 0, 1)
    assert await app.offboarding.wait_for_notices(timeout=30)

    gone = await per.wait_for_message(brukerrom, lambda s: "«Trond Alene» (" in s.body)
    flagged = await per.wait_for_message(brukerrom, lambda s: "mangler nå en ansvarlig" in s.body)
    assert gone.decrypted and flagged.decrypted
    assert per.seen.index(gone) < per.seen.index(flagged)


async def test_room_overview_shows_counts_and_labels_only(
    app: SamsnakkApp, synapse: RunningSynapse, make_user: UserFactory, client_dir
) -> None:
    admin = await new_user(synapse, client_dir, name="admin.askoy3")
    try:
        await app.accounts.upsert(admin.user_id, "admin", "Askøy kommune", "Admin", 0)
        room = await app.admin_rooms.room_for("askoy-kommune")
        assert room is not None
        await app.admin._admin_rooms_invite(room, admin.user_id)
        await admin.accept_invite(room)
        trond = await make_user("ansatt", "Askøy kommune", "Trond Oversikt")
        per = await make_user("bruker", None, "Per Hemmelig")
        vera = await make_user("ansatt", "NAV Askøy", "Vera")
        brukerrom = await create_brukerrom(app, trond, per)
        await command(app, trond, brukerrom, f"!legg-til {vera.user_id}")
        overview = await command(app, admin, room, "!admin rom 0", "Rom i organisasjonen")
        label = (await app.brukerrom.get(brukerrom)).label  # type: ignore[union-attr]
        assert f"Samsnakk · {label}: 0 dager" in overview
        assert f"«Trond Oversikt» ({trond.user_id}): 1" in overview
        assert "Per Hemmelig" not in overview and per.user_id not in overview
    finally:
        await admin.stop()


async def test_helsefellesskap_viewer_sees_aggregate_reports_only(
    app: SamsnakkApp, synapse: RunningSynapse, client_dir
) -> None:
    viewer = await new_user(synapse, client_dir, name="analyse.helsefellesskap")
    try:
        await app.admin.ensure_admin_rooms()
        room = await viewer.accept_invite()

        await viewer.send(room, "!admin rapport")
        intro = await viewer.wait_for_message(
            room, lambda s: "Bruksrapport for Helsefellesskapet Bergen" in s.body
        )
        chart = await viewer.wait_for_message(room, lambda s: s.msgtype == "m.image")
        assert (await _decrypted_file(viewer, chart.content)).startswith(b"\x89PNG\r\n\x1a\n")
        assert "Tall under 5 vises som «<5»" in intro.body

        for text in ("!admin rom", "!admin revisjon @someone:samsnakk.localhost"):
            refused = await command(app, viewer, room, text, "samlede rapporter")
            assert refused.startswith("Her kan du bare hente samlede rapporter")
        refusals = [
            e.details["command"]
            for e in await app.audit.for_actor(viewer.user_id)
            if e.action == "admin_refused"
        ]
        reports = [
            e.details["org"]
            for e in await app.audit.for_actor(viewer.user_id)
            if e.action == "admin_action"
        ]
        assert refusals == ["admin rom", "admin revisjon"]
        assert reports == ["helsefellesskap"]
    finally:
        await viewer.stop()
