"""Det første møtet on a real Synapse: the Per scenario, a restart before a reminder, the
calendar invitations by e-mail, and bad input."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from brukerrom_flow import audit_has, command, create_brukerrom, dm_with_bot, members
from icalendar import Calendar
from matrix_harness import MatrixUser, new_user
from sqlalchemy import update
from varsel_stack import Stack, make_stack

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.policies import Policies
from samsnakk_bot.store.models import AgendaItemRow, MeetingRow

pytestmark = pytest.mark.synapse
OSLO = ZoneInfo("Europe/Oslo")


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async for running in make_stack(tmp_path_factory):
        yield running


def _in_days(days: int, hour: int) -> str:
    day = datetime.now(OSLO) + timedelta(days=days)
    return f"{day.day}.{day.month}.{day.year} kl {hour}"


async def _remind_soon(app: SamsnakkApp, room: str, number: int, after_s: float) -> None:
    """Re-plan meeting ``number``'s jobs under a policy whose first reminder is due soon."""
    meeting = await app.meetings.get(room, number)
    assert meeting is not None
    start_in = timedelta(milliseconds=meeting.start_ms - app.clock.now_ms())
    policies: Policies = app.policies
    meetings = policies.policy.meetings.model_copy(
        update={
            "first_reminder": start_in - timedelta(seconds=after_s),
            "second_reminder": timedelta(minutes=1),
        }
    )
    app.policies = app.deps.policies = policies.model_copy(
        update={"policy": policies.policy.model_copy(update={"meetings": meetings})}
    )
    app.meeting_jobs.schedule(meeting)


@pytest.fixture
def restore_policy(stack: Stack) -> Iterator[None]:
    original = stack.app.policies
    yield
    stack.app.policies = stack.app.deps.policies = original


async def _person(
    stack: Stack, role: str, name: str, org: str, email: str | None = None
) -> MatrixUser:
    user = await new_user(stack.synapse, stack.tmp / "clients")
    await stack.app.accounts.upsert(user.user_id, role, org, name, 0)
    if email:
        dm = await dm_with_bot(stack.app, user)
        await command(stack.app, user, dm, f"!varsel epost {email}", "Lagret")
        await command(stack.app, user, dm, "!varsel app", "Lagret")
    return user


def _calendars(stack: Stack, address: str) -> list[Calendar]:
    found = []
    for received in stack.smtp.messages:
        if address not in received.rcpt_tos:
            continue
        for part in received.message.walk():
            if part.get_content_type() == "text/calendar":
                found.append(Calendar.from_ical(part.get_payload(decode=True)))
    return found


async def _wait_calendars(stack: Stack, address: str, count: int) -> list[Calendar]:
    for _ in range(200):
        found = _calendars(stack, address)
        if len(found) >= count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"{address} got {len(_calendars(stack, address))} invitations")


async def _last_bot(app: SamsnakkApp, user: MatrixUser, room: str, text: str) -> str:
    seen = await user.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id and text in s.body
    )
    return seen.body


