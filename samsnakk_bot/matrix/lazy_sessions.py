"""The bot's inbound Megolm sessions, loaded from nio's store when first needed (D160).

nio loads every inbound session at start, one query per session for its forwarding chain:
1.3-2.4 s and about 3 KB of memory each at 10,000 rooms, growing with every session a device
ever started. A restart needs none of them until it decrypts, so :class:`LazySessionStore`
gives nio an empty :class:`LazyGroupSessions` whose ``get`` reads one session (by its ID)
from nio's own tables on a miss and keeps it. ``add`` is nio's: a new session object always
replaces what is there, loaded or not, exactly as with the eager load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nio.crypto import InboundGroupSession
from nio.crypto.memorystores import GroupSessionStore
from nio.store import DefaultStore
from nio.store.models import EncryptedRooms, MegolmInboundSessions

Loader = Callable[[str, str, str], InboundGroupSession | None]


class LazyGroupSessions(GroupSessionStore):  # type: ignore[misc]
    def __init__(self, load: Loader) -> None:
        super().__init__()
        self._load = load

    def get(self, room_id: str, sender_key: str, session_id: str) -> InboundGroupSession | None:
        known = self._entries[room_id][sender_key]
        if session_id in known:
            return known[session_id]
        session = self._load(room_id, sender_key, session_id)
        if session is not None:
            known[session_id] = session
        return session

    def loaded(self) -> int:
        return sum(len(s) for by_sender in self._entries.values() for s in by_sender.values())


class LazySessionStore(DefaultStore):  # type: ignore[misc]
    """nio's default store, except that inbound group sessions load one at a time.

    It also indexes the sessions by room: nio's table has none, so dropping a closed room's
    sessions (D72) scanned every session the bot ever received, on the event loop. And it reads
    the encrypted rooms' IDs as plain tuples (D178).
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        self.database.execute_sql(
            "CREATE INDEX IF NOT EXISTS samsnakk_megolm_room ON megolminboundsessions (room_id)"
        )

    def load_encrypted_rooms(self) -> set[str]:
        # nio builds a peewee model object for every row only to take its room ID: 60-80 ms
        # of every start at 10,000 rooms, against 17-28 ms for the IDs alone.
        with self.database.bind_ctx(self.models):
            account = self._get_account()
            if account is None:
                return set()
            rows = (
                EncryptedRooms.select(EncryptedRooms.room_id)
                .where(EncryptedRooms.account == account)
                .tuples()
            )
            return {room_id for (room_id,) in rows}

    def load_inbound_group_sessions(self) -> LazyGroupSessions:
        return LazyGroupSessions(self.load_inbound_group_session)

    def load_inbound_group_session(
        self, room_id: str, sender_key: str, session_id: str
    ) -> InboundGroupSession | None:
        with self.database.bind_ctx(self.models):
            account = self._get_account()
            if account is None:
                return None
            row: Any = (
                MegolmInboundSessions.select()
                .where(
                    MegolmInboundSessions.account == account,
                    MegolmInboundSessions.session_id == session_id,
                    MegolmInboundSessions.room_id == room_id,
                    MegolmInboundSessions.sender_key == sender_key,
                )
                .first()
            )
            if row is None:
                return None
            return InboundGroupSession.from_pickle(
                row.session,
                row.fp_key,
                row.sender_key,
                row.room_id,
                self.pickle_key,
                [chain.sender_key for chain in row.forwarded_chains],
            )
