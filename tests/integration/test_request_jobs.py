"""Reminders and expiry of participant requests, with short policy periods, across a restart."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from brukerrom_flow import command, create_brukerrom, members
from matrix_harness import UserFactory

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.policies import Policies

pytestmark = pytest.mark.synapse


def _short(policies: Policies, remind_s: float, expire_s: float) -> Policies:
    approval = policies.policy.approval.model_copy(
        update={
            "reminder_after": timedelta(seconds=remind_s),
            "request_expiry": timedelta(seconds=expire_s),
        }
    )
    policy = policies.policy.model_copy(update={"approval": approval})
    return policies.model_copy(update={"policy": policy})


@pytest.fixture
def short_policy(app: SamsnakkApp) -> Iterator[None]:
    original = app.policies
    app.policies = app.deps.policies = _short(original, remind_s=2, expire_s=5)
    yield
    app.policies = app.deps.policies = original


@pytest.mark.usefixtures("short_policy")
async def test_reminder_fires_once_across_a_restart_then_the_request_expires(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    vera = await make_user("ansatt", "NAV Askøy", "Vera")
    room = await create_brukerrom(app, trond, per)
    await command(app, trond, room, f"!legg-til {vera.user_id}")
    await per.wait_for_message(room, lambda s: "Forespørsel 1" in s.body)

    await app.stop()  # the reminder comes due while we are down
    await asyncio.sleep(2.5)
    await app.start()

    reminder = await per.wait_for_message(room, lambda s: "Påminnelse" in s.body, timeout=10)
    assert reminder.content["m.mentions"] == {"user_ids": [per.user_id]}
    expired = await trond.wait_for_message(room, lambda s: "er utløpt" in s.body, timeout=15)
    assert expired.content["m.mentions"] == {"user_ids": [trond.user_id]}
    await asyncio.sleep(0.5)
    reminders = [s for s in per.seen if s.room_id == room and "Påminnelse" in s.body]
    assert len(reminders) == 1

    answer = await command(app, per, room, "!godkjenn 1")
    assert "allerede besvart" in answer
    request = await app.requests.get(room, 1)
    assert request is not None and request.status == "expired"
    assert vera.user_id not in await members(app, room)
    assert "request_expired" in [e.action for e in await app.audit.for_room(room)]
