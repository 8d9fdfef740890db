"""Brukerrom, their participants and the approval requests.

Every decision that changes who may be in a room is a conditional UPDATE (``WHERE status =
'pending'``), so a double answer, a restart or a race can never approve twice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from samsnakk_bot.domain.lifecycle import (
    OPEN_ROOM_STATES,
    WAITING_ROOM_STATES,
    ParticipantEvent,
    ParticipantRole,
    ParticipantStatus,
    RequestEvent,
    RequestStatus,
    RoomEvent,
    RoomState,
    participant_sources,
    participant_target,
    request_sources,
    request_target,
    room_sources,
    room_target,
)
from samsnakk_bot.domain.room_records import Brukerrom, Participant, ParticipantRequest
from samsnakk_bot.store._dialect import table_of, upsert_insert
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import BrukerromRow, ParticipantRequestRow, ParticipantRow

__all__ = [
    "Brukerrom",
    "BrukerromRepo",
    "Participant",
    "ParticipantRepo",
    "ParticipantRequest",
    "RequestRepo",
]

_rooms = table_of(BrukerromRow)
_participants = table_of(ParticipantRow)
_requests = table_of(ParticipantRequestRow)
_APPROVED = ParticipantStatus.APPROVED
_PENDING = RequestStatus.PENDING


def _room(row: Any) -> Brukerrom:
    m = dict(row._mapping)
    return Brukerrom(**{**m, "state": RoomState(m["state"])})


def _participant(row: Any) -> Participant:
    m = dict(row._mapping)
    role, status = ParticipantRole(m["role"]), ParticipantStatus(m["status"])
    return Participant(**{**m, "role": role, "status": status})


def _request(row: Any) -> ParticipantRequest:
    m = dict(row._mapping)
    return ParticipantRequest(**{**m, "status": RequestStatus(m["status"])})


class BrukerromRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        room_id: str,
        label: str,
        creator: str,
        bruker: str | None,
        state: RoomState,
        now_ms: int,
    ) -> None:
        async with self._db.engine.begin() as conn:
            await conn.execute(
                _rooms.insert().values(
                    room_id=room_id,
                    label=label,
                    bruker_user_id=bruker,
                    creator_user_id=creator,
                    state=state,
                    created_ms=now_ms,
                    last_activity_ms=now_ms,
                )
            )

    async def label_taken(self, label: str) -> bool:
        async with self._db.engine.connect() as conn:
            row = await conn.execute(select(_rooms.c.room_id).where(_rooms.c.label == label))
            return row.first() is not None

    async def get(self, room_id: str) -> Brukerrom | None:
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(select(_rooms).where(_rooms.c.room_id == room_id))).first()
        return None if row is None else _room(row)

    async def list_all(self, states: tuple[RoomState, ...] | None = None) -> list[Brukerrom]:
        stmt = select(_rooms).order_by(_rooms.c.created_ms)
        if states:
            stmt = stmt.where(_rooms.c.state.in_(states))
        async with self._db.engine.connect() as conn:
            return [_room(r) for r in await conn.execute(stmt)]

    async def set_bruker(self, room_id: str, bruker: str) -> bool:
        """Attach the bruker to a room still waiting for one; False if it already has one
        (or was closed meanwhile)."""
        event = RoomEvent.BRUKER_ARRIVES
        stmt = (
            update(_rooms)
            .where(
                _rooms.c.room_id == room_id,
                _rooms.c.bruker_user_id.is_(None),
                _rooms.c.state.in_(room_sources(event)),
            )
            .values(bruker_user_id=bruker, state=room_target(event))
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def record_consent(self, room_id: str, version: str, now_ms: int) -> bool:
        event = RoomEvent.CONSENT
        stmt = (
            update(_rooms)
            .where(_rooms.c.room_id == room_id, _rooms.c.state.in_(room_sources(event)))
            .values(state=room_target(event), consent_version=version, consent_ms=now_ms)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def touch(self, room_id: str, now_ms: int, min_gap_ms: int = 60_000) -> int | None:
        """A message in the room: it is in use again. Returns the warning stage it had (so the
        room can be told it stays open), or None when nothing was written.

        Writes at most once per ``min_gap_ms`` per room unless a warning is pending: a busy
        room does not cost a write per message.
        """
        where = (
            _rooms.c.room_id == room_id,
            _rooms.c.state.in_(OPEN_ROOM_STATES),
            (_rooms.c.last_activity_ms < now_ms - min_gap_ms) | (_rooms.c.retention_stage > 0),
        )
        async with self._db.engine.begin() as conn:
            stage = await conn.scalar(select(_rooms.c.retention_stage).where(*where))
            if stage is None:
                return None
            await conn.execute(
                update(_rooms)
                .where(*where)
                .values(last_activity_ms=now_ms, retention_stage=0, retention_close_ms=None)
            )
        return int(stage)

    async def advance_retention(
        self, room_id: str, from_stage: int, to_stage: int, close_ms: int
    ) -> bool:
        """Record a warning as sent; False if a message or another sweep got there first."""
        stmt = (
            update(_rooms)
            .where(
                _rooms.c.room_id == room_id,
                _rooms.c.state.in_(OPEN_ROOM_STATES),
                _rooms.c.retention_stage == from_stage,
            )
            .values(retention_stage=to_stage, retention_close_ms=close_ms)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def mark_purge_requested(self, room_id: str, now_ms: int) -> None:
        stmt = update(_rooms).where(_rooms.c.room_id == room_id).values(purge_requested_ms=now_ms)
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def close(self, room_id: str, now_ms: int, event: RoomEvent = RoomEvent.CLOSE) -> bool:
        """Close along ``event`` (refused or withdrawn consent, or a plain close); False if the
        room was not in a state that event leaves from, e.g. closed a moment ago."""
        stmt = (
            update(_rooms)
            .where(_rooms.c.room_id == room_id, _rooms.c.state.in_(room_sources(event)))
            .values(state=room_target(event), closed_ms=now_ms)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def waiting_created_by(self, user_id: str) -> list[Brukerrom]:
        """Rooms this person made that still wait for the bruker's code or consent."""
        stmt = select(_rooms).where(
            _rooms.c.creator_user_id == user_id,
            _rooms.c.state.in_(WAITING_ROOM_STATES),
        )
        async with self._db.engine.connect() as conn:
            return [_room(r) for r in await conn.execute(stmt)]

    async def hand_over(self, room_id: str, from_user: str, to_user: str) -> bool:
        """Make ``to_user`` the creator of a room still waiting for consent; False if the room
        has moved on (consent given, closed) or was handed over already."""
        stmt = (
            update(_rooms)
            .where(
                _rooms.c.room_id == room_id,
                _rooms.c.creator_user_id == from_user,
                _rooms.c.state.in_(room_sources(RoomEvent.HAND_OVER)),
            )
            .values(creator_user_id=to_user, state=room_target(RoomEvent.HAND_OVER))
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1


class ParticipantRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def approve(
        self,
        room_id: str,
        user_id: str,
        role: ParticipantRole,
        now_ms: int,
        proposed_by: str | None = None,
        proposed_ms: int | None = None,
        request_number: int | None = None,
    ) -> None:
        values = {
            "room_id": room_id,
            "user_id": user_id,
            "role": role,
            "status": participant_target(ParticipantEvent.ADMIT),
            "proposed_by": proposed_by,
            "proposed_ms": proposed_ms,
            "approved_ms": now_ms,
            "request_number": request_number,
            "ended_ms": None,
        }
        stmt = upsert_insert(self._db, _participants).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[_participants.c.room_id, _participants.c.user_id],
            set_={k: v for k, v in values.items() if k not in ("room_id", "user_id")},
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)

    async def end(self, room_id: str, user_id: str, event: ParticipantEvent, now_ms: int) -> bool:
        """End someone's approval (removed, left); True if they were approved until now."""
        stmt = (
            update(_participants)
            .where(
                _participants.c.room_id == room_id,
                _participants.c.user_id == user_id,
                _participants.c.status.in_(participant_sources(event)),
            )
            .values(status=participant_target(event), ended_ms=now_ms)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def end_everywhere(self, user_id: str, event: ParticipantEvent, now_ms: int) -> list[str]:
        """End someone's approval in every room at once; the rooms they were approved in."""
        stmt = (
            update(_participants)
            .where(
                _participants.c.user_id == user_id,
                _participants.c.status.in_(participant_sources(event)),
            )
            .values(status=participant_target(event), ended_ms=now_ms)
            .returning(_participants.c.room_id)
        )
        async with self._db.engine.begin() as conn:
            return [r.room_id for r in await conn.execute(stmt)]

    async def get(self, room_id: str, user_id: str) -> Participant | None:
        stmt = select(_participants).where(
            _participants.c.room_id == room_id, _participants.c.user_id == user_id
        )
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else _participant(row)

    async def is_approved(self, room_id: str, user_id: str) -> bool:
        p = await self.get(room_id, user_id)
        return p is not None and p.status == _APPROVED

    async def in_room(self, room_id: str, only_approved: bool = True) -> list[Participant]:
        stmt = select(_participants).where(_participants.c.room_id == room_id)
        if only_approved:
            stmt = stmt.where(_participants.c.status == _APPROVED)
        stmt = stmt.order_by(_participants.c.approved_ms)
        async with self._db.engine.connect() as conn:
            return [_participant(r) for r in await conn.execute(stmt)]

    async def rooms_of(self, user_id: str) -> list[str]:
        stmt = select(_participants.c.room_id).where(
            _participants.c.user_id == user_id, _participants.c.status == _APPROVED
        )
        async with self._db.engine.connect() as conn:
            return [r.room_id for r in await conn.execute(stmt)]


class RequestRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        room_id: str,
        candidate: str,
        requested_by: str,
        note_enc: bytes | None,
        now_ms: int,
        expires_ms: int,
    ) -> ParticipantRequest:
        """A new pending request, numbered 1, 2, 3 … within its room."""
        async with self._db.engine.begin() as conn:
            last = await conn.scalar(
                select(func.max(_requests.c.number)).where(_requests.c.room_id == room_id)
            )
            number = int(last or 0) + 1
            result = await conn.execute(
                _requests.insert().values(
                    room_id=room_id,
                    number=number,
                    candidate_user_id=candidate,
                    requested_by=requested_by,
                    note_enc=note_enc,
                    status=_PENDING,
                    created_ms=now_ms,
                    expires_ms=expires_ms,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            new_id = int(key[0])
            row = (await conn.execute(select(_requests).where(_requests.c.id == new_id))).one()
        return _request(row)

    async def get(self, room_id: str, number: int) -> ParticipantRequest | None:
        stmt = select(_requests).where(_requests.c.room_id == room_id, _requests.c.number == number)
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else _request(row)

    async def by_id(self, request_id: int) -> ParticipantRequest | None:
        async with self._db.engine.connect() as conn:
            row = (
                await conn.execute(select(_requests).where(_requests.c.id == request_id))
            ).first()
        return None if row is None else _request(row)

    async def pending(self, room_id: str | None = None) -> list[ParticipantRequest]:
        stmt = select(_requests).where(_requests.c.status == _PENDING).order_by(_requests.c.id)
        if room_id is not None:
            stmt = stmt.where(_requests.c.room_id == room_id)
        async with self._db.engine.connect() as conn:
            return [_request(r) for r in await conn.execute(stmt)]

    async def pending_for(self, room_id: str, candidate: str) -> ParticipantRequest | None:
        stmt = select(_requests).where(
            _requests.c.room_id == room_id,
            _requests.c.candidate_user_id == candidate,
            _requests.c.status == _PENDING,
        )
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(stmt)).first()
        return None if row is None else _request(row)

    async def decide(
        self, request_id: int, event: RequestEvent, by: str | None, now_ms: int
    ) -> bool:
        """Move a pending request to the outcome of ``event``; False if it was no longer
        pending."""
        stmt = (
            update(_requests)
            .where(_requests.c.id == request_id, _requests.c.status.in_(request_sources(event)))
            .values(status=request_target(event), decided_by=by, decided_ms=now_ms)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def mark_reminded(self, request_id: int, now_ms: int) -> bool:
        stmt = (
            update(_requests)
            .where(_requests.c.id == request_id, _requests.c.reminded_ms.is_(None))
            .values(reminded_ms=now_ms)
        )
        async with self._db.engine.begin() as conn:
            return (await conn.execute(stmt)).rowcount == 1

    async def set_prompt_event(self, request_id: int, event_id: str) -> None:
        stmt = (
            update(_requests).where(_requests.c.id == request_id).values(prompt_event_id=event_id)
        )
        async with self._db.engine.begin() as conn:
            await conn.execute(stmt)
