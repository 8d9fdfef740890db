"""Steps of the brukerrom story, shared by the flow test, the adversarial tests and the bench."""

from __future__ import annotations

import asyncio
import re

from matrix_harness import MatrixUser

from samsnakk_bot.app import SamsnakkApp


async def dm_with_bot(app: SamsnakkApp, user: MatrixUser) -> str:
    room = await user.create_dm(app.cfg.bot_user_id)
    await user.wait_for_message(room, lambda s: s.sender == app.cfg.bot_user_id)
    return room


async def command(
    app: SamsnakkApp,
    user: MatrixUser,
    room: str,
    text: str,
    expect: str | None = None,
    timeout: float = 30.0,
) -> str:
    """Send a command and return the bot's next message body in that room.

    Only a message the server took after the command counts: an answer to someone else's
    earlier command may still be on its way to this client.
    """
    mark = len(user.seen)
    sent = await user.server_ts(room, await user.send(room, text))
    seen = await user.wait_for_message(
        room,
        lambda s: (
            s.sender == app.cfg.bot_user_id
            and s.msgtype in ("m.text", "m.notice")
            and s.ts >= sent
            and (expect is None or expect in s.body)
        ),
        after=mark,
        timeout=timeout,
    )
    assert seen.decrypted
    return seen.body


async def create_brukerrom(
    app: SamsnakkApp, ansatt: MatrixUser, bruker: MatrixUser, med: str = ""
) -> str:
    """!rom ny, the bruker joins and consents, the ansatt joins. Returns the room ID."""
    dm = await dm_with_bot(app, ansatt)
    body = await command(app, ansatt, dm, f"!rom ny {bruker.user_id}{med}", "er opprettet")
    label = re.search(r"«(Samsnakk · \d+)»", body)
    assert label, body
    room = await bruker.accept_invite()
    await bruker.wait_for_message(
        room, lambda s: s.sender == app.cfg.bot_user_id and "!samtykke ja" in s.body
    )
    await command(app, bruker, room, "!samtykke ja", "Samtykket er registrert")
    await ansatt.accept_invite(room)
    return room


async def members(app: SamsnakkApp, room: str) -> set[str]:
    return await app.actions.joined_members(room)


async def audit_has(app: SamsnakkApp, room: str, *actions: str, timeout: float = 3.0) -> list[str]:
    """The room's audit actions once all of ``actions`` are in it (they follow the act)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        seen = [e.action for e in await app.audit.for_room(room)]
        if all(a in seen for a in actions) or asyncio.get_running_loop().time() > deadline:
            return seen
        await asyncio.sleep(0.05)


async def join_admin_room(app: SamsnakkApp, admin: MatrixUser, org_id: str, org_name: str) -> str:
    """Make ``admin`` an admin of the organisation and bring them into its admin room."""
    await app.accounts.upsert(admin.user_id, "admin", org_name, "Admin", 0)
    room = await app.admin_rooms.room_for(org_id)
    if room is None:
        await app.admin.ensure_admin_rooms()
        room = await app.admin_rooms.room_for(org_id)
        assert room is not None, f"no admin room for {org_id}"
        if admin.user_id in await app.actions.joined_members(room):
            await _guard_saw_join(app, room, admin.user_id)
            return room
    if admin.user_id not in await app.actions.joined_members(room):
        await app.admin._admin_rooms_invite(room, admin.user_id)
        await admin.accept_invite(room)
    await _guard_saw_join(app, room, admin.user_id)
    return room


async def _guard_saw_join(app: SamsnakkApp, room: str, user: str, timeout: float = 5.0) -> None:
    """The guard audits the join from the transaction stream; wait so it is not counted later."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        entries = await app.audit.for_room(room)
        if any(e.action == "joined" and e.actor == user for e in entries):
            return
        await asyncio.sleep(0.05)
