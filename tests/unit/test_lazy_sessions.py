"""Inbound Megolm sessions load one at a time from nio's own store (D160), and the bot's
closed-room cleanup (D72) still finds them there."""

from __future__ import annotations

from pathlib import Path

from nio.crypto import InboundGroupSession, OlmAccount, OutboundGroupSession
from nio.store import DefaultStore

from samsnakk_bot.matrix.lazy_sessions import LazyGroupSessions, LazySessionStore
from samsnakk_bot.matrix.room_keys import _drop_stored

USER, DEVICE, KEY = "@samsnakk:hs.test", "BOTDEVICE", "pickle-key"


def _store(path: Path) -> LazySessionStore:
    return LazySessionStore(USER, DEVICE, str(path), KEY, "bot.db")


def test_sessions_load_when_first_asked_for_and_only_those(tmp_path: Path) -> None:
    store = _store(tmp_path)
    account = OlmAccount()
    store.save_account(account)
    sessions = []
    for room in ("!a:hs.test", "!b:hs.test", "!c:hs.test"):
        outbound = OutboundGroupSession()
        session = InboundGroupSession(
            outbound.session_key, account.identity_keys["ed25519"], "SENDERKEY", room
        )
        store.save_inbound_group_session(session)
        sessions.append(session)

    loaded = _store(tmp_path).load_inbound_group_sessions()

    assert isinstance(loaded, LazyGroupSessions) and loaded.loaded() == 0
    found = loaded.get("!b:hs.test", "SENDERKEY", sessions[1].id)
    assert found is not None and found.id == sessions[1].id and found.ed25519 == sessions[1].ed25519
    assert loaded.loaded() == 1
    assert loaded.get("!b:hs.test", "SENDERKEY", sessions[1].id) is found
    assert loaded.get("!a:hs.test", "SENDERKEY", sessions[1].id) is None  # wrong room
    assert loaded.get("!a:hs.test", "OTHERKEY", sessions[0].id) is None  # wrong sender

    dropped = _drop_stored(store, "!c:hs.test")
    assert dropped == 1
    assert (
        _store(tmp_path)
        .load_inbound_group_sessions()
        .get("!c:hs.test", "SENDERKEY", sessions[2].id)
        is None
    )


def test_encrypted_rooms_load_as_nio_loads_them(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.save_account(OlmAccount())
    rooms = {f"!r{i}:hs.test" for i in range(50)}
    store.save_encrypted_rooms(rooms)
    store.save_encrypted_rooms({"!r0:hs.test"})  # nio may store a room twice

    ours = _store(tmp_path).load_encrypted_rooms()

    assert ours == DefaultStore.load_encrypted_rooms(_store(tmp_path)) == rooms


def test_no_account_no_encrypted_rooms(tmp_path: Path) -> None:
    assert _store(tmp_path).load_encrypted_rooms() == set()
