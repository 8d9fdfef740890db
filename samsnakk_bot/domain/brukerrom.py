"""Pure rules for brukerrom: how they are set up, parsed from commands, and who may act.

Nothing here does I/O. The room service feeds it values and carries out what it decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

MEGOLM = "m.megolm.v1.aes-sha2"
# Room version 12: the creator (our bot) has power above every level and must not be listed in
# the power levels' users. Pinned so that a server default change cannot alter who may act.
ROOM_VERSION = "12"
_MXID = re.compile(r"^@[a-z0-9._=/+\-]+:[A-Za-z0-9.\-]+(:[0-9]+)?$")
_PHONEISH = re.compile(r"^\+?[0-9][0-9 ]{6,15}$")
# «3», «#3», «nr. 3», and «3.» or «3!» as autocorrect and hurry leave them.
_NUMBER = re.compile(r"^(?:#|nr\.?)?([0-9]{1,6})[.!?]*$", re.IGNORECASE)
# "fnr:" and whatever follows (checked later), or 11 bare digits: never a Norwegian mobile.
_FNR = re.compile(r"^fnr:\s*(.*)$|^([0-9]{6} ?[0-9]{5})$", re.IGNORECASE | re.DOTALL)


class TargetKind(Enum):
    MATRIX_ID = "mxid"
    PHONE = "phone"
    NAME = "name"
    FNR = "fnr"  # fødselsnummer or D-nummer, for a bruker who logs in with ID-porten


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    value: str


def classify_target(token: str) -> Target:
    """A person as written in a command: a Matrix ID, a phone number, a fødselsnummer, or a
    directory name."""
    # Quotes and a full stop autocorrect leaves around a name or ID («@kari:…», @kari:….).
    text = token.strip().strip(",;.!?\"'“”„‘’«»").strip()
    fnr = _FNR.match(text)
    if fnr:
        return Target(TargetKind.FNR, (fnr.group(1) or fnr.group(2) or "").replace(" ", ""))
    if _MXID.match(text.lower()):
        return Target(TargetKind.MATRIX_ID, text.lower())
    if _PHONEISH.match(text):
        return Target(TargetKind.PHONE, text.replace(" ", ""))
    return Target(TargetKind.NAME, text)


@dataclass(frozen=True)
class RomNy:
    bruker: Target
    # Ways to read the people after "med", most likely first (see people_readings).
    readings: tuple[tuple[Target, ...], ...]

    @property
    def participants(self) -> tuple[Target, ...]:
        return self.readings[0] if self.readings else ()


class RomNyProblem(Enum):
    MISSING_BRUKER = "missing_bruker"
    BRUKER_IS_NAME = "bruker_is_name"
    EMPTY_MED = "empty_med"


def parse_rom_ny(raw_args: str) -> RomNy | RomNyProblem:
    """``<bruker> [med <deltaker>, …]``. Names with spaces are separated by commas."""
    text = " ".join(raw_args.split())
    if not text:
        return RomNyProblem.MISSING_BRUKER
    parts = re.split(r"\s+med(?:\s+|$)", text, maxsplit=1, flags=re.IGNORECASE)
    head = parts[0]
    has_med = len(parts) == 2
    rest = parts[1] if has_med else ""
    bruker = classify_target(head.replace(" ", "") if _PHONEISH.match(head) else head)
    if bruker.kind is TargetKind.NAME:
        return RomNyProblem.BRUKER_IS_NAME
    if has_med and not rest.strip():
        return RomNyProblem.EMPTY_MED
    return RomNy(bruker, people_readings(rest))


def split_people(text: str) -> tuple[Target, ...]:
    """``a, b c`` → two people when commas are used, otherwise one per word."""
    text = text.strip()
    if not text:
        return ()
    pieces = text.split(",") if "," in text else text.split()
    return tuple(classify_target(p) for p in pieces if p.strip())


def people_readings(text: str) -> tuple[tuple[Target, ...], ...]:
    """``Vera Veileder`` is one person or two handles: offer both readings, whole name first.

    With commas, or with any Matrix ID or number among the words, there is only one reading.
    """
    words = text.split()
    if not words:
        return ()
    split = split_people(text)
    if "," in text or len(words) == 1 or any(t.kind is not TargetKind.NAME for t in split):
        return (split,)
    return ((Target(TargetKind.NAME, " ".join(words)),), split)


def parse_number(args: tuple[str, ...]) -> int | None:
    """``!godkjenn 3`` / ``!godkjenn #3`` → 3."""
    if len(args) != 1:
        return None
    m = _NUMBER.match(args[0])
    return int(m.group(1)) if m else None


