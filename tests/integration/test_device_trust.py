"""MSC4153 on the bot's side, tried as an attacker would on a real Synapse.

A second login that its owner never cross-signed (a stolen password, or a server admin's
login-as-user) must not run the owner's commands, answer polls, or read what the bot says.
A changed master key makes its owner untrusted until the bruker or an admin accepts it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from brukerrom_flow import (
    audit_has,
    command,
    create_brukerrom,
    dm_with_bot,
    join_admin_room,
    members,
)
from matrix_harness import (
    MatrixUser,
    RunningSynapse,
    UserFactory,
    cross_sign_login,
    new_device,
    new_user,
)
from nio import MatrixRoom, MegolmEvent

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse
POLL = "org.matrix.msc3381.poll.start"
UNVERIFIED = "Denne enheten er ikke bekreftet"


def _undecryptable(user: MatrixUser) -> list[MegolmEvent]:
    """Collect what this client receives but cannot decrypt."""
    failed: list[MegolmEvent] = []

    async def record(room: MatrixRoom, event: MegolmEvent) -> None:
        failed.append(event)

    user.client.add_event_callback(record, MegolmEvent)
    return failed


async def _answer_id(poll_content: dict[str, Any], first_word: str) -> str:
    start = poll_content[POLL]
    for answer in start["answers"]:
        label = answer.get("org.matrix.msc1767.text") or answer.get("m.text") or ""
        if str(label).lower().startswith(first_word):
            return str(answer["id"])
    raise AssertionError(f"no answer starting with {first_word!r} in {start['answers']}")


@pytest.fixture
async def room_with_stranger(
    app: SamsnakkApp, make_user: UserFactory
) -> tuple[str, MatrixUser, MatrixUser, MatrixUser]:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    mallory = await make_user("ansatt", "NAV Askøy", "Mallory")
    room = await create_brukerrom(app, trond, per)
    return room, trond, per, mallory


async def test_unsigned_device_of_bruker_cannot_add_or_approve(
    app: SamsnakkApp,
    synapse: RunningSynapse,
    client_dir: Path,
    room_with_stranger: tuple[str, MatrixUser, MatrixUser, MatrixUser],
) -> None:
    room, trond, per, mallory = room_with_stranger
    stolen = await new_device(synapse, client_dir, per)  # the password alone
    try:
        # The bruker's own proposal would be approved at once; from this device nothing happens.
        mark = len(per.seen)
        await stolen.send(room, f"!legg-til {mallory.user_id}")
        answer = await per.wait_for_message(room, lambda s: UNVERIFIED in s.body, after=mark)
        assert answer.decrypted and "Bekreft enheten i Element" in answer.body
        assert per.user_id in answer.content["m.mentions"]["user_ids"]

        # A request from staff that waits for the bruker: the stolen device cannot approve it.
        await command(app, trond, room, f"!legg-til {mallory.user_id}", "Forespørsel 1")
        mark = len(per.seen)
        await stolen.send(room, "!godkjenn 1")
        await per.wait_for_message(room, lambda s: UNVERIFIED in s.body, after=mark)
        await asyncio.sleep(0.5)
        request = await app.requests.get(room, 1)
        assert request is not None and request.status == "pending"
        assert mallory.user_id not in await members(app, room)
        assert room not in mallory.client.invited_rooms
        refused = [
            e
            for e in await app.audit.for_room(room)
            if e.action == "untrusted_device_refused" and e.actor == per.user_id
        ]
        assert len(refused) == 2
    finally:
        await stolen.stop()


async def test_unsigned_device_cannot_answer_a_poll(
    app: SamsnakkApp,
    synapse: RunningSynapse,
    client_dir: Path,
    room_with_stranger: tuple[str, MatrixUser, MatrixUser, MatrixUser],
) -> None:
    room, trond, per, mallory = room_with_stranger
    await trond.send(room, f"!legg-til {mallory.user_id}")
    poll = await per.wait_for_message(
        room, lambda s: s.msgtype == POLL and "Forespørsel 1" in str(s.content)
    )
    approve = await _answer_id(poll.content, "godkjenn")
    stolen = await new_device(synapse, client_dir, per)
    try:
        mark = len(per.seen)
        await stolen.answer_poll(room, poll.content["event_id"], approve)
        await per.wait_for_message(room, lambda s: UNVERIFIED in s.body, after=mark)
        await asyncio.sleep(0.5)
        request = await app.requests.get(room, 1)
        assert request is not None and request.status == "pending"
        assert mallory.user_id not in await members(app, room)
        assert "untrusted_device_refused" in await audit_has(app, room, "untrusted_device_refused")
    finally:
        await stolen.stop()


async def test_unsigned_device_cannot_read_the_bot(
    app: SamsnakkApp,
    synapse: RunningSynapse,
    client_dir: Path,
    room_with_stranger: tuple[str, MatrixUser, MatrixUser, MatrixUser],
) -> None:
    room, trond, per, _ = room_with_stranger
    stolen = await new_device(synapse, client_dir, per)
    signed = await new_device(synapse, client_dir, per, signed=True)
    failed = _undecryptable(stolen)
    try:
        body = await command(app, trond, room, "!deltakere", "Per")
        # The bruker's second, cross-signed device reads the bot's answer ...
        seen = await signed.wait_for_message(
            room, lambda s: s.sender == app.cfg.bot_user_id and s.body == body
        )
        assert seen.decrypted
        # ... and the unsigned one gets it only as ciphertext it cannot open.
        await MatrixUser.wait_for(
            lambda: any(e.sender == app.cfg.bot_user_id for e in failed),
            30,
            "the bot's message to reach the unsigned device",
        )
        assert not any(s.body == body for s in stolen.seen)
    finally:
        await stolen.stop()
        await signed.stop()


async def test_changed_identity_is_untrusted_until_the_bruker_accepts_it(
    app: SamsnakkApp,
    synapse: RunningSynapse,
    room_with_stranger: tuple[str, MatrixUser, MatrixUser, MatrixUser],
) -> None:
    room, trond, per, _ = room_with_stranger
    dm = await dm_with_bot(app, trond)
    await command(app, trond, room, "!deltakere", "Trond")  # pinned and trusted

    # Trond's account gets a new master key: a reset, or someone who took the account over.
    await cross_sign_login(synapse.url, trond)

    mark_room, mark_trond = len(per.seen), len(trond.seen)
    await trond.send(room, "!deltakere")
    notice = await per.wait_for_message(
        room, lambda s: "Sikkerhetsidentiteten til" in s.body, after=mark_room
    )
    assert trond.user_id in notice.body and "Trond" in notice.body
    assert f"!godta-nøkkel {trond.user_id}" in notice.body
    assert per.user_id in notice.content["m.mentions"]["user_ids"]
    told = await trond.wait_for_message(
        dm, lambda s: "Sikkerhetsidentiteten din" in s.body, after=mark_trond
    )
    assert told.decrypted
    changed = [
        e for e in await app.audit.for_actor(trond.user_id) if e.action == "identity_changed"
    ]
    assert changed and changed[-1].subject == trond.user_id

    # Until then, Trond's commands do nothing.
    assert (await app.device_trust.state_of(trond.user_id)).value == "unconfirmed"
    await per.wait_for_message(room, lambda s: UNVERIFIED in s.body, after=mark_room)

    # Only the bruker can accept it, and Trond's commands work again.
    body = await command(app, per, room, f"!godta-nøkkel {trond.user_id}", "er godtatt")
    assert trond.user_id in body
    body = await command(app, trond, room, "!deltakere", "Trond")
    confirmed = [
        e for e in await app.audit.for_actor(per.user_id) if e.action == "identity_confirmed"
    ]
    assert confirmed[-1].actor == per.user_id and confirmed[-1].subject == trond.user_id


async def test_staff_cannot_accept_an_identity_in_a_brukerrom(
    app: SamsnakkApp,
    room_with_stranger: tuple[str, MatrixUser, MatrixUser, MatrixUser],
) -> None:
    room, trond, per, _ = room_with_stranger
    body = await command(app, trond, room, f"!godta-nøkkel {per.user_id}")
    assert "Bare brukeren" in body
    assert "not_bruker_refused" in await audit_has(app, room, "not_bruker_refused")


async def test_an_admin_accepts_a_brukers_new_identity_for_rooms_of_their_organisation(
    app: SamsnakkApp,
    synapse: RunningSynapse,
    make_user: UserFactory,
    client_dir: Path,
) -> None:
    from samsnakk_bot.domain.directory import EntryIn

    admin = await new_user(synapse, client_dir, name="admin.trust.askoy")
    try:
        admin_room = await join_admin_room(app, admin, "askoy-kommune", "Askøy kommune")
        trond = await make_user("ansatt", "Askøy kommune", "Trond")
        await app.directory.upsert(
            EntryIn(
                trond.user_id,
                "Trond Tillit",
                "askoy-kommune",
                "Askøy kommune",
                None,
                "psykolog",
                None,
                None,
                None,
            ),
            "test",
            0,
        )
        per = await make_user("bruker", None, "Per")
        outsider = await make_user("bruker", None, "Ola")
        room = await create_brukerrom(app, trond, per)
        await command(app, per, room, "!deltakere", "Trond")  # Per's first key is pinned

        # Per sets up Element again on a new phone: a new identity, signed by himself.
        await cross_sign_login(synapse.url, per)
        mark = len(trond.seen)
        await per.send(room, "!deltakere")
        notice = await trond.wait_for_message(
            room, lambda s: "Sikkerhetsidentiteten til brukeren" in s.body, after=mark
        )
        assert per.user_id in notice.body

        # An admin cannot accept someone outside their organisation's rooms ...
        refused = await command(app, admin, admin_room, f"!godta-nøkkel {outsider.user_id}")
        assert "egen organisasjon" in refused
        # ... but accepts Per, after a call; Per's commands work again.
        body = await command(app, admin, admin_room, f"!godta-nøkkel {per.user_id}", "godtatt")
        assert per.user_id in body
        await command(app, per, room, "!deltakere", "Trond Tillit")
        actions = [e.action for e in await app.audit.for_actor(admin.user_id)]
        assert "identity_confirm_refused" in actions and "identity_confirmed" in actions
    finally:
        await admin.stop()
