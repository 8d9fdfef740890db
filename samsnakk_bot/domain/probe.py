"""The antispam probe of ``samsnakk doctor``: an invite into a room that cannot exist.

The doctor proves the whole chain (client -> Synapse -> synapse-http-antispam -> our endpoint ->
Synapse -> client) by inviting into a room whose ID starts with :data:`PROBE_ROOM_PREFIX`.
Synapse makes room IDs from random letters (v1-v11) or a hash (v12), so no real room starts with
it. Our endpoint refuses such an invite and echoes the room ID under :data:`PROBE_FIELD`, so the
doctor knows the answer came from us, just now. The refusal admits nobody, so it is not audited.
"""

from __future__ import annotations

PROBE_ROOM_PREFIX = "!samsnakk-doctor-probe-"
PROBE_FIELD = "io.samsnakk.doctor_probe"


def is_probe_room(room_id: object) -> bool:
    return isinstance(room_id, str) and room_id.startswith(PROBE_ROOM_PREFIX)