@pytest.mark.usefixtures("restore_policy")
async def test_the_per_scenario(stack: Stack) -> None:
    app = stack.app
    trond = await _person(stack, "ansatt", "Trond", "Askøy kommune", "trond@askoy.kommune.no")
    per = await _person(stack, "bruker", "Per", "")
    sara = await _person(stack, "ansatt", "Sara", "Øyane DPS", "sara@helse-bergen.no")
    room = await create_brukerrom(app, trond, per)
    await command(app, per, room, f"!legg-til {sara.user_id}", "er invitert")
    await sara.accept_invite(room)

    mark = len(per.seen)
    await trond.send(room, f"!møte ny {_in_days(3, 10)} 1t sted Øyane DPS med {sara.user_id}")
    posted = await per.wait_for_message(
        room, lambda s: "Det første møtet (møte 1)" in s.body, after=mark
    )
    assert set(posted.content["m.mentions"]["user_ids"]) == {
        per.user_id,
        trond.user_id,
        sara.user_id,
    }
    assert (
        "Sted: Øyane DPS" in posted.body and f"Ansvarlig: «Trond» ({trond.user_id})" in posted.body
    )
    request = (await _wait_calendars(stack, "sara@helse-bergen.no", 1))[0]
    assert str(request["METHOD"]) == "REQUEST"
    event = next(iter(request.walk("VEVENT")))
    uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
    assert sequence == 0 and str(event["SUMMARY"]) == "Samsnakk-møte"
    assert "Øyane" not in request.to_ical().decode() and "Per" not in str(event["SUMMARY"])
    await _remind_soon(app, room, 1, after_s=4)  # the first reminder comes due in 4 s

    # The agenda, made with the bruker; "ikke" points are encrypted at rest.
    await command(app, per, room, "!agenda 1 Hva skjer på DPS", "lagt til")
    await command(app, per, room, "!agenda 1 ikke Barndommen min", "holde seg unna")
    agenda = await command(app, per, room, "!agenda 1", "Agenda for møte 1")
    assert agenda.index("Hva skjer på DPS") < agenda.index("Det brukeren ikke vil snakke om")
    assert agenda.index("Barndommen min") > agenda.index("Det brukeren ikke vil snakke om")
    async with app.db.engine.connect() as conn:
        stored = [r.text_enc for r in await conn.execute(AgendaItemRow.__table__.select())]
    assert stored and all(b"Barndommen" not in blob for blob in stored)
    refused = await command(
        app, trond, room, "!agenda 1 ikke noe annet", "Bare brukeren kan legge til"
    )
    assert "Bare brukeren" in refused

    # Confirmations; the reminder fires; the bruker can't come and Sara moves it.
    await command(app, trond, room, "!møte bekreft 1", "kommer på møte 1")
    await command(app, sara, room, "!møte bekreft 1", "kommer på møte 1")
    await _last_bot(app, per, room, "Påminnelse: møte 1")
    told = await command(app, per, room, "!møte kan-ikke 1 torsdag passer bedre", "kan ikke komme")
    assert "torsdag passer bedre" in told
    status = await command(app, trond, room, "!møte 1", "Svar:")
    per_says, trond_says = f"«Per» ({per.user_id}): kan", f"«Trond» ({trond.user_id}): kommer"
    assert status.index(per_says) < status.index(trond_says)

    await command(app, sara, room, f"!møte flytt 1 {_in_days(4, 11)}", "er flyttet")
    moved = await _wait_calendars(stack, "trond@askoy.kommune.no", 2)
    moved_event = next(iter(moved[-1].walk("VEVENT")))
    assert str(moved_event["UID"]) == uid and int(moved_event["SEQUENCE"]) == 1
    assert moved_event["DTSTART"].dt.astimezone(OSLO).hour == 11
    status = await command(app, trond, room, "!møte 1", "Svar:")
    assert f"«Trond» ({trond.user_id}): har ikke svart" in status  # confirmations start over

    # It is held (its time is moved into the past), the summary is asked for and written.
    meeting = await app.meetings.get(room, 1)
    assert meeting is not None
    past = app.clock.now_ms() - 3_600_000
    async with app.db.engine.begin() as conn:
        await conn.execute(
            update(MeetingRow)
            .where(MeetingRow.id == meeting.id)
            .values(start_ms=past - 3_600_000, end_ms=past)
        )
    held = await app.meetings.by_id(meeting.id)
    assert held is not None
    app.meeting_jobs.schedule(held)
    await _last_bot(app, trond, room, "Skriv oppsummeringen")
    await command(app, trond, room, "!sjekk 1 gjennomført", "Krysset av")

    mark = len(per.seen)
    await trond.send(
        room,
        "!oppsummering 1 Fint å møtes.\nViktigste punkter:\n- Du starter på "
        "DPS\nDette skjer videre\n- Sara ringer deg\nNeste avtale\n- 17.11 kl 10",
    )
    summary = await per.wait_for_message(
        room, lambda s: s.body.startswith("Hei Per! Dette er de viktigste punktene"), after=mark
    )
    assert summary.content["m.mentions"] == {"user_ids": [per.user_id]}
    assert (
        "<p><strong>Viktigste punkter</strong></p><ul><li>Du starter på DPS</li></ul>"
        in summary.content["formatted_body"]
    )
    for _ in range(60):  # the pin follows the message
        pinned = await per.client.room_get_state_event(room, "m.room.pinned_events", "")
        if hasattr(pinned, "content"):
            break
        await asyncio.sleep(0.05)
    summary_event = (await app.meetings.get(room, 1)).summary_event_id  # type: ignore[union-attr]
    assert pinned.content["pinned"] == [summary_event]
    for _ in range(60):  # and the bruker's varsel follows the pin
        if any(v.kind == "summary" and v.user_id == per.user_id for v in await app.outbox.all()):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the bruker got no varsel about the summary")

    await trond.send(room, "!oppsummering 1 endre Viktigste punkter\n- Du starter på DPS 17.11")
    edit = await per.wait_for_message(room, lambda s: s.body.startswith("* Hei Per!"))
    assert edit.content["m.relates_to"] == {"rel_type": "m.replace", "event_id": summary_event}
    # The original stays pinned: clients show it with its latest edit.
    pinned = await per.client.room_get_state_event(room, "m.room.pinned_events", "")
    assert pinned.content["pinned"] == [summary_event]
    actions = await audit_has(app, room, "summary_posted", "summary_edited")
    assert "summary_posted" in actions and "summary_edited" in actions

    # A second meeting is cancelled: CANCEL with the next sequence.
    await command(app, trond, room, f"!møte ny {_in_days(10, 9)} med {sara.user_id}", "")
    await command(app, trond, room, "!møte avlys 2 sykdom", "er avlyst")
    cancel = None
    for _ in range(200):
        cancels = [
            c for c in _calendars(stack, "sara@helse-bergen.no") if str(c["METHOD"]) == "CANCEL"
        ]
        if cancels:
            cancel = cancels[-1]
            break
        await asyncio.sleep(0.05)
    assert cancel is not None
    cancel_event = next(iter(cancel.walk("VEVENT")))
    assert str(cancel_event["STATUS"]) == "CANCELLED" and int(cancel_event["SEQUENCE"]) == 1


