"""Answering consent and approval questions with encrypted polls (MSC3381)."""

from __future__ import annotations

import asyncio

import pytest
from brukerrom_flow import command, dm_with_bot, members
from matrix_harness import UserFactory

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse
POLL = "org.matrix.msc3381.poll.start"


async def test_bruker_answers_by_poll_and_nobody_else_can(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    bot = app.cfg.bot_user_id

    dm = await dm_with_bot(app, trond)
    await command(app, trond, dm, f"!rom ny {per.user_id}", "er opprettet")
    room = await per.accept_invite()
    consent_poll = await per.wait_for_message(room, lambda s: s.msgtype == POLL)
    assert consent_poll.decrypted
    await per.answer_poll(room, consent_poll.content["event_id"], "ja")
    await per.wait_for_message(room, lambda s: "Samtykket er registrert" in s.body)
    await trond.accept_invite(room)

    await trond.send(room, f"!legg-til {vera.user_id}")
    request_poll = await per.wait_for_message(
        room, lambda s: s.msgtype == POLL and "Forespørsel 1" in str(s.content)
    )
    poll_id = request_poll.content["event_id"]
    godkjenn = request_poll.content[POLL]["answers"][0]["id"]

    mark = len(trond.seen)
    await trond.answer_poll(room, poll_id, godkjenn)  # not the bruker
    refusal = await trond.wait_for_message(
        room, lambda s: s.sender == bot and s.msgtype != POLL and "Svar" not in s.body, after=mark
    )
    assert "Bare brukeren selv kan svare" in refusal.body
    refused = [e for e in await app.audit.for_room(room) if e.action == "command_refused"]
    assert refused and refused[-1].actor == trond.user_id
    request = await app.requests.get(room, 1)
    assert request is not None and request.status == "pending"

    await per.answer_poll(room, poll_id, godkjenn)
    await trond.wait_for_message(room, lambda s: "godkjente forespørsel 1" in s.body)
    await vera.accept_invite(room)
    await asyncio.sleep(0.2)
    assert vera.user_id in await members(app, room)
