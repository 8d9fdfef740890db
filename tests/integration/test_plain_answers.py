"""Plain answers to a pending question, on a real Synapse with real E2EE clients (issue 15).

A bruker answers the consent with «Ja» or «nei», and the one waiting request with «godkjenn»;
nobody else's «ja» decides anything, and an unverified device's «ja» is refused like a command.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from brukerrom_flow import audit_has, command, dm_with_bot, members
from matrix_harness import MatrixUser, RunningSynapse, UserFactory, new_device
from people_directory import list_in_directory

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain import texts as talk

pytestmark = pytest.mark.synapse
UNVERIFIED = "Denne enheten er ikke bekreftet"


async def _awaiting_consent(
    app: SamsnakkApp, make_user: UserFactory
) -> tuple[str, MatrixUser, MatrixUser]:
    """A brukerrom the bruker has joined, with the consent question waiting."""
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    dm = await dm_with_bot(app, trond)
    await command(app, trond, dm, f"!rom ny {per.user_id}", "er opprettet")
    room = await per.accept_invite()
    await per.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id and "!samtykke ja" in s.body
    )
    return room, trond, per


async def test_a_bruker_who_writes_ja_to_the_consent_gets_in(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    room, trond, per = await _awaiting_consent(app, make_user)
    understood = await command(app, per, room, "Ja", talk.CONSENT_YES_UNDERSTOOD)
    assert understood == talk.CONSENT_YES_UNDERSTOOD
    registered = await per.wait_for_message(room, lambda s: "Samtykket er registrert" in s.body)
    assert registered.decrypted
    await trond.accept_invite(room)
    await asyncio.sleep(0.2)
    assert {per.user_id, trond.user_id} <= await members(app, room)
    record = await app.brukerrom.get(room)
    assert record is not None and record.state == "active"
    assert "consent_given" in await audit_has(app, room, "consent_given")


async def test_nei_asks_once_more_and_a_second_nei_closes_the_room(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    room, trond, per = await _awaiting_consent(app, make_user)
    again = await command(app, per, room, "Nei.", "Svar «nei» en gang til")
    assert again == talk.CONSENT_NO_ASK_AGAIN
    record = await app.brukerrom.get(room)
    assert record is not None and record.state == "awaiting_consent"

    mark = len(per.seen)
    await per.send(room, "nei takk")
    closing = await per.wait_for_message(room, lambda s: "rommet lukkes" in s.body, after=mark)
    assert closing.decrypted
    assert "consent_refused" in await audit_has(app, room, "consent_refused")
    # The room is announced as closing, then closed.
    assert "room_closed" in await audit_has(app, room, "room_closed", timeout=10)
    record = await app.brukerrom.get(room)
    assert record is not None and record.state == "closed"
    assert trond.user_id not in await members(app, room)


async def test_something_else_while_consent_waits_gets_a_hint(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    room, _, per = await _awaiting_consent(app, make_user)
    hint = await command(app, per, room, "Hva er dette for noe?")
    assert hint == talk.CONSENT_PENDING_HINT


async def test_godkjenn_answers_the_one_waiting_request_and_names_who(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    room, trond, per = await _awaiting_consent(app, make_user)
    await command(app, per, room, "ja takk 👍", talk.CONSENT_YES_UNDERSTOOD)
    await trond.accept_invite(room)
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    await list_in_directory(
        app, vera.user_id, "Vera Veileder", "kleppesto-legekontor", "sykepleier"
    )
    await command(app, trond, room, f"!legg til {vera.user_id}", "Forespørsel 1")

    # A read command only the bruker may use is refused as such, not as an answer.
    assert await command(app, trond, room, "!logg") == talk.REFUSAL_BRUKER_SEES

    # Staff's «ja» and «godkjenn» decide nothing.
    await trond.send(room, "ja")
    await trond.send(room, "godkjenn")
    await asyncio.sleep(1.0)
    request = await app.requests.get(room, 1)
    assert request is not None and request.status == "pending"

    echo = await command(app, per, room, "Godkjenn!", "Godkjent:")
    # Shown as people are shown everywhere: directory entry and Matrix ID.
    assert "Vera Veileder (Kleppestø legekontor, sykepleier, " in echo and vera.user_id in echo
    assert "(forespørsel 1)" in echo
    request = await app.requests.get(room, 1)
    assert request is not None and request.status == "approved"
    await vera.accept_invite(room)
    await asyncio.sleep(0.2)
    assert vera.user_id in await members(app, room)


async def test_an_unverified_device_saying_ja_is_refused(
    app: SamsnakkApp,
    synapse: RunningSynapse,
    client_dir: Path,
    make_user: UserFactory,
) -> None:
    room, trond, per = await _awaiting_consent(app, make_user)
    stolen = await new_device(synapse, client_dir, per)  # the password alone
    try:
        mark = len(per.seen)
        await stolen.send(room, "Ja")
        answer = await per.wait_for_message(room, lambda s: UNVERIFIED in s.body, after=mark)
        assert answer.decrypted
        await asyncio.sleep(0.5)
        record = await app.brukerrom.get(room)
        assert record is not None and record.state == "awaiting_consent"
        assert room not in trond.client.invited_rooms
        assert "untrusted_device_refused" in await audit_has(app, room, "untrusted_device_refused")
    finally:
        await stolen.stop()
