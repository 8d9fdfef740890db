"""The brukerrom lifecycle: the states of a room, a participant and a request, and the only
moves between them. Pure.

The enum values are the strings stored in the database (the CHECK constraints in
``store/models.py`` list exactly these), so no migration follows from this module. The store
keeps its conditional UPDATEs as the race guard, but takes their from- and to-states from the
tables here (:func:`room_sources`, :func:`room_target` and friends): a state can only be
written along an edge listed below.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar


class RoomState(StrEnum):
    AWAITING_BRUKER = "awaiting_bruker"  # made with a code; nobody has redeemed it yet
    AWAITING_CONSENT = "awaiting_consent"  # the bruker is in, the creator waits outside
    ACTIVE = "active"
    CLOSED = "closed"  # for good: archived, everyone but the bot removed


class RoomEvent(StrEnum):
    BRUKER_ARRIVES = "bruker_arrives"  # the onboarding code was redeemed
    CONSENT = "consent"
    REFUSE_CONSENT = "refuse_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
    HAND_OVER = "hand_over"  # the creator was offboarded before consent; another takes over
    CLOSE = "close"  # retention, an admin, or a creator who is gone


class ParticipantRole(StrEnum):
    BRUKER = "bruker"
    CREATOR = "creator"
    DELTAKER = "deltaker"


class ParticipantStatus(StrEnum):
    APPROVED = "approved"
    REMOVED = "removed"
    LEFT = "left"


class ParticipantEvent(StrEnum):
    ADMIT = "admit"  # only after the step that allows it: creation, code, consent, approval
    REMOVE = "remove"
    LEAVE = "leave"
    OFFBOARD = "offboard"


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class RequestEvent(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"  # the room closed, or the requester or candidate was offboarded


State = RoomState | ParticipantStatus | RequestStatus | None
Event = RoomEvent | ParticipantEvent | RequestEvent


class IllegalTransition(Exception):
    """``event`` is not allowed from ``state``; the edge turns it into a Norwegian answer."""

    def __init__(self, state: State, event: Event) -> None:
        self.state = state
        self.event = event
        super().__init__(f"{event} is not allowed from {state}")


_R = RoomState
_OPEN_ROOM = (_R.AWAITING_BRUKER, _R.AWAITING_CONSENT, _R.ACTIVE)

ROOM_TRANSITIONS: Mapping[tuple[RoomState, RoomEvent], RoomState] = {
    (_R.AWAITING_BRUKER, RoomEvent.BRUKER_ARRIVES): _R.AWAITING_CONSENT,
    (_R.AWAITING_CONSENT, RoomEvent.CONSENT): _R.ACTIVE,
    (_R.AWAITING_CONSENT, RoomEvent.REFUSE_CONSENT): _R.CLOSED,
    (_R.AWAITING_CONSENT, RoomEvent.HAND_OVER): _R.AWAITING_CONSENT,
    **{(s, RoomEvent.WITHDRAW_CONSENT): _R.CLOSED for s in _OPEN_ROOM},
    **{(s, RoomEvent.CLOSE): _R.CLOSED for s in _OPEN_ROOM},
}

_P = ParticipantStatus
PARTICIPANT_TRANSITIONS: Mapping[tuple[ParticipantStatus | None, ParticipantEvent], _P] = {
    # None: no row yet. Admitting again after a removal needs a new request or consent.
    **{(s, ParticipantEvent.ADMIT): _P.APPROVED for s in (None, _P.APPROVED, _P.REMOVED, _P.LEFT)},
    (_P.APPROVED, ParticipantEvent.REMOVE): _P.REMOVED,
    (_P.APPROVED, ParticipantEvent.LEAVE): _P.LEFT,
    (_P.APPROVED, ParticipantEvent.OFFBOARD): _P.REMOVED,
}

_Q = RequestStatus
REQUEST_TRANSITIONS: Mapping[tuple[RequestStatus, RequestEvent], RequestStatus] = {
    (_Q.PENDING, RequestEvent.APPROVE): _Q.APPROVED,
    (_Q.PENDING, RequestEvent.REFUSE): _Q.REJECTED,
    (_Q.PENDING, RequestEvent.EXPIRE): _Q.EXPIRED,
    (_Q.PENDING, RequestEvent.WITHDRAW): _Q.CANCELLED,
}

# What the room must be for a request to be decided: the bruker approves only once they have
# consented; refusing, expiring and withdrawing are always allowed while the request is pending.
_APPROVING_ROOMS = (_R.ACTIVE,)

OPEN_ROOM_STATES: tuple[RoomState, ...] = _OPEN_ROOM
WAITING_ROOM_STATES: tuple[RoomState, ...] = (_R.AWAITING_BRUKER, _R.AWAITING_CONSENT)
# Open rooms that have their bruker: the people in them are told about identity changes.
ROOMS_WITH_BRUKER: tuple[RoomState, ...] = (_R.AWAITING_CONSENT, _R.ACTIVE)

S = TypeVar("S", RoomState, ParticipantStatus | None, RequestStatus)
E = TypeVar("E", RoomEvent, ParticipantEvent, RequestEvent)


def _step(table: Mapping[tuple[S, E], S], state: S, event: E) -> S:
    after = table.get((state, event))
    if after is None:
        raise IllegalTransition(state, event)
    return after


def _sources(table: Mapping[tuple[S, E], S], event: E) -> tuple[S, ...]:
    return tuple(s for (s, e) in table if e == event)


def _target(table: Mapping[tuple[S, E], S], event: E) -> S:
    targets = {after for (_, e), after in table.items() if e == event}
    assert len(targets) == 1, f"{event} has more than one outcome"
    return targets.pop()


# -- rooms -------------------------------------------------------------------------------


def room_after(state: RoomState, event: RoomEvent) -> RoomState:
    return _step(ROOM_TRANSITIONS, state, event)


def room_sources(event: RoomEvent) -> tuple[RoomState, ...]:
    """The states ``event`` may start from: the WHERE of the store's conditional UPDATE."""
    return _sources(ROOM_TRANSITIONS, event)


