"""Varsler on a real Synapse: app DMs, SMS through a local LINK Mobility, e-post through a
local aiosmtpd. Content-free, exactly once, and resilient to providers going away."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
import pytest_asyncio
from brukerrom_flow import command, create_brukerrom, dm_with_bot
from fakes.smtp import FakeSmtpServer
from matrix_harness import MatrixUser, new_user
from varsel_stack import Stack, _policies, make_stack

from bridge.sms_text import is_gsm7_single_segment
from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.varsler import Kind
from samsnakk_bot.store.varsler import Varsel

pytestmark = pytest.mark.synapse

MARKERS = ("MARKØR-diagnose-7731", "Per har psykose", "rusbehandling-MARK")


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async for running in make_stack(tmp_path_factory):
        yield running


async def _user(stack: Stack, role: str, name: str) -> MatrixUser:
    user = await new_user(stack.synapse, stack.tmp / "clients")
    await stack.app.accounts.upsert(user.user_id, role, "Askøy kommune", name, 0)
    return user


async def _prefer(stack: Stack, user: MatrixUser, *commands: str) -> None:
    dm = await dm_with_bot(stack.app, user)
    for text in commands:
        answer = await command(stack.app, user, dm, text, "Lagret")
        assert "Lagret" in answer


async def _eventually(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_six_people_one_message_five_varsler_without_content(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = stack.app
    writer = await _user(stack, "ansatt", "Trond")
    bruker = await _user(stack, "bruker", "Per")
    staff = [await _user(stack, "ansatt", f"Ansatt {i}") for i in range(4)]
    await _prefer(stack, staff[1], "!varsel sms 912 34 561")
    await _prefer(stack, staff[2], "!varsel sms 912 34 562")
    await _prefer(stack, staff[3], "!varsel epost ansatt3@askoy.kommune.no")
    room = await create_brukerrom(app, writer, bruker)
    for person in staff:
        await command(app, bruker, room, f"!legg-til {person.user_id}", "er invitert")
        await person.accept_invite(room)

    event_id = await writer.send(room, f"Hei alle. {MARKERS[0]}. {MARKERS[1]}, {MARKERS[2]}.")
    recipients = {bruker.user_id, *(p.user_id for p in staff)}

    mine: list[Varsel] = []
    for _ in range(200):
        mine = [v for v in await app.outbox.all() if event_id in v.idem_key]
        if len(mine) == 5 and all(v.status in ("sent", "delivered") for v in mine):
            break
        await asyncio.sleep(0.1)
    assert sorted(v.user_id for v in mine) == sorted(recipients)
    assert {v.user_id: v.channel for v in mine} == {
        bruker.user_id: "app",
        staff[0].user_id: "app",
        staff[1].user_id: "sms",
        staff[2].user_id: "sms",
        staff[3].user_id: "epost",
    }
    assert writer.user_id not in {v.user_id for v in mine}

    sms_to = [
        m.destination
        for m in stack.sms.messages
        if m.ref_id in {hashlib_ref(v.idem_key) for v in mine}
    ]
    assert sorted(sms_to) == ["+4791234561", "+4791234562"]
    for m in stack.sms.messages:
        assert m.user_data == "Du har en ny melding i Samsnakk. Åpne appen for å lese."
    mails = [m for m in stack.smtp.messages if "ansatt3@askoy.kommune.no" in m.rcpt_tos]
    assert len(mails) == 1
    assert mails[0].message["Subject"] == "Nytt i Samsnakk"

    dm = await app.rooms.dm_with(staff[0].user_id)
    assert dm is not None
    await staff[0].accept_invite(dm)  # the bot opened this DM for the varsel
    await staff[0].wait_for_message(
        dm, lambda s: s.sender == app.cfg.bot_user_id and "ny melding" in s.body
    )

    outbound = [m.user_data for m in stack.sms.messages]
    outbound += [m.raw.decode(errors="replace") for m in stack.smtp.messages]
    outbound += [s.body for s in staff[0].seen if s.sender == app.cfg.bot_user_id]
    outbound += [r.getMessage() for r in caplog.records]
    for marker in MARKERS:
        assert not [text for text in outbound if marker in text], marker


def hashlib_ref(idem_key: str) -> str:
    return hashlib.sha256(idem_key.encode()).hexdigest()[:32]


async def test_sms_provider_503_then_recovers_each_varsel_once_and_reports_recorded(
    stack: Stack,
) -> None:
    app = stack.app
    people = [await _user(stack, "ansatt", f"Sms {i}") for i in range(3)]
    for i, person in enumerate(people):
        await _prefer(stack, person, f"!varsel sms 41 00 00 0{i}")
    stack.sms.fail_next(6, 503)
    keys = []
    for person in people:
        await app.varsler.notify(person.user_id, Kind.REMINDER, None, f"t503-{person.user_id}")
        keys.append(f"reminder:-:{person.user_id}:sms:t503-{person.user_id}")
    refs = {hashlib_ref(k) for k in keys}

    await _eventually(lambda: sum(m.ref_id in refs for m in stack.sms.messages) == 3)
    await asyncio.sleep(0.5)
    assert sorted(m.ref_id for m in stack.sms.messages if m.ref_id in refs) == sorted(refs)
    rows = [v for v in await app.outbox.all() if v.idem_key in keys]
    assert all(v.attempts >= 1 for v in rows)
    assert any(v.attempts > 1 for v in rows)  # the 503s were really retried

    await stack.sms.drain_dlrs()
    await asyncio.sleep(0.3)
    rows = [v for v in await app.outbox.all() if v.idem_key in keys]
    assert {v.status for v in rows} == {"delivered"}
    for v in rows:
        assert await app.delivery_reports.for_ref(v.provider_ref) == [(1001, True)]


async def test_killed_with_varsler_pending_delivers_all_once_after_restart(
    stack: Stack,
) -> None:
    app = stack.app
    people = [await _user(stack, "ansatt", f"Omstart {i}") for i in range(3)]
    for i, person in enumerate(people):
        await _prefer(stack, person, f"!varsel sms 41 11 11 1{i}")
    await stack.sms.down()
    keys = []
    for person in people:
        await app.varsler.notify(person.user_id, Kind.REMINDER, None, f"kill-{person.user_id}")
        keys.append(f"reminder:-:{person.user_id}:sms:kill-{person.user_id}")
    await asyncio.sleep(0.5)
    waiting = [v for v in await app.outbox.all() if v.idem_key in keys]
    assert all(v.status in ("pending", "sending") and v.attempts >= 1 for v in waiting), [
        (v.status, v.attempts, v.last_error) for v in waiting
    ]

    await app.stop()
    await stack.sms.up()
    await app.start()
    refs = {hashlib_ref(k) for k in keys}
    await _eventually(lambda: sum(m.ref_id in refs for m in stack.sms.messages) == 3)
    await asyncio.sleep(0.5)
    assert len([m for m in stack.sms.messages if m.ref_id in refs]) == 3


async def test_an_sms_the_provider_had_when_we_stopped_is_not_sent_again(stack: Stack) -> None:
    """Killed after LINK took an SMS but before its answer reached us: the row is still
    'sending'. LINK's delivery report, found by our refId, says it arrived (D180)."""
    app = stack.app
    person = await _user(stack, "ansatt", "Underveis")
    await _prefer(stack, person, "!varsel sms 41 22 22 20")
    key = f"reminder:-:{person.user_id}:sms:inflight"
    ref = hashlib_ref(key)
    stack.sms.hold_answers()
    try:
        await app.varsler.notify(person.user_id, Kind.REMINDER, None, "inflight")
        await _eventually(lambda: any(m.ref_id == ref for m in stack.sms.messages))
        await stack.sms.drain_dlrs()
        (row,) = [v for v in await app.outbox.all() if v.idem_key == key]
        assert row.status == "sending"

        await app.stop()
    finally:
        stack.sms.release_answers()
    await app.start()

    assert await _status_after_start(app, key) == "delivered"
    await asyncio.sleep(0.5)
    assert [r["refId"] for r in stack.sms.requests if r.get("refId") == ref] == [ref]
    assert [m.destination for m in stack.sms.messages if m.ref_id == ref] == ["+4741222220"]


