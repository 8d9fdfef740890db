"""The whole brukerrom story on a real Synapse with real E2EE clients."""

from __future__ import annotations

import asyncio

import pytest
from brukerrom_flow import command, create_brukerrom, dm_with_bot, members
from matrix_harness import UserFactory
from people_directory import list_in_directory

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse


async def test_create_consent_propose_approve_read_remove_withdraw(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond Psykolog")
    per = await make_user("bruker", None, "Per")
    vera = await make_user("ansatt", "NAV Askøy", "Vera Veileder")
    # The directory's name, not the display name, is what the bruker is shown.
    await list_in_directory(app, vera.user_id, "Ingrid Veileder", "nav-askoy", "veileder")
    bot = app.cfg.bot_user_id

    room = await create_brukerrom(app, trond, per)
    assert await members(app, room) == {bot, per.user_id, trond.user_id}
    name = (await trond.client.room_get_state_event(room, "m.room.name", "")).content["name"]
    assert name.startswith("Samsnakk · ") and "Per" not in name

    prompt_mark = len(per.seen)
    await command(app, trond, room, f"!legg-til {vera.user_id} veileder i NAV")
    prompt = await per.wait_for_message(
        room, lambda s: s.sender == bot and "Forespørsel 1" in s.body, after=prompt_mark
    )
    assert f"Ingrid Veileder (NAV Askøy, veileder, {vera.user_id})" in prompt.body
    assert f"{trond.user_id} (ikke i katalogen, kaller seg «Trond Psykolog»)" in prompt.body
    assert prompt.msgtype == "m.text"
    assert prompt.content["m.mentions"] == {"user_ids": [per.user_id]}

    trond_mark = len(trond.seen)
    await per.send(room, "!godkjenn 1")
    told = await trond.wait_for_message(
        room, lambda s: s.sender == bot and "godkjente forespørsel 1" in s.body, after=trond_mark
    )
    assert told.content["m.mentions"] == {"user_ids": [trond.user_id]}
    await vera.accept_invite(room)
    assert vera.user_id in await members(app, room)

    await trond.send(room, "Hei Vera, velkommen. Per har time hos DPS 17. november.")
    heard = await vera.wait_for_message(room, lambda s: s.sender == trond.user_id)
    assert heard.decrypted and "17. november" in heard.body

    listing = await command(app, trond, room, "!deltakere", "Disse er med")
    assert f"Ingrid Veileder (NAV Askøy, veileder, {vera.user_id})" in listing
    assert f"foreslått av «Trond Psykolog» ({trond.user_id})" in listing

    await command(app, per, room, f"!fjern {vera.user_id}", "er fjernet")
    await asyncio.sleep(0.2)
    assert vera.user_id not in await members(app, room)
    assert not await app.participants.is_approved(room, vera.user_id)

    log = await command(app, per, room, "!logg", "Innsynslogg")
    for phrase in ("ga samtykke", "godkjente", "fjernet"):
        assert phrase in log, log

    await command(app, per, room, "!samtykke trekk", "trukket samtykket")
    for _ in range(50):
        if await members(app, room) == {bot}:
            break
        await asyncio.sleep(0.1)
    assert await members(app, room) == {bot}
    record = await app.brukerrom.get(room)
    assert record is not None and record.state == "closed"
    assert (await app.audit.verify()).ok


async def test_bad_rom_ny_input_gets_clear_norwegian_answers(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond Psykolog")
    vera = await make_user("ansatt", "NAV Askøy", "Vera Veileder")
    dm = await dm_with_bot(app, trond)
    before = len(await app.brukerrom.list_all())
    cases = {
        "!rom ny": "hvem rommet er for",
        "!rom ny Per Hansen": "Matrix-ID",
        "!rom ny @finnesikke:samsnakk.localhost": "Jeg finner ingen konto",
        f"!rom ny {vera.user_id}": "registrert som ansatt",
        f"!rom ny {trond.user_id}": "for deg selv",
        "!rom ny +47 912 34 567 med Ukjent Person": "fant ingen «Ukjent Person»",
    }
    for text, expected in cases.items():
        answer = await command(app, trond, dm, text)
        assert expected in answer, (text, answer)
        assert "Traceback" not in answer
    assert len(await app.brukerrom.list_all()) == before
