"""The room state Samsnakk sets and keeps, and how to tell a foreign change from ours. Pure.

Brukerrom and admin rooms get the same settings. Whoever sends a change, the bot's own token
included, the content is what counts: only the values below are Samsnakk's. The antispam event
check refuses anything else before it lands, and the guard puts it back if it lands anyway.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from samsnakk_bot.domain.brukerrom import MEGOLM, power_levels

JOIN_RULES = "m.room.join_rules"
POWER_LEVELS = "m.room.power_levels"
HISTORY_VISIBILITY = "m.room.history_visibility"
GUEST_ACCESS = "m.room.guest_access"
ENCRYPTION = "m.room.encryption"
SERVER_ACL = "m.room.server_acl"
TOMBSTONE = "m.room.tombstone"
CREATE = "m.room.create"

GUARDED_TYPES = frozenset(
    {JOIN_RULES, POWER_LEVELS, HISTORY_VISIBILITY, GUEST_ACCESS, ENCRYPTION, SERVER_ACL}
)
# Samsnakk sets no ACL: federation is limited by the homeserver's allow-list. Putting one back
# means one that lets every server through, IP literals included (the same as having none).
NEUTRAL_ACL: dict[str, Any] = {"allow": ["*"], "deny": [], "allow_ip_literals": True}


def expected_state(history_visibility: str) -> dict[str, dict[str, Any]]:
    """Every guarded state type and the content Samsnakk gives it."""
    return {
        JOIN_RULES: {"join_rule": "invite"},
        POWER_LEVELS: power_levels(),
        HISTORY_VISIBILITY: {"history_visibility": history_visibility},
        GUEST_ACCESS: {"guest_access": "forbidden"},
        ENCRYPTION: {"algorithm": MEGOLM},
        SERVER_ACL: NEUTRAL_ACL,
    }


def as_set(event_type: str, content: dict[str, Any], history_visibility: str) -> bool:
    """True if ``content`` is what Samsnakk set (or the type is not guarded).

    Power levels are compared on our keys only: Synapse may add keys of its own at creation.
    """
    want = expected_state(history_visibility).get(event_type)
    if want is None:
        return True
    if event_type == POWER_LEVELS:
        return all(content.get(key) == value for key, value in want.items())
    return content == want


class Tombstone(Enum):
    OURS = "ours"
    FOREIGN = "foreign"


def classify_tombstone(content: dict[str, Any], room_closed: bool, upgrading: bool) -> Tombstone:
    """Samsnakk tombstones a room only when it closes it (no successor), or in its own upgrade."""
    if upgrading:
        return Tombstone.OURS
    if room_closed and not content.get("replacement_room"):
        return Tombstone.OURS
    return Tombstone.FOREIGN


def successor_of(event_type: str, content: dict[str, Any]) -> str | None:
    """The room a tombstone points to, if any."""
    if event_type != TOMBSTONE:
        return None
    room = content.get("replacement_room")
    return room if isinstance(room, str) and room else None


def predecessor_of(event_type: str, content: dict[str, Any]) -> str | None:
    """The room an ``m.room.create`` says it replaces, if any."""
    if event_type != CREATE:
        return None
    predecessor = content.get("predecessor")
    if not isinstance(predecessor, dict):
        return None
    room = predecessor.get("room_id")
    return room if isinstance(room, str) and room else None
