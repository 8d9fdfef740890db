"""Issue 12, items 8 and 9: checkpoints reach the admin room encrypted, and a closed room's
Megolm sessions leave the bot's crypto store. Real Synapse, real E2EE clients."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from brukerrom_flow import audit_has, command, create_brukerrom, join_admin_room
from matrix_harness import MatrixUser, RunningSynapse, UserFactory, new_user

from samsnakk_bot.app import SamsnakkApp
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.services.audit_checkpoints import AuditCheckpoints
from samsnakk_bot.store.checkpoint_file import CheckpointFile
from samsnakk_bot.tasks import TaskGroup

pytestmark = pytest.mark.synapse


async def test_a_checkpoint_reaches_the_admin_room_encrypted_with_only_seq_and_hash(
    app: SamsnakkApp, synapse: RunningSynapse, client_dir: Path, tmp_path: Path
) -> None:
    admin = await new_user(synapse, client_dir, name="admin.cp")
    tasks = TaskGroup()
    # The app's own checkpoints run every 100 entries; this one every 3, on the same parts.
    checkpoints = AuditCheckpoints(
        app.audit,
        3,
        CheckpointFile(tmp_path / "audit-checkpoints"),
        app.admin_rooms,
        app.actions.say,
        app.clock.now_ms,
        tasks,
    )
    try:
        room = await join_admin_room(app, admin, "kleppesto-legekontor", "Kleppestø legekontor")
        mark = len(admin.seen)
        await checkpoints.start()
        for _ in range(3):
            await app.audit.append(
                ts_ms=app.clock.now_ms(), actor=app.cfg.bot_user_id, action="admin_action"
            )

        seen = await admin.wait_for_message(
            room, lambda s: "Kontrollpunkt for revisjonsloggen" in s.body, after=mark
        )

        assert seen.decrypted and seen.sender == app.cfg.bot_user_id
        found = re.search(r"oppføring (\d+), sjekksum ([0-9a-f]{64})\.", seen.body)
        assert found, seen.body
        seq, head = int(found[1]), found[2]
        assert (await app.audit.hashes_at([seq]))[seq] == head
        assert f"--checkpoint {seq}:{head}" in seen.body
        # Content-free: no Matrix ID, room or action, only the number and the hash.
        assert "@" not in seen.body and "!" not in seen.body
        assert f'"seq": {seq}' in (tmp_path / "audit-checkpoints").read_text()
    finally:
        await checkpoints.stop()
        await tasks.stop()
        await admin.stop()


def _stored_sessions(store_dir: Path, room_id: str) -> int:
    (db_file,) = store_dir.glob("*.db")
    with closing(sqlite3.connect(db_file)) as conn:
        row = conn.execute(
            "SELECT count(*) FROM megolminboundsessions WHERE room_id = ?", (room_id,)
        ).fetchone()
    return int(row[0])


async def test_a_withdrawn_room_leaves_no_megolm_session_in_the_bots_store(
    app: SamsnakkApp, make_user: UserFactory
) -> None:
    ansatt = await make_user("ansatt", "Askøy kommune", "Trond")
    bruker: MatrixUser = await make_user("bruker", None, "Per")
    room = await create_brukerrom(app, ansatt, bruker)
    prompt = next(
        s for s in bruker.seen if s.room_id == room and "«!samtykke ja»" in s.body and s.decrypted
    )
    # What the bruker consented to says what the bot keeps, and for how long.
    assert "lagrer ikke det dere skriver" not in prompt.body
    assert "Dette lagrer Samsnakk-boten:" in prompt.body
    assert "agendapunkter, møteoppsummeringer" in prompt.body
    assert "Rommet stenges etter 6 måneder uten meldinger" in prompt.body
    assert "Da sletter boten nøklene sine til rommet." in prompt.body
    assert "lagres i 10 år" in prompt.body
    shown = await command(app, bruker, room, "!samtykke vis", "Samtykketekst versjon 3-nb")
    assert "Dette lagrer Samsnakk-boten:" in shown

    store_dir = app.cfg.bot.store_dir
    olm = app.bot.client.olm  # type: ignore[union-attr]
    assert _stored_sessions(store_dir, room) >= 2  # the bruker's and the bot's own
    # The bot's sending key for the room: a trust mark or member change elsewhere may rotate it
    # away between two sends, so make sure a send has just left one.
    for _ in range(5):
        await app.bot.send_reply(room, Reply("Kontroll.", None))
        if room in olm.outbound_group_sessions:
            break
    assert room in olm.outbound_group_sessions

    await bruker.send(room, "!samtykke trekk")
    assert "room_keys_dropped" in await audit_has(app, room, "room_keys_dropped", timeout=30)

    assert _stored_sessions(store_dir, room) == 0
    # A later event's decryption attempt may leave an empty entry for its sender; no session.
    assert not any(olm.inbound_group_store[room].values())
    assert room not in olm.outbound_group_sessions
    dropped = [e for e in await app.audit.for_room(room) if e.action == "room_keys_dropped"]
    assert dropped[0].details["sessions"] >= 2