@pytest.mark.usefixtures("restore_policy")
async def test_restart_between_planning_and_reminder_delivers_it_once(stack: Stack) -> None:
    app = stack.app
    trond = await _person(stack, "ansatt", "Trond", "Askøy kommune")
    per = await _person(stack, "bruker", "Per", "")
    room = await create_brukerrom(app, trond, per)
    await command(app, trond, room, f"!møte ny {_in_days(2, 12)}", "")
    await per.wait_for_message(room, lambda s: "Det første møtet (møte 1)" in s.body)
    await _remind_soon(app, room, 1, after_s=3)

    await app.stop()
    await asyncio.sleep(3.5)  # the reminder comes due while we are down
    await app.start()
    await _last_bot(app, per, room, "Påminnelse: møte 1")
    await asyncio.sleep(1.5)
    reminders = [s for s in per.seen if s.room_id == room and "Påminnelse: møte 1" in s.body]
    assert len(reminders) == 1
    meeting = await app.meetings.get(room, 1)
    assert meeting is not None and meeting.reminded_first_ms is not None


async def test_bad_meeting_input_gets_clear_answers_and_changes_nothing(stack: Stack) -> None:
    app = stack.app
    trond = await _person(stack, "ansatt", "Trond", "Askøy kommune")
    per = await _person(stack, "bruker", "Per", "")
    outsider = await _person(stack, "ansatt", "Utenfor", "NAV Askøy")
    room = await create_brukerrom(app, trond, per)
    yesterday = datetime.now(OSLO) - timedelta(days=1)
    cases = {
        f"!møte ny {yesterday.day}.{yesterday.month}.{yesterday.year} kl 10": "har vært",
        "!møte ny 31.2 kl 10": "finnes ikke",
        "!møte ny 28.3.2027 kl 02:30": "sommertiden",
        "!møte ny i morgen": "Skriv dato og tid",
        f"!møte ny {_in_days(3, 10)} med {outsider.user_id}": "ikke med i rommet",
        "!møte bekreft 7": "finner ikke det møtenummeret",
    }
    for text, expected in cases.items():
        answer = await command(app, trond, room, text)
        assert expected in answer, (text, answer)
    assert await app.meetings.in_room(room) == []

    await command(app, trond, room, f"!møte ny {_in_days(3, 10)}", "")
    await per.wait_for_message(room, lambda s: "(møte 1)" in s.body)
    early = await command(app, trond, room, "!oppsummering 1 Alt gikk fint", "Møtet har")
    assert "har ikke vært ennå" in early
    dm = await dm_with_bot(app, trond)
    elsewhere = await command(app, trond, dm, f"!møte ny {_in_days(3, 10)}")
    assert "kan ikke brukes her" in elsewhere
    mine = await command(app, trond, dm, "!mine møter", "Dine kommende møter")
    assert "Det første møtet (møte 1)" in mine

    await command(app, trond, room, f"!møte ny {_in_days(1, 15)} forberedelse", "")
    oppskrift = await _last_bot(app, per, room, "Oppskrift for møte 2")
    assert "☐ Lag agendaen sammen med brukeren" in oppskrift
    listing = await command(app, trond, room, "!møte liste", "Kommende møter")
    assert listing.index("Møte 2: Forberedelsesmøte") < listing.index("Møte 1: Det første møtet")
    assert outsider.user_id not in await members(app, room)


async def test_unconfirmed_check_and_summary_nudge_go_to_the_responsible_once(
    stack: Stack,
) -> None:
    app = stack.app
    trond = await _person(stack, "ansatt", "Trond", "Askøy kommune")
    per = await _person(stack, "bruker", "Per", "")
    room = await create_brukerrom(app, trond, per)
    await command(app, trond, room, f"!møte ny {_in_days(5, 13)}", "")
    await per.wait_for_message(room, lambda s: "(møte 1)" in s.body)
    await command(app, trond, room, "!møte bekreft 1", "kommer på møte 1")
    meeting = await app.meetings.get(room, 1)
    assert meeting is not None

    for _ in range(2):  # the job may fire twice; the responsible hears it once
        await app.meeting_jobs.run_job(meeting.id, "unconfirmed_ms")
    told = await trond.wait_for_message(room, lambda s: "har ikke bekreftet" in s.body)
    assert told.body.endswith(f"«Per» ({per.user_id}) har ikke bekreftet ennå.")  # Trond confirmed
    assert told.content["m.mentions"] == {"user_ids": [trond.user_id]}
    for _ in range(2):
        await app.meeting_jobs.run_job(meeting.id, "summary_nudged_ms")
    await trond.wait_for_message(room, lambda s: "venter på oppsummeringen" in s.body)
    await asyncio.sleep(0.5)
    bodies = [s.body for s in trond.seen if s.room_id == room]
    assert sum("har ikke bekreftet" in b for b in bodies) == 1
    assert sum("venter på oppsummeringen" in b for b in bodies) == 1
