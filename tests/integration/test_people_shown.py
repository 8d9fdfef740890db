"""People are shown by who they are: the Matrix ID, and name, organisation and role from the
directory. A display name is chosen by its owner and is never the only identification; a poll
answer carries its own request, so it cannot be moved onto another one.
"""

from __future__ import annotations

import json

import pytest
from brukerrom_flow import command, create_brukerrom, dm_with_bot, members
from matrix_harness import MatrixUser, UserFactory
from people_directory import list_in_directory

from samsnakk_bot.app import SamsnakkApp
from tests.integration.test_brukerrom_adversarial import _http

pytestmark = pytest.mark.synapse
POLL = "org.matrix.msc3381.poll.start"
BORROWED = "Frida Fastlege (Kleppestø legekontor, fastlege)"


async def _frida(app: SamsnakkApp, make_user: UserFactory) -> MatrixUser:
    frida = await make_user("ansatt", "Kleppestø legekontor", "Frida Fastlege")
    await list_in_directory(
        app, frida.user_id, "Frida Fastlege", "kleppesto-legekontor", "fastlege"
    )
    return frida


def _listed(frida: MatrixUser) -> str:
    return f"Frida Fastlege (Kleppestø legekontor, fastlege, {frida.user_id})"


async def _poll(user: MatrixUser, room: str, text: str, after: int = 0) -> tuple[str, dict]:  # type: ignore[type-arg]
    seen = await user.wait_for_message(
        room, lambda s: s.msgtype == POLL and text in json.dumps(s.content), after=after
    )
    return seen.content["event_id"], seen.content[POLL]


async def test_display_name_impersonator_is_shown_by_matrix_id_and_marked(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    frida = await _frida(app, make_user)
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    await list_in_directory(app, trond.user_id, "Trond Hansen", "askoy-kommune", "psykolog")
    mallory = await make_user("ansatt", None, BORROWED)
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)

    mark = len(per.seen)
    await trond.send(room, f"!legg-til {mallory.user_id}")
    prompt = await per.wait_for_message(room, lambda s: "Forespørsel 1" in s.body, after=mark)
    shown = f"{mallory.user_id} (ikke i katalogen, kaller seg «{BORROWED}»)"
    assert f"Trond Hansen (Askøy kommune, psykolog, {trond.user_id}) ønsker" in prompt.body
    assert f"legge til {shown} i rommet" in prompt.body
    assert _listed(frida) not in prompt.body
    _, poll = await _poll(per, room, "Foresp\\u00f8rsel 1", after=mark)
    assert shown in poll["question"]["org.matrix.msc1767.text"]

    await command(app, per, room, "!avslå 1", "sa nei")
    await trond.send(room, f"!legg-til {frida.user_id}")
    real = await per.wait_for_message(room, lambda s: "Forespørsel 2" in s.body)
    assert f"legge til {_listed(frida)} i rommet" in real.body
    assert "ikke i katalogen" not in real.body.split("legge til")[1]

    assert mallory.user_id not in await members(app, room)
    assert "participant_rejected" in [e.action for e in await app.audit.for_room(room)]


async def test_creator_with_a_borrowed_name_is_named_by_id_in_consent_listing_and_log(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    await _frida(app, make_user)
    mallory = await make_user("ansatt", "Askøy kommune", BORROWED)
    per = await make_user("bruker", None, "Per")
    shown = f"{mallory.user_id} (ikke i katalogen, kaller seg «{BORROWED}»)"

    dm = await dm_with_bot(app, mallory)
    await command(app, mallory, dm, f"!rom ny {per.user_id}", "er opprettet")
    room = await per.accept_invite()
    prompt = await per.wait_for_message(room, lambda s: "Rommet er opprettet av" in s.body)
    assert prompt.body.startswith(f"Rommet er opprettet av {shown}.")
    assert prompt.content["m.mentions"] == {"user_ids": [per.user_id]}
    _, poll = await _poll(per, room, "ja")
    assert shown in poll["question"]["org.matrix.msc1767.text"]

    await command(app, per, room, "!samtykke ja", "Samtykket er registrert")
    await mallory.accept_invite(room)
    listing = await command(app, per, room, "!deltakere", "Disse er med")
    assert f"• {shown} – opprettet rommet" in listing
    log = await command(app, per, room, "!logg", "Innsynslogg")
    assert f"{shown} opprettet rommet" in log
    assert await members(app, room) == {app.cfg.bot_user_id, per.user_id, mallory.user_id}


async def test_poll_answer_moved_onto_another_request_is_refused(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    """The bruker's "Godkjenn" for request 1, encrypted once, re-addressed to request 2's poll.

    The relation to the poll is cleartext in an encrypted event (Element X sends it outside the
    ciphertext), so whoever can re-send an event can point it elsewhere. The answer ID inside
    the ciphertext names request 1, so request 2's poll refuses it.
    """
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    sara = await make_user("ansatt", "Øyane DPS", "Sara")
    room = await create_brukerrom(app, trond, per)
    await trond.send(room, f"!legg-til {vera.user_id}")
    _, first = await _poll(per, room, "Foresp\\u00f8rsel 1")
    await trond.send(room, f"!legg-til {sara.user_id}")
    second_id, second = await _poll(per, room, "Foresp\\u00f8rsel 2")
    approve_first = first["answers"][0]["id"]
    assert approve_first != second["answers"][0]["id"]

    await per.send(room, "Jeg ser på forespørslene.")  # the session is shared with the bot
    _, ciphertext = per.client.encrypt(
        room,
        "org.matrix.msc3381.poll.response",
        {"org.matrix.msc3381.poll.response": {"answers": [approve_first]}},
    )
    ciphertext["m.relates_to"] = {"rel_type": "m.reference", "event_id": second_id}
    mark = len(per.seen)
    status, _ = await _http(
        app,
        per,
        "PUT",
        f"/_matrix/client/v3/rooms/{room}/send/m.room.encrypted/replay1",
        ciphertext,
    )
    assert status == 200
    refused = await per.wait_for_message(room, lambda s: "hørte ikke til" in s.body, after=mark)
    assert refused.decrypted

    for number in (1, 2):
        request = await app.requests.get(room, number)
        assert request is not None and request.status == "pending"
    assert {vera.user_id, sara.user_id}.isdisjoint(await members(app, room))
    entries = [e for e in await app.audit.for_room(room) if e.action == "poll_answer_refused"]
    assert [(e.actor, e.details) for e in entries] == [(per.user_id, {"number": 2})]