def room_name(prefix: str, label: str) -> str:
    """Pseudonymous: room names are unencrypted state, shown in pushes and on the server."""
    return f"{prefix} · {label}"


def power_levels() -> dict[str, Any]:
    """Only the bot may invite, kick, ban, redact others or change any state.

    In room version 12 the creator (the bot) outranks 100 implicitly, and nobody else is
    listed, so nobody else reaches any of these levels.
    """
    return {
        "users": {},
        "users_default": 0,
        "events_default": 0,
        "state_default": 100,
        "invite": 100,
        "kick": 100,
        "ban": 100,
        "redact": 100,
        "events": {
            "m.room.power_levels": 100,
            "m.room.name": 100,
            "m.room.topic": 100,
            "m.room.avatar": 100,
            "m.room.encryption": 100,
            "m.room.history_visibility": 100,
            "m.room.join_rules": 100,
            "m.room.guest_access": 100,
            "m.room.canonical_alias": 100,
            "m.room.tombstone": 100,
            "m.room.server_acl": 100,
            "m.room.pinned_events": 100,
            "m.reaction": 0,
            "m.room.redaction": 0,
        },
        "notifications": {"room": 100},
    }


def initial_state(history_visibility: str) -> list[dict[str, Any]]:
    return [
        {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}},
        {"type": "m.room.join_rules", "state_key": "", "content": {"join_rule": "invite"}},
        {"type": "m.room.guest_access", "state_key": "", "content": {"guest_access": "forbidden"}},
        {
            "type": "m.room.history_visibility",
            "state_key": "",
            "content": {"history_visibility": history_visibility},
        },
    ]


class Who(Enum):
    BRUKER = "bruker"
    PARTICIPANT = "participant"
    OUTSIDER = "outsider"


def who_is(user: str, bruker: str | None, approved: frozenset[str]) -> Who:
    if bruker is not None and user == bruker:
        return Who.BRUKER
    if user in approved:
        return Who.PARTICIPANT
    return Who.OUTSIDER


def is_expired(expires_ms: int, now_ms: int) -> bool:
    return now_ms >= expires_ms


def unapproved_members(
    joined: frozenset[str], approved: frozenset[str], bot: str
) -> frozenset[str]:
    """Members the guard must remove: everyone joined who is neither the bot nor approved."""
    return frozenset(u for u in joined if u != bot and u not in approved)


_GUARDED_EVENTS = (
    "m.room.power_levels",
    "m.room.join_rules",
    "m.room.encryption",
    "m.room.history_visibility",
    "m.room.guest_access",
)


def power_levels_safe(content: dict[str, Any]) -> bool:
    """True if only the bot (the room's creator) can invite, kick, ban or change state."""
    users = content.get("users") or {}
    if any(isinstance(v, int) and v > 0 for v in users.values()):
        return False
    for key in ("invite", "kick", "ban", "redact", "state_default"):
        if not isinstance(content.get(key), int) or content[key] < 100:
            return False
    events = content.get("events") or {}
    return all(
        isinstance(events.get(t, content.get("state_default")), int)
        and events.get(t, content["state_default"]) >= 100
        for t in _GUARDED_EVENTS
    )