async def _status_after_start(app: SamsnakkApp, idem_key: str) -> str:
    """The row's status once the restarted outbox has dealt with it (no longer 'sending')."""
    for _ in range(200):
        (row,) = [v for v in await app.outbox.all() if v.idem_key == idem_key]
        if row.status not in ("sending", "pending"):
            return row.status
        await asyncio.sleep(0.05)
    return row.status


async def test_smtp_down_is_retried_and_does_not_block_sms(stack: Stack) -> None:
    app = stack.app
    mail_person = await _user(stack, "ansatt", "Epost")
    sms_person = await _user(stack, "ansatt", "Sms")
    await _prefer(stack, mail_person, "!varsel epost epost.person@askoy.kommune.no")
    await _prefer(stack, sms_person, "!varsel sms 41 22 22 22")
    stack.smtp.stop()
    try:
        await app.varsler.notify(mail_person.user_id, Kind.REMINDER, None, "smtpdown")
        await app.varsler.notify(sms_person.user_id, Kind.REMINDER, None, "smtpdown")
        await _eventually(lambda: any(m.destination == "+4741222222" for m in stack.sms.messages))
        mail_key = f"reminder:-:{mail_person.user_id}:epost:smtpdown"
        await asyncio.sleep(0.6)
        row = next(v for v in await app.outbox.all() if v.idem_key == mail_key)
        assert row.status == "pending" and row.attempts >= 1
    finally:
        stack.smtp = FakeSmtpServer(port=stack.smtp_port).start()
    await _eventually(
        lambda: any("epost.person@askoy.kommune.no" in m.rcpt_tos for m in stack.smtp.messages)
    )
    for _ in range(100):
        row = next(v for v in await app.outbox.all() if v.idem_key == mail_key)
        if row.status == "sent":
            break
        await asyncio.sleep(0.05)
    assert row.status == "sent"


