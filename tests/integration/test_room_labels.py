"""Issue 14, item 4: a label whose alias is already taken on the homeserver is drawn again.
Real Synapse: the colliding alias exists there before ``!rom ny``, and our table does not
know it, as when two creates draw the same free label at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from brukerrom_flow import create_brukerrom
from matrix_harness import MatrixUser

from samsnakk_bot.app import SamsnakkApp

pytestmark = pytest.mark.synapse


async def test_a_taken_alias_makes_the_create_draw_another_label(
    app: SamsnakkApp, ansatt: MatrixUser, bruker: MatrixUser
) -> None:
    server = app.cfg.homeserver.server_name
    prefix = app.policies.policy.room.alias_prefix
    taken, free = "7341", "7342"
    other = await app.actions.create_admin_room("Et annet rom", [])
    await app.actions.point_alias(f"#{prefix}{taken}:{server}", other)
    assert not await app.brukerrom.label_taken(taken)
    draws: Iterator[int] = iter([int(taken) - 1000, int(free) - 1000])
    labels = app.rooms_service.labels
    real = labels.randbelow
    labels.randbelow = lambda n: next(draws)
    try:
        room = await create_brukerrom(app, ansatt, bruker)
    finally:
        labels.randbelow = real

    record = await app.brukerrom.get(room)
    assert record is not None and record.label == free
    assert await app.actions.alias_target(f"#{prefix}{free}:{server}") == room
    assert await app.actions.alias_target(f"#{prefix}{taken}:{server}") == other
    created = [e for e in await app.audit.for_room(room) if e.action == "room_created"]
    assert len(created) == 1 and created[0].details == {"label": free}
