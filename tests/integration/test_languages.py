"""Issue 15, item 2: bokmål and nynorsk, chosen per person and per organisation (D131).

Real Synapse, real E2EE clients: what is asserted is the text each client decrypted.
"""

from __future__ import annotations

import re

import pytest
from brukerrom_flow import command, dm_with_bot
from matrix_harness import UserFactory
from people_directory import list_in_directory

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse


async def test_sprak_nynorsk_switches_that_persons_answers(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    dm = await dm_with_bot(app, trond)
    before = await command(app, trond, dm, "!hjelp", "Dette kan du skrive til meg")
    assert "Oppretter et trygt, kryptert rom for en bruker." in before

    assert "No skriv eg nynorsk til deg." in await command(app, trond, dm, "!språk Nynorsk.")
    after = await command(app, trond, dm, "!hjelp", "Dette kan du skrive til meg")
    assert "Opprettar eit trygt, kryptert rom for ein brukar." in after
    assert "!språk nynorsk|bokmål – Vel om eg skal skrive bokmål eller nynorsk til deg." in after
    unknown = await command(app, trond, dm, "!hjlep", "kommandoen")
    assert unknown.startswith("Eg kjenner ikkje kommandoen «!hjlep». Meinte du «!hjelp»?")

    assert "Nå skriver jeg bokmål til deg." in await command(app, trond, dm, "!språk bokmal")
    again = await command(app, trond, dm, "!hjlep", "kommandoen")
    assert again.startswith("Jeg kjenner ikke kommandoen «!hjlep».")
    wrong = await command(app, trond, dm, "!språk klingon", "Jeg kan skrive")
    assert (
        wrong == "Jeg kan skrive bokmål og nynorsk. Skriv «!språk nynorsk» eller «!språk bokmål»."
    )


async def test_a_nynorsk_organisations_new_brukerrom_starts_in_nynorsk(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    kari = await make_user("ansatt", "Austrheim kommune", "Kari")
    await list_in_directory(app, kari.user_id, "Kari Nordmann", "Austrheim kommune", "psykolog")
    per = await make_user("bruker", None, "Per")

    dm = await dm_with_bot(app, kari)
    created = await command(app, kari, dm, f"!rom ny {per.user_id}", "er oppretta og kryptert")
    assert re.search(r"Rommet «Samsnakk · \d+» er oppretta og kryptert\.", created), created

    room = await per.accept_invite()
    prompt = await per.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id and "!samtykke ja" in s.body
    )
    assert prompt.decrypted
    assert "Hei! Før vi byrjar, vil vi gjerne ha samtykket ditt." in prompt.body
    assert "Meldingane er ende-til-ende-krypterte." in prompt.body
    assert "Dette lagrar Samsnakk-boten:" in prompt.body
    assert "Ein ny deltakar kan lese meldingar frå den dagen personen vart med" in prompt.body

    given = await command(app, per, room, "!samtykke ja", "Samtykket er registrert")
    assert "blir no invitert" in given
    record = await app.brukerrom.get(room)
    assert record is not None and record.consent_version == "3-nn"

    # The bruker's own choice wins over the organisation's, for the whole room.
    assert "Nå skriver jeg bokmål" in await command(app, per, room, "!språk bokmål")
    shown = await command(app, per, room, "!samtykke vis", "Samtykketekst versjon 3-nb")
    assert "Meldingene er ende-til-ende-kryptert." in shown
