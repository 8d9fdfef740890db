"""Issue 12, item 6: the bot re-shows no history to people approved later.

A participant approved after a meeting was planned does not see that meeting or its agenda,
and sees the bruker's «ikke» topics only in a meeting they are in. Real Synapse, real E2EE.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from brukerrom_flow import command, create_brukerrom
from matrix_harness import UserFactory

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain import texts

pytestmark = pytest.mark.synapse


def _in_days(days: int) -> str:
    day = datetime.now(ZoneInfo("Europe/Oslo")) + timedelta(days=days)
    return f"{day.day}.{day.month} kl 10"


async def test_later_participant_sees_nothing_from_before_approval_nor_others_ikke_topics(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)

    # Before Vera is approved: meeting 1 with its agenda, «ikke» topic included.
    await command(app, trond, room, f"!møte ny {_in_days(3)}", "(møte 1)")
    await command(app, per, room, "!agenda 1 Hva skjer på DPS", "lagt til")
    await command(app, per, room, "!agenda 1 ikke Barndommen min", "holde seg unna")

    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    await command(app, per, room, f"!legg-til {vera.user_id}", "er invitert")
    await vera.accept_invite(room)

    # After: meeting 2 without Vera, with a topic and an «ikke» topic of its own.
    await command(app, trond, room, f"!møte ny {_in_days(4)}", "(møte 2)")
    await command(app, per, room, "!agenda 2 Arbeid og skole", "lagt til")
    await command(app, per, room, "!agenda 2 ikke Familien", "holde seg unna")

    unknown = "finner ikke det møtenummeret"
    assert texts.MEETING_UNKNOWN == await command(app, vera, room, "!agenda 1", unknown)
    assert texts.MEETING_UNKNOWN == await command(app, vera, room, "!møte 1", unknown)

    seen = await command(app, vera, room, "!agenda 2", "Agenda for møte 2")
    assert "Arbeid og skole" in seen
    for hidden in ("Familien", "Barndommen", "Hva skjer på DPS"):
        assert hidden not in seen, seen

    # The meeting's own participants still see it all.
    for member in (per, trond):
        full = await command(app, member, room, "!agenda 2", "Agenda for møte 2")
        assert "Familien" in full and "Arbeid og skole" in full
    assert "Barndommen min" in await command(app, trond, room, "!agenda 1", "Agenda for møte 1")


async def test_consent_text_states_the_history_rule(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)
    shown = await command(app, per, room, "!samtykke vis", "Samtykketekst versjon")
    assert texts.CONSENT_HISTORY_RULE in shown
    prompt = next(s for s in per.seen if s.room_id == room and "!samtykke ja" in s.body)
    assert texts.CONSENT_HISTORY_RULE in prompt.body
