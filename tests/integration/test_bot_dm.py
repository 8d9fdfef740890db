"""The bot in an encrypted direct chat, on a real Synapse with real E2EE clients."""

from __future__ import annotations

import pytest
from matrix_harness import MatrixUser

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
