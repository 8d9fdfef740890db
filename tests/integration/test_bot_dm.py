"""The bot in an encrypted direct chat, on a real Synapse with real E2EE clients."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from brukerrom_flow import command, create_brukerrom, dm_with_bot
from matrix_harness import MatrixUser
from nio import Api, RoomSendResponse, ShareGroupSessionResponse

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse


async def test_hjelp_in_encrypted_dm_gets_encrypted_norwegian_reply(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    room = await ansatt.create_dm(app.cfg.bot_user_id)
    await ansatt.wait_for_member(room, app.cfg.bot_user_id, "join")
    greeting = await ansatt.wait_for_message(room, lambda s: s.sender == app.cfg.bot_user_id)
    assert greeting.decrypted
    assert "!hjelp" in greeting.body

    mark = len(ansatt.seen)
    await ansatt.send(room, "!Hjelp")
    reply = await ansatt.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id, after=mark
    )
    assert reply.decrypted, "the reply must arrive end-to-end encrypted"
    assert "Dette kan du skrive til meg" in reply.body
    assert "!hjelp" in reply.body
    assert "<ul>" in reply.content.get("formatted_body", "")


async def test_unknown_command_gets_norwegian_pointer_to_hjelp(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    room = await ansatt.create_dm(app.cfg.bot_user_id)
    await ansatt.wait_for_message(room, lambda s: s.sender == app.cfg.bot_user_id)
    mark = len(ansatt.seen)
    await ansatt.send(room, "!hjlep")
    reply = await ansatt.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id, after=mark
    )
    assert reply.decrypted
    assert "!hjelp" in reply.body
    assert "Traceback" not in reply.body


async def test_plain_text_in_dm_gets_a_pointer_not_silence(
    app: SamsnakkApp, bruker: MatrixUser
) -> None:
    room = await bruker.create_dm(app.cfg.bot_user_id)
    await bruker.wait_for_message(room, lambda s: s.sender == app.cfg.bot_user_id)
    mark = len(bruker.seen)
    await bruker.send(room, "hei, hva er dette?")
    reply = await bruker.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id, after=mark
    )
    assert "!hjelp" in reply.body


async def test_bot_declines_invite_to_a_group_room(app: SamsnakkApp, ansatt: MatrixUser) -> None:
    room = await ansatt.create_group_room(invite=[app.cfg.bot_user_id])
    await ansatt.wait_for_member(room, app.cfg.bot_user_id, "leave")


async def test_unencrypted_dm_is_switched_to_e2ee_before_the_bot_speaks(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    room = await ansatt.create_dm(app.cfg.bot_user_id, encrypted=False)
    greeting = await ansatt.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id, timeout=20
    )
    assert greeting.decrypted


async def test_command_sent_while_the_bot_was_down_is_answered_after_restart(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    room = await ansatt.create_dm(app.cfg.bot_user_id)
    await ansatt.wait_for_message(room, lambda s: s.sender == app.cfg.bot_user_id)
    await app.stop()
    mark = len(ansatt.seen)
    await ansatt.send(room, "!hjelp")
    await app.start()
    reply = await ansatt.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id, after=mark, timeout=20
    )
    assert "Dette kan du skrive til meg" in reply.body


async def test_bot_leaves_a_dm_that_gets_a_third_person(
    app: SamsnakkApp, ansatt: MatrixUser, bruker: MatrixUser
) -> None:
    room = await ansatt.create_dm(app.cfg.bot_user_id)
    await ansatt.wait_for_message(room, lambda s: s.sender == app.cfg.bot_user_id)
    await ansatt.client.room_invite(room, bruker.user_id)
    await bruker.accept_invite(room)
    await ansatt.wait_for_member(room, app.cfg.bot_user_id, "leave")
    record = await app.rooms.get(room)
    assert record is not None and record.kind == "other"


async def test_a_command_whose_room_key_comes_after_it_is_still_answered(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    """With Synapse workers the room key (to-device) may reach the bot's /sync after the
    message it opens. The ansatt's client here holds the key back until the bot has had the
    message for a while, then sends it; the command must be answered, not lost."""
    room = await ansatt.create_dm(app.cfg.bot_user_id)
    await ansatt.wait_for_message(room, lambda s: s.sender == app.cfg.bot_user_id)
    held = await _hold_room_keys(ansatt)

    mark = len(ansatt.seen)
    await ansatt.send(room, "!hjelp")
    assert held.requests, "the new Megolm session's key should have been held back"
    with pytest.raises(AssertionError):
        await ansatt.wait_for_message(
            room, lambda s: s.sender == app.cfg.bot_user_id, after=mark, timeout=4
        )

    await held.send_now()
    reply = await ansatt.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id, after=mark, timeout=20
    )
    assert reply.decrypted
    assert "Dette kan du skrive til meg" in reply.body


class _HeldKeys:
    def __init__(self, send: Any) -> None:
        self._send = send
        self.requests: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    async def send_now(self) -> None:
        for args, kwargs in self.requests:
            await self._send(*args, **kwargs)


async def _hold_room_keys(user: MatrixUser) -> _HeldKeys:
    """From now on the user's client shares room keys with a delay: the to-device requests
    are kept, reported to nio as delivered, and sent when the test says so."""
    client = user.client
    held = _HeldKeys(client._send)

    async def send(response_class: Any, *args: Any, **kwargs: Any) -> Any:
        if response_class is ShareGroupSessionResponse:
            held.requests.append(((response_class, *args), kwargs))
            room_id, users = kwargs["response_data"]
            return ShareGroupSessionResponse(room_id, set(users))
        return await held._send(response_class, *args, **kwargs)

    client._send = send  # type: ignore[method-assign]
    for room_id in list(client.olm.outbound_group_sessions if client.olm else []):
        client.olm.outbound_group_sessions.pop(room_id)  # type: ignore[union-attr]
    return held


async def test_the_bot_is_not_woken_by_typing_and_still_answers(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    """The bot's /sync filters out typing, receipts, presence and account data: in thousands
    of rooms they would wake it for nothing. Commands still come through."""
    bot = app.cfg.bot_user_id
    room = await dm_with_bot(app, ansatt)
    await ansatt.client.room_typing(room, True, timeout=30_000)

    mark = len(ansatt.seen)
    await ansatt.send(room, "!hjelp")
    reply = await ansatt.wait_for_message(room, lambda s: s.sender == bot, after=mark)
    assert "Dette kan du skrive til meg" in reply.body
    assert app.bot.client is not None
    assert app.bot.client.rooms[room].typing_users == []


async def test_a_command_is_answered_from_the_appservice_transaction_while_the_bots_sync_is_stuck(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    """Synapse pushes each message to the appservice before the bot's /sync carries it; the
    bot opens commands from there (D176). With its /sync parked, an encrypted command is
    still answered, and a plaintext one is still never acted on. When /sync comes back with
    the same events, nothing is answered twice. (Room keys still come by /sync, so the
    ansatt's session reaches the bot before the sync is parked.)"""
    bot = app.cfg.bot_user_id
    room = await dm_with_bot(app, ansatt)
    mark = len(ansatt.seen)
    await ansatt.send(room, "hei")
    await ansatt.wait_for_message(room, lambda s: s.sender == bot, after=mark)
    async with _bot_sync_parked(app) as parked:
        # An event the bot ignores ends the sync in flight; the next one parks.
        await ansatt.client.room_send(
            room, "org.samsnakk.test.wake", {}, ignore_unverified_devices=True
        )
        await asyncio.wait_for(parked.wait(), 35)

        mark = len(ansatt.seen)
        await _send_plaintext(ansatt, room, "!hjelp")
        with pytest.raises(AssertionError):
            await ansatt.wait_for_message(room, lambda s: s.sender == bot, after=mark, timeout=4)

        await ansatt.send(room, "!hjelp")
        reply = await ansatt.wait_for_message(
            room, lambda s: s.sender == bot, after=mark, timeout=20
        )
        assert reply.decrypted
        assert "Dette kan du skrive til meg" in reply.body
    await asyncio.sleep(4)  # the bot's /sync now brings both commands
    answers = [s for s in ansatt.seen[mark:] if s.room_id == room and s.sender == bot]
    assert len(answers) == 1, [a.body[:40] for a in answers]


async def test_in_a_brukerrom_a_command_waits_for_the_bots_sync_to_bring_the_members(
    app: SamsnakkApp, ansatt: MatrixUser, bruker: MatrixUser
) -> None:
    """Who gets the reply's room key is nio's view of the members, which /sync keeps in
    order. Where others are in the room, a command from a transaction is left to /sync, so
    a reply never goes out on a view that may miss a leave; it comes once /sync is back."""
    bot = app.cfg.bot_user_id
    room = await create_brukerrom(app, ansatt, bruker)
    await command(app, ansatt, room, "!hjelp", "Dette kan du skrive til meg")
    async with _bot_sync_parked(app) as parked:
        await ansatt.client.room_send(
            room, "org.samsnakk.test.wake", {}, ignore_unverified_devices=True
        )
        await asyncio.wait_for(parked.wait(), 35)
        mark = len(ansatt.seen)
        await ansatt.send(room, "!hjelp")
        with pytest.raises(AssertionError):
            await ansatt.wait_for_message(room, lambda s: s.sender == bot, after=mark, timeout=4)
    reply = await ansatt.wait_for_message(room, lambda s: s.sender == bot, after=mark)
    assert reply.decrypted and "Dette kan du skrive til meg" in reply.body
    await asyncio.sleep(3)
    answers = [s for s in ansatt.seen[mark:] if s.room_id == room and s.sender == bot]
    assert len(answers) == 1, [a.body[:40] for a in answers]


@contextlib.asynccontextmanager
async def _bot_sync_parked(app: SamsnakkApp) -> AsyncIterator[asyncio.Event]:
    """The bot's next /sync waits until the block ends; the event is set once it waits."""
    client = app.bot.client
    assert client is not None
    original = client.sync
    parked, resume = asyncio.Event(), asyncio.Event()

    async def sync(*args: Any, **kwargs: Any) -> Any:
        parked.set()
        await resume.wait()
        return await original(*args, **kwargs)

    client.sync = sync
    try:
        yield parked
    finally:
        del client.sync
        resume.set()


async def test_a_command_that_comes_both_ways_is_answered_once(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    """The transaction and the bot's /sync both carry every message; one answer each."""
    bot = app.cfg.bot_user_id
    room = await dm_with_bot(app, ansatt)
    mark = len(ansatt.seen)
    for _ in range(3):
        await ansatt.send(room, "!hjelp")
    await ansatt.wait_for_message(room, lambda s: s.sender == bot, after=mark)
    await asyncio.sleep(4)  # time for a second answer to show, if one were coming
    answers = [s for s in ansatt.seen[mark:] if s.room_id == room and s.sender == bot]
    assert len(answers) == 3, [a.body[:40] for a in answers]


async def _send_plaintext(user: MatrixUser, room_id: str, body: str) -> None:
    """An unencrypted m.room.message, as a client that ignores the room's encryption would."""
    content = {"msgtype": "m.text", "body": body}
    method, path, data = Api.room_send(
        user.client.access_token, room_id, "m.room.message", content, "plain-1"
    )
    resp = await user.client._send(RoomSendResponse, method, path, data, (room_id,))
    assert isinstance(resp, RoomSendResponse), resp
