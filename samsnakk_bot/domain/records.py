"""What the store hands the services besides the brukerrom lifecycle: plain, frozen records.

They live here, not in the store, so the services' ports (``services/ports.py``) can speak in
them without a service importing a store class. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

RoomKind = Literal["dm", "brukerrom", "admin", "other"]
Role = Literal["ansatt", "bruker", "admin"]
PollPurpose = Literal["consent", "request"]
RefusedReason = Literal["foreign_successor", "upgraded"]


@dataclass(frozen=True, slots=True)
class RoomRecord:
    room_id: str
    kind: RoomKind
    encrypted: bool
    encryption_algorithm: str | None
    dm_user_id: str | None
    created_ms: int


@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    role: Role
    org: str | None
    display_name: str | None
    created_ms: int


@dataclass(frozen=True, slots=True)
class Poll:
    event_id: str
    room_id: str
    purpose: PollPurpose
    request_id: int | None
    created_ms: int


@dataclass(frozen=True, slots=True)
class OnboardingCode:
    id: int
    room_id: str
    code_hash: str
    phone_enc: bytes | None
    created_by: str
    created_ms: int
    expires_ms: int
    used_ms: int | None
    used_by: str | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    ts_ms: int
    room_id: str | None
    actor: str
    action: str
    subject: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class NewAuditEntry:
    """An entry not yet in the log; the audit log gives it its id and hash."""

    ts_ms: int
    actor: str
    action: str
    room_id: str | None = None
    subject: str | None = None
    details: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    user_id: str
    name: str
    org_id: str
    unit: str | None
    role: str
    help_text: str | None
    email: str | None
    phone: str | None  # E.164
    active: bool
    updated_ms: int
    updated_by: str


@dataclass(frozen=True, slots=True)
class Meeting:
    id: int
    room_id: str
    number: int
    kind: str
    status: str
    start_ms: int
    end_ms: int
    place_enc: bytes | None
    responsible: str
    created_by: str
    created_ms: int
    sequence: int
    summary_event_id: str | None
    summary_enc: bytes | None
    reminded_first_ms: int | None
    reminded_second_ms: int | None
    unconfirmed_ms: int | None
    summary_asked_ms: int | None
    summary_nudged_ms: int | None


@dataclass(frozen=True, slots=True)
class Answer:
    user_id: str
    answer: str | None  # None, "confirmed" or "cannot"
    proposal_enc: bytes | None
    answered_ms: int | None


@dataclass(frozen=True, slots=True)
class AgendaItem:
    id: int
    author: str
    avoid: bool
    text_enc: bytes
    created_ms: int


@dataclass(frozen=True, slots=True)
class NewVarsel:
    idem_key: str
    user_id: str | None
    channel: str
    kind: str
    room_id: str | None
    not_before_ms: int
    address_enc: bytes | None = None
    secret_enc: bytes | None = None


@dataclass(frozen=True, slots=True)
class VarselPrefs:
    user_id: str
    channels: tuple[str, ...]
    phone_enc: bytes | None
    email_enc: bytes | None
    quiet_start: int | None
    quiet_end: int | None
    sms_summary: bool


@dataclass(frozen=True, slots=True)
class InboxEventIn:
    event_id: str
    room_id: str | None
    event_type: str
    sender: str
    state_key: str | None
    payload: str  # the event as JSON text
    received_ms: int


@dataclass(frozen=True, slots=True)
class InboxEvent:
    id: int
    txn_id: str
    event_id: str
    room_id: str | None
    event_type: str
    sender: str
    state_key: str | None
    payload: str
    received_ms: int


# Notices the bot owes a room (offboarding), kept in their own outbox until sent.
@dataclass(frozen=True, slots=True)
class NewRoomNotice:
    idem_key: str
    room_id: str
    body: str
    html: str | None = None
    wait_gone: str | None = None  # send only once nio no longer lists this person


@dataclass(frozen=True, slots=True)
class RoomNotice:
    id: int
    idem_key: str
    room_id: str
    body: str
    html: str | None
    wait_gone: str | None
    attempts: int


# What one nightly inbox purge did.
@dataclass(frozen=True, slots=True)
class Purged:
    days: int  # days rolled up in this run
    rolled_up: int  # message events counted into the rollups
    deleted: int  # inbox rows deleted