async def test_bad_preferences_and_bad_delivery_reports_store_nothing(stack: Stack) -> None:
    app = stack.app
    person = await _user(stack, "ansatt", "Feil")
    dm = await dm_with_bot(app, person)
    cases = {
        "!varsel sms 22 33 44 55": "ikke et norsk mobilnummer",
        "!varsel sms 123": "ikke et norsk mobilnummer",
        "!varsel due": "Velg app, sms, epost eller av",
        "!varsel sms": "Legg inn mobilnummeret",
        "!varsel epost ikke-en-adresse": "ikke ut som en e-postadresse",
        "!varsel stille 25-07": "to hele klokkeslett",
        "!varsel sms-oppsummering på": "gjelder bare brukeren",
    }
    for text, expected in cases.items():
        answer = await command(app, person, dm, text)
        assert expected in answer, (text, answer)
    assert await app.varsler.d.prefs.get(person.user_id) is None

    url = f"{app.cfg.appservice.url}/_samsnakk/sms/linkmobility/dlr"
    report = {"id": "fake-id-1", "refId": "x", "resultCode": 1001}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=report, headers={"Authorization": "Bearer feil"}) as r:
            assert r.status in (401, 403)
        async with http.post(url, json=report) as r:
            assert r.status == 401
    assert await app.delivery_reports.for_ref("fake-id-1") == []