def room_target(event: RoomEvent) -> RoomState:
    return _target(ROOM_TRANSITIONS, event)


def is_open(state: RoomState) -> bool:
    return state != RoomState.CLOSED


def takes_decisions(state: RoomState) -> bool:
    """The bruker has consented: requests are put to them and may be approved."""
    return state in _APPROVING_ROOMS


def state_at_creation(has_bruker: bool) -> RoomState:
    """A room made for a known bruker waits for their consent; one made with a code, for them."""
    return RoomState.AWAITING_CONSENT if has_bruker else RoomState.AWAITING_BRUKER


def redeem_code(state: RoomState) -> RoomState:
    return room_after(state, RoomEvent.BRUKER_ARRIVES)


def consent(state: RoomState) -> RoomState:
    return room_after(state, RoomEvent.CONSENT)


def refuse_consent(state: RoomState) -> RoomState:
    return room_after(state, RoomEvent.REFUSE_CONSENT)


def withdraw_consent(state: RoomState) -> RoomState:
    return room_after(state, RoomEvent.WITHDRAW_CONSENT)


def hand_over(state: RoomState) -> RoomState:
    return room_after(state, RoomEvent.HAND_OVER)


def close(state: RoomState) -> RoomState:
    return room_after(state, RoomEvent.CLOSE)


# -- participants ------------------------------------------------------------------------


def participant_after(status: ParticipantStatus | None, event: ParticipantEvent) -> _P:
    after = _step(PARTICIPANT_TRANSITIONS, status, event)
    assert after is not None  # no edge leads back to "no row"
    return after


def participant_sources(event: ParticipantEvent) -> tuple[ParticipantStatus | None, ...]:
    return _sources(PARTICIPANT_TRANSITIONS, event)


def participant_target(event: ParticipantEvent) -> ParticipantStatus:
    after = _target(PARTICIPANT_TRANSITIONS, event)
    assert after is not None
    return after


def admit(status: ParticipantStatus | None) -> ParticipantStatus:
    return participant_after(status, ParticipantEvent.ADMIT)


def remove(status: ParticipantStatus | None) -> ParticipantStatus:
    return participant_after(status, ParticipantEvent.REMOVE)


def leave(status: ParticipantStatus | None) -> ParticipantStatus:
    return participant_after(status, ParticipantEvent.LEAVE)


def offboard(status: ParticipantStatus | None) -> ParticipantStatus:
    return participant_after(status, ParticipantEvent.OFFBOARD)


# -- requests ----------------------------------------------------------------------------


def request_after(status: RequestStatus, event: RequestEvent) -> RequestStatus:
    return _step(REQUEST_TRANSITIONS, status, event)


def request_sources(event: RequestEvent) -> tuple[RequestStatus, ...]:
    return _sources(REQUEST_TRANSITIONS, event)


def request_target(event: RequestEvent) -> RequestStatus:
    return _target(REQUEST_TRANSITIONS, event)


def is_pending(status: RequestStatus) -> bool:
    return status == RequestStatus.PENDING


def approve(room: RoomState, status: RequestStatus) -> RequestStatus:
    """The bruker says yes; only in a room they have consented to."""
    if room not in _APPROVING_ROOMS:
        raise IllegalTransition(room, RequestEvent.APPROVE)
    return request_after(status, RequestEvent.APPROVE)


def refuse(status: RequestStatus) -> RequestStatus:
    return request_after(status, RequestEvent.REFUSE)


def expire(status: RequestStatus) -> RequestStatus:
    return request_after(status, RequestEvent.EXPIRE)


def withdraw(status: RequestStatus) -> RequestStatus:
    return request_after(status, RequestEvent.WITHDRAW)
