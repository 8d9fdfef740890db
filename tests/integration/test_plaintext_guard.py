"""Security rule 1: the bot never sends a plaintext message into a room."""

from __future__ import annotations

import aiohttp
import pytest
from nio import RoomCreateResponse, RoomPreset

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.replies import Reply, reply_content
from samsnakk_bot.domain.sending import PlaintextRefused

pytestmark = pytest.mark.synapse


async def _message_events(app: SamsnakkApp, room_id: str) -> list[dict]:
    http = app.bot.http
    path = f"/_matrix/client/v3/rooms/{http.q(room_id)}/messages?dir=b&limit=50"
    async with aiohttp.ClientSession() as s:
        async with s.get(
            f"{app.cfg.homeserver.url}{path}",
            params={"user_id": app.cfg.bot_user_id, "device_id": app.bot.device_id},
            headers={"Authorization": f"Bearer {app.cfg.appservice.as_token}"},
        ) as resp:
            assert resp.status == 200
            chunk = (await resp.json())["chunk"]
    return [e for e in chunk if e["type"] in ("m.room.message", "m.room.encrypted")]


async def test_send_to_room_nio_knows_as_unencrypted_is_refused_even_if_db_says_encrypted(
    app: SamsnakkApp,
) -> None:
    assert app.bot.client is not None
    # A public room: the only kind Synapse leaves unencrypted with our default config.
    created = await app.bot.client.room_create(name="guard test", preset=RoomPreset.public_chat)
    assert isinstance(created, RoomCreateResponse)
    room_id = created.room_id
    await app.bot.client.sync(timeout=0)
    assert room_id in app.bot.client.rooms and not app.bot.client.rooms[room_id].encrypted

    content = reply_content(Reply("helseopplysning som aldri må gå i klartekst", None))
    with pytest.raises(PlaintextRefused, match="not recorded as encrypted"):
        await app.bot.sender.send(room_id, content)

    await app.rooms.set_encrypted(room_id, "m.megolm.v1.aes-sha2", 0)  # a lying DB row
    with pytest.raises(PlaintextRefused, match=r"has not seen m\.room\.encryption"):
        await app.bot.sender.send(room_id, content)

    assert await _message_events(app, room_id) == []


async def test_send_to_room_unknown_to_nio_is_refused(app: SamsnakkApp) -> None:
    room_id = "!unknown-to-nio:samsnakk.localhost"
    await app.rooms.set_encrypted(room_id, "m.megolm.v1.aes-sha2", 0)
    with pytest.raises(PlaintextRefused):
        await app.bot.send_reply(room_id, Reply("hei", None))
