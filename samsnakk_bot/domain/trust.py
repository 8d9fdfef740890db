"""Whom the bot trusts: cross-signed devices of an identity it has pinned (MSC4153).

The bot pins each user's master key the first time it sees it. A different key later is a
change it reports once; until a bruker or an admin confirms it, that user is untrusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class DeviceKeys:
    ed25519: str
    curve25519: str


@dataclass(frozen=True, slots=True)
class PublishedIdentity:
    """A user's master key (``None`` without cross-signing) and the devices it has signed."""

    user_id: str
    master_key: str | None
    signed_devices: dict[str, DeviceKeys] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CandidateDevice:
    """A device that would receive the bot's room key, with the keys the bot's client holds."""

    user_id: str
    device_id: str
    keys: DeviceKeys


@dataclass(frozen=True, slots=True)
class Pin:
    master_key: str
    pending_key: str | None = None


class IdentityState(StrEnum):
    TRUSTED = "trusted"
    FIRST_SEEN = "first_seen"  # no pin yet: pin it now
    CHANGED = "changed"  # differs from the pin and was not reported yet
    UNCONFIRMED = "unconfirmed"  # a reported change that nobody has confirmed
    NO_IDENTITY = "no_identity"  # no cross-signing at all


def judge_identity(pin: Pin | None, master_key: str | None) -> IdentityState:
    if master_key is None:
        return IdentityState.NO_IDENTITY
    if pin is None:
        return IdentityState.FIRST_SEEN
    if master_key == pin.master_key:
        return IdentityState.TRUSTED
    if master_key == pin.pending_key:
        return IdentityState.UNCONFIRMED
    return IdentityState.CHANGED


def acts_for_owner(state: IdentityState) -> bool:
    """Commands and room keys: only a pinned, unchanged identity counts."""
    return state in (IdentityState.TRUSTED, IdentityState.FIRST_SEEN)


def may_read_own_dm(state: IdentityState) -> bool:
    """Someone whose identity changed still reads the bot's DM that says so and what to do."""
    return state is not IdentityState.NO_IDENTITY


def is_sending_device(keys: DeviceKeys, curve25519: str, session_ed25519: str) -> bool:
    """The Megolm session was shared over Olm from this device and claims its signing key."""
    return keys.curve25519 == curve25519 and keys.ed25519 == session_ed25519


def fingerprint(key: str) -> str:
    """A short, readable form of a public key for people and the audit log."""
    return " ".join(key[i : i + 4] for i in range(0, min(len(key), 12), 4))
