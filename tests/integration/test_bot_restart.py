"""A restart syncs only what changed (D55); quiet rooms are rebuilt when the bot speaks."""

from __future__ import annotations

import asyncio
import time

import pytest
from brukerrom_flow import create_brukerrom, dm_with_bot
from matrix_harness import MatrixUser, UserFactory
from nio import KeysQueryError, SyncResponse

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.replies import Reply, reply_content
from samsnakk_bot.domain.sending import PlaintextRefused

pytestmark = pytest.mark.synapse


async def _until(cond: object, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def test_after_restart_the_bot_speaks_encrypted_in_a_room_quiet_since_it_stopped(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    trond = await make_user("ansatt", "Askøy kommune", "Trond")
    per = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, trond, per)
    assert app.bot.client is not None
    await _until(
        lambda: trond.user_id in app.bot.client.rooms[room].users, "the bot's sync of the join"
    )
    await asyncio.sleep(0.3)

    await app.stop()
    await app.start()
    client = app.bot.client
    assert client is not None
    # Nothing happened there while we were down, so the restart's sync did not bring it.
    assert room not in client.rooms
    assert room in client.encrypted_rooms

    marks = len(trond.seen), len(per.seen)
    await app.actions.say(room, Reply("Hei igjen etter omstarten.", None))
    for user, mark in zip((trond, per), marks, strict=True):
        seen = await user.wait_for_message(
            room, lambda s: "etter omstarten" in s.body, after=mark, timeout=20
        )
        assert seen.decrypted, "both members got the new room key"
    assert client.rooms[room].members_synced


async def test_after_restart_a_room_the_bot_left_is_refused_not_rebuilt(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    room = await dm_with_bot(app, ansatt)
    await app.bot.leave(room, "test")
    # nio ignores the sync's left rooms and keeps this one in ``rooms`` until the process
    # ends; after a restart only the server can say that we are no longer in it.
    await app.stop()
    await app.start()
    client = app.bot.client
    assert client is not None
    assert room in client.encrypted_rooms and await app.rooms.is_encrypted(room)

    content = reply_content(Reply("hei", None))
    for _ in range(2):  # the second answer comes from what the first learned
        with pytest.raises(PlaintextRefused, match=r"has not seen m\.room\.encryption"):
            await app.bot.sender.send(room, content)
    assert room not in client.rooms


def _join_checks(app: SamsnakkApp) -> float:
    return sum(
        sample.value
        for metric in app.metrics.antispam_decisions.collect()
        for sample in metric.samples
        if sample.name.endswith("_total") and sample.labels["callback"] == "user_may_join_room"
    )


async def test_a_restart_leaves_the_bots_memberships_alone_when_its_name_is_unchanged(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    # Setting a display name makes Synapse renew the bot's join in every room it is in, one
    # room at a time through our join check: an hour of work at 10,000 rooms (D56).
    await dm_with_bot(app, ansatt)
    await app.stop()
    checks = _join_checks(app)
    await app.start()
    await asyncio.sleep(3)
    assert _join_checks(app) == checks


async def test_a_restart_does_not_tell_everyone_the_bots_devices_changed(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    """Writing the bot's device at every start made Synapse tell everyone who shares a room
    with the bot that its devices changed (0.7 s at 10,000 rooms, and a key query from each
    of their clients). A restart with the same device and name leaves it alone (D177)."""
    bot = app.cfg.bot_user_id
    room = await dm_with_bot(app, ansatt)
    changed: list[str] = []

    async def on_sync(response: SyncResponse) -> None:
        changed.extend(response.device_list.changed)

    ansatt.client.add_response_callback(on_sync, SyncResponse)
    device = app.bot.device_id
    await app.stop()
    await app.start()
    assert app.bot.device_id == device
    mark = len(ansatt.seen)
    await ansatt.send(room, "!hjelp")
    await ansatt.wait_for_message(room, lambda s: s.sender == bot, after=mark)
    await asyncio.sleep(2)
    assert bot not in changed


async def test_after_a_long_stop_the_backlog_comes_at_start_not_after_synapses_backoff(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    """Synapse retries a down appservice after 2, 4, 8, 16 ... s (up to 512 s). A leave sent
    16 s into a stop would reach us about 14 s after we are back; the ping at start makes
    Synapse send it at once, so the bot closes the DM within seconds."""
    room = await dm_with_bot(app, ansatt)
    await app.stop()
    await ansatt.client.room_leave(room)
    await asyncio.sleep(16)  # retries at 2, 6 and 14 s fail; the next waits until 30 s

    await app.start()
    back = time.monotonic()

    async def bot_still_in_room() -> bool:
        joined = await app.bot.http.request("GET", "/_matrix/client/v3/joined_rooms")
        return room in joined.get("joined_rooms", [])

    while await bot_still_in_room():
        assert time.monotonic() - back < 7, "the leave waited for Synapse's backoff"
        await asyncio.sleep(0.2)
    record = await app.rooms.get(room)
    assert record is not None and record.kind == "other"


async def test_a_key_query_that_another_path_already_made_does_not_end_the_sync_round(
    app: SamsnakkApp, ansatt: MatrixUser
) -> None:
    """sync_forever schedules a key query when one is due; a reply's room_send can make it
    first. nio then raised, the sync round ended, and the bot's sync paused for 2 s. Seen on
    every restart at 10,000 rooms (bench_bot_scale.py)."""
    client = app.bot.client
    assert client is not None
    dm = await dm_with_bot(app, ansatt)
    await _until(lambda: not client.users_for_key_query, "the bot's own key queries")

    answer = await client.keys_query()

    assert isinstance(answer, KeysQueryError)
    mark = len(ansatt.seen)
    await ansatt.send(dm, "!hjelp")
    seen = await ansatt.wait_for_message(
        dm, lambda s: s.sender == app.bot.user_id, after=mark, timeout=20
    )
    assert seen.decrypted