async def test_status_shows_settings_and_quiet_hours_hold_sms_not_app(stack: Stack) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    app = stack.app
    person = await _user(stack, "bruker", "Stille")
    hour = datetime.now(UTC).astimezone(ZoneInfo("Europe/Oslo")).hour
    quiet = f"{hour:02d}-{(hour + 2) % 24:02d}"
    await _prefer(
        stack,
        person,
        "!varsel sms 41 33 33 33",
        f"!varsel stille {quiet}",
        "!varsel sms-oppsummering på",
    )
    dm = await app.rooms.dm_with(person.user_id)
    assert dm is not None
    status = await command(app, person, dm, "!varsel status", "Du får varsler")
    assert "på SMS" in status and "+4741333333" in status and f"Stille timer: {quiet}" in status
    assert "Oppsummeringer på SMS: på" in status
    assert "sms_summary_on" in [e.action for e in await app.audit.for_actor(person.user_id)]

    await app.varsler.notify(person.user_id, Kind.REMINDER, None, "quiet")
    row = next(
        v for v in await app.outbox.all() if v.idem_key == f"reminder:-:{person.user_id}:sms:quiet"
    )
    assert row.status == "pending" and row.not_before_ms > app.clock.now_ms() + 30 * 60_000


async def test_throttle_counts_messages_into_one_later_varsel(stack: Stack) -> None:
    app = stack.app
    writer = await _user(stack, "ansatt", "Skriver")
    bruker = await _user(stack, "bruker", "Leser")
    room = await create_brukerrom(app, writer, bruker)
    original = app.varsler.d.policies
    app.varsler.d.policies = _policies(throttle_s=900)
    try:
        first = await writer.send(room, "en")
        await _eventually_async(
            app, lambda rows: any(first in v.idem_key and v.status == "sent" for v in rows)
        )
        await writer.send(room, "to")
        await writer.send(room, "tre")
        await asyncio.sleep(1.0)
        thread = [
            v
            for v in await app.outbox.all()
            if v.user_id == bruker.user_id and v.room_id == room and v.kind == "message"
        ]
    finally:
        app.varsler.d.policies = original
    sent = [v for v in thread if v.status == "sent"]
    waiting = [v for v in thread if v.status == "pending"]
    assert len(sent) == 1 and len(waiting) == 1, [(v.status, v.count) for v in thread]
    assert waiting[0].count == 2
    assert waiting[0].not_before_ms == sent[0].sent_ms + 900_000
    assert texts.varsel_line("message", waiting[0].count) == "Du har 2 nye meldinger i Samsnakk."
    assert any(
        v.kind == "approval_prompt" and v.user_id == bruker.user_id for v in await app.outbox.all()
    )  # the consent prompt notified the bruker too


async def test_onboarding_code_goes_by_sms_without_room_details(stack: Stack) -> None:
    app = stack.app
    trond = await _user(stack, "ansatt", "Kodegiver")
    dm = await dm_with_bot(app, trond)
    answer = await command(app, trond, dm, "!rom ny +47 412 34 567", "Gi denne koden")
    code = answer.split("Gi denne koden til brukeren: ")[1].split()[0]
    link = f"https://mobile.element.io/element/?account_provider={app.cfg.homeserver.server_name}"
    assert f"ikke er installert: {link}\n" in answer + "\n"  # the creator can send it on too
    await _eventually(lambda: any(m.destination == "+4741234567" for m in stack.sms.messages))
    sms = next(m for m in stack.sms.messages if m.destination == "+4741234567")
    assert f"!kode {code}" in sms.user_data
    assert sms.user_data.endswith(f" Appen: {link}")  # opens Element X with our server
    assert "login_hint" not in sms.user_data and "@" not in sms.user_data
    assert "Samsnakk · " not in sms.user_data and "Kodegiver" not in sms.user_data
    assert is_gsm7_single_segment(sms.user_data)


async def _eventually_async(
    app: SamsnakkApp, check: Callable[[list[Varsel]], bool], timeout: float = 15.0
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check(await app.outbox.all()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
