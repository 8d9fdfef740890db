"""Dropping the bot's Megolm sessions for a room that has closed (D72).

nio has no call for this: its store only ever adds inbound group sessions. So the rows go
from nio's own tables (``MegolmInboundSessions`` and their ``ForwardedChains``), through
nio's peewee models bound to nio's database, and the in-memory copies go from the olm
machine: the inbound ``GroupSessionStore`` and the room's outbound session.
"""

from __future__ import annotations

import logging
from typing import Any

from nio.store.models import ForwardedChains, MegolmInboundSessions

from samsnakk_bot.matrix.bot import BotRuntime

log = logging.getLogger(__name__)


def _drop_stored(store: Any, room_id: str) -> int:
    with store.database.bind_ctx(store.models), store.database.atomic():
        ids = [
            s.session_id
            for s in MegolmInboundSessions.select(MegolmInboundSessions.session_id).where(
                MegolmInboundSessions.room_id == room_id
            )
        ]
        if ids:
            ForwardedChains.delete().where(ForwardedChains.session.in_(ids)).execute()
            MegolmInboundSessions.delete().where(
                MegolmInboundSessions.session_id.in_(ids)
            ).execute()
    return len(ids)


def forget_room_keys(olm: Any, room_id: str) -> int:
    """Remove every Megolm session of ``room_id`` from nio's store and memory; returns how many
    inbound sessions the store held."""
    dropped = _drop_stored(olm.store, room_id)
    # GroupSessionStore keeps room -> sender key -> session id; it has no removal method.
    olm.inbound_group_store._entries.pop(room_id, None)
    olm.outbound_group_sessions.pop(room_id, None)
    return dropped


class NioRoomKeys:
    """The ``RoomKeys`` port on the bot's nio client."""

    def __init__(self, bot: BotRuntime) -> None:
        self._bot = bot

    async def forget(self, room_id: str) -> int:
        client = self._bot.client
        if client is None or client.olm is None:
            return 0
        # Synchronous, like every nio store call: a few rows, on the event loop.
        return forget_room_keys(client.olm, room_id)
