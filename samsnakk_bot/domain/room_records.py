"""A brukerrom, its participants and its requests as the services see them. Pure records.

The store reads its rows into these, and the services' ports (``services/ports.py``) speak in
them, so no service needs a store class to know what a room looks like.
"""

from __future__ import annotations

from dataclasses import dataclass

from samsnakk_bot.domain.lifecycle import (
    ParticipantRole,
    ParticipantStatus,
    RequestStatus,
    RoomState,
)


@dataclass(frozen=True, slots=True)
class Brukerrom:
    room_id: str
    label: str
    bruker_user_id: str | None
    creator_user_id: str
    state: RoomState
    consent_version: str | None
    consent_ms: int | None
    created_ms: int
    closed_ms: int | None
    last_activity_ms: int
    retention_stage: int = 0
    retention_close_ms: int | None = None
    purge_requested_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Participant:
    room_id: str
    user_id: str
    role: ParticipantRole
    status: ParticipantStatus
    proposed_by: str | None
    proposed_ms: int | None
    approved_ms: int
    request_number: int | None
    ended_ms: int | None


@dataclass(frozen=True, slots=True)
class ParticipantRequest:
    id: int
    room_id: str
    number: int
    candidate_user_id: str
    requested_by: str
    note_enc: bytes | None
    status: RequestStatus
    created_ms: int
    expires_ms: int
    reminded_ms: int | None
    decided_ms: int | None
    decided_by: str | None
    prompt_event_id: str | None
