"""Nothing in the logs identifies a bruker beyond the pseudonymous Matrix ID (issue 12, item 7).

A flow that carries every kind of identifying data through the bot, at DEBUG, with the same
logger caps production sets (``configure_logging``): a fødselsnummer, phone numbers and
e-mail addresses typed into commands, display names, and directory names and contacts.
Then no log line, and no logged traceback, may hold any of them.
"""

from __future__ import annotations

import logging
import re

import pytest
from brukerrom_flow import command, create_brukerrom, dm_with_bot
from matrix_harness import UserFactory

from samsnakk_bot.app import OWN_LOGGERS, SamsnakkApp, configure_logging
from samsnakk_bot.domain.directory import EntryIn

pytestmark = pytest.mark.synapse

FNR = "15076500565"  # a valid number (control digits), from the fnr unit tests
PHONE = "912 34 567"
VARSEL_PHONE = "913 45 678"
EMAIL = "trond.testesen@askoy.kommune.no"
DIRECTORY_EMAIL = "frida.fastlege@askoylegesenter.no"
DIRECTORY_PHONE = "+4791122334"
NAMES = ("Trond Testesen", "Per Persen", "Frida Fastlege", "Askøy legesenter")


def _written_any_way(number: str) -> re.Pattern[str]:
    """The number's last eight digits, with or without spaces, dashes or dots between them."""
    digits = re.sub(r"\D", "", number)[-8:]
    return re.compile(r"[\s.-]?".join(digits))


async def test_a_flow_with_identifying_data_leaves_none_of_it_in_the_logs(
    app: SamsnakkApp, make_user: UserFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    levels = {n: logging.getLogger(n).level for n in (*OWN_LOGGERS, "aiosqlite", "sqlalchemy")}
    configure_logging("DEBUG")  # as `samsnakk run` does; the capture sees every level
    try:
        await _flow(app, make_user)
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)

    text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert any(r.name.startswith("samsnakk_bot") for r in caplog.records), "capture is broken"
    for number in (FNR, f"{FNR[:-1]}4", PHONE, VARSEL_PHONE, DIRECTORY_PHONE):
        assert not _written_any_way(number).search(text), number
    lowered = text.lower()
    for value in (EMAIL, DIRECTORY_EMAIL, *NAMES):
        assert value.lower() not in lowered, value


async def _flow(app: SamsnakkApp, make_user: UserFactory) -> None:
    ansatt = await make_user("ansatt", "Askøy kommune", "Trond Testesen")
    bruker = await make_user("bruker", None, "Per Persen")
    fastlege = await make_user("ansatt", "Askøy legesenter", "Frida Fastlege")
    await app.directory.upsert(
        EntryIn(
            user_id=fastlege.user_id,
            name="Frida Fastlege",
            org_id="askoy-kommune",
            org_name="Askøy kommune",
            unit="Askøy legesenter",
            role="fastlege",
            email=DIRECTORY_EMAIL,
            phone=DIRECTORY_PHONE,
            help_text=None,
        ),
        ansatt.user_id,
        app.clock.now_ms(),
    )

    dm = await dm_with_bot(app, ansatt)
    await command(app, ansatt, dm, f"!rom ny +47 {PHONE}")
    await command(app, ansatt, dm, f"!rom ny fnr:{FNR}")
    await command(app, ansatt, dm, f"!rom ny fnr:{FNR[:-1]}4")  # a mistyped number
    await command(app, ansatt, dm, f"!varsel epost {EMAIL}")
    await command(app, ansatt, dm, f"!varsel sms {VARSEL_PHONE}")
    found = await command(app, ansatt, dm, "!katalog fastlege askøy")
    assert "Frida Fastlege" in found  # the directory was really searched
    room = await create_brukerrom(app, ansatt, bruker)
    await command(app, ansatt, room, "!legg-til Frida Fastlege fastlege")
    await command(app, bruker, room, "!deltakere")
    await command(app, bruker, room, "!logg")
