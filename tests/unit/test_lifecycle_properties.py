"""The brukerrom lifecycle (domain/lifecycle.py): whatever happens, in whatever order, nobody
gets in who was not let in, and what is over stays over.

A small model of one room drives the pure transition functions the way the services do: every
event asks the domain first and applies only what it allows. Hypothesis picks the events.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samsnakk_bot.domain import lifecycle
from samsnakk_bot.domain.lifecycle import (
    PARTICIPANT_TRANSITIONS,
    REQUEST_TRANSITIONS,
    ROOM_TRANSITIONS,
    IllegalTransition,
    ParticipantEvent,
    ParticipantRole,
    ParticipantStatus,
    RequestEvent,
    RequestStatus,
    RoomEvent,
    RoomState,
)
from samsnakk_bot.store import models

EXAMPLES = 1000
BRUKER, CREATOR = "@bruker", "@creator"
PEOPLE = ("@ada", "@bo", "@cato")
MIGRATION = Path(__file__).parents[2] / "samsnakk_bot/store/migrations/versions/0002_brukerrom.py"
ENDED = (RequestStatus.REJECTED, RequestStatus.EXPIRED, RequestStatus.CANCELLED)


@dataclass
class Request:
    candidate: str
    status: RequestStatus = RequestStatus.PENDING
    history: list[RequestStatus] = field(default_factory=lambda: [RequestStatus.PENDING])


@dataclass
class Room:
    """One room as the services keep it, moved only through the domain's functions."""

    state: RoomState
    bruker_known: bool
    consented: bool = False
    closed_once: bool = False
    members: dict[str, tuple[ParticipantRole, ParticipantStatus]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    seen_states: list[RoomState] = field(default_factory=list)

    def admit(self, user: str, role: ParticipantRole) -> None:
        before = self.members.get(user, (role, None))[1]
        self.members[user] = (role, lifecycle.admit(before))

    def end(self, user: str, event: ParticipantEvent) -> None:
        role, status = self.members.get(user, (ParticipantRole.DELTAKER, None))
        self.members[user] = (role, lifecycle.participant_after(status, event))


def _room_step(room: Room, event: RoomEvent) -> None:
    after = lifecycle.room_after(room.state, event)
    assert ROOM_TRANSITIONS[(room.state, event)] == after
    room.state = after
    if event is RoomEvent.BRUKER_ARRIVES:
        room.bruker_known = True
        room.admit(BRUKER, ParticipantRole.BRUKER)
    elif event is RoomEvent.CONSENT:
        room.consented = True
        room.admit(CREATOR, ParticipantRole.CREATOR)
    if after is RoomState.CLOSED:
        # What BrukerromService.close does: everyone out, every pending request withdrawn.
        room.closed_once = True
        for user, (_, status) in list(room.members.items()):
            if status is ParticipantStatus.APPROVED:
                room.end(user, ParticipantEvent.REMOVE)
        for request in room.requests:
            if lifecycle.is_pending(request.status):
                _decide(request, lifecycle.withdraw(request.status))


def _decide(request: Request, after: RequestStatus) -> None:
    request.status = after
    request.history.append(after)


def _request_step(room: Room, index: int, event: RequestEvent) -> None:
    if not room.requests:
        return
    request = room.requests[index % len(room.requests)]
    if event is RequestEvent.APPROVE:
        after = lifecycle.approve(room.state, request.status)
        _decide(request, after)
        room.admit(request.candidate, ParticipantRole.DELTAKER)
        return
    after = lifecycle.request_after(request.status, event)
    assert REQUEST_TRANSITIONS[(request.status, event)] == after
    _decide(request, after)


def _apply(room: Room, step: tuple[str, object, int]) -> None:
    kind, event, n = step
    try:
        if kind == "room":
            assert isinstance(event, RoomEvent)
            _room_step(room, event)
        elif kind == "ask":
            # «!legg-til»: only in an open room, one pending request per candidate.
            candidate = PEOPLE[n % len(PEOPLE)]
            pending = [
                r for r in room.requests if r.candidate == candidate and r.status == "pending"
            ]
            if lifecycle.is_open(room.state) and not pending:
                room.requests.append(Request(candidate))
        elif kind == "request":
            assert isinstance(event, RequestEvent)
            _request_step(room, n, event)
        else:
            assert isinstance(event, ParticipantEvent)
            room.end((BRUKER, CREATOR, *PEOPLE)[n % 5], event)
    except IllegalTransition:
        pass
    room.seen_states.append(room.state)


STEPS = st.one_of(
    st.tuples(st.just("room"), st.sampled_from(RoomEvent), st.just(0)),
    st.tuples(st.just("ask"), st.none(), st.integers(0, 2)),
    st.tuples(st.just("request"), st.sampled_from(RequestEvent), st.integers(0, 5)),
    st.tuples(
        st.just("member"),
        st.sampled_from([e for e in ParticipantEvent if e is not ParticipantEvent.ADMIT]),
        st.integers(0, 4),
    ),
)


def _new_room(has_bruker: bool) -> Room:
    room = Room(lifecycle.state_at_creation(has_bruker), has_bruker)
    if has_bruker:
        room.admit(BRUKER, ParticipantRole.BRUKER)
    return room


@settings(max_examples=EXAMPLES)
@given(st.booleans(), st.lists(STEPS, max_size=40))
def test_nobody_is_approved_who_was_not_let_in(has_bruker: bool, steps: list[object]) -> None:
    room = _new_room(has_bruker)
    for step in steps:
        _apply(room, step)  # type: ignore[arg-type]
        for user, (role, status) in room.members.items():
            if status is not ParticipantStatus.APPROVED:
                continue
            if role is ParticipantRole.DELTAKER:
                # A deltaker needs a request the bruker approved, in a room they consented to.
                assert any(
                    r.candidate == user and r.status is RequestStatus.APPROVED
                    for r in room.requests
                )
                assert room.consented
            elif role is ParticipantRole.CREATOR:
                assert room.consented
            else:
                assert room.bruker_known
        if room.state is RoomState.CLOSED:
            assert all(s is not ParticipantStatus.APPROVED for _, s in room.members.values())


@settings(max_examples=EXAMPLES)
@given(st.booleans(), st.lists(STEPS, max_size=40))
def test_a_closed_room_never_reopens(has_bruker: bool, steps: list[object]) -> None:
    room = _new_room(has_bruker)
    for step in steps:
        _apply(room, step)  # type: ignore[arg-type]
    states = room.seen_states
    if RoomState.CLOSED in states:
        assert set(states[states.index(RoomState.CLOSED) :]) == {RoomState.CLOSED}


@settings(max_examples=EXAMPLES)
@given(st.booleans(), st.lists(STEPS, max_size=40))
def test_an_ended_request_is_never_approved(has_bruker: bool, steps: list[object]) -> None:
    room = _new_room(has_bruker)
    for step in steps:
        _apply(room, step)  # type: ignore[arg-type]
    for request in room.requests:
        # Decided once, and never again: the history is PENDING then at most one outcome.
        assert request.history[0] is RequestStatus.PENDING
        assert len(request.history) <= 2
        if any(s in ENDED for s in request.history):
            assert RequestStatus.APPROVED not in request.history


@given(st.sampled_from(RoomState), st.sampled_from(RoomEvent))
def test_every_room_move_allowed_is_in_the_table(state: RoomState, event: RoomEvent) -> None:
    try:
        after = lifecycle.room_after(state, event)
    except IllegalTransition as illegal:
        assert (state, event) not in ROOM_TRANSITIONS
        assert (illegal.state, illegal.event) == (state, event)
    else:
        assert ROOM_TRANSITIONS[(state, event)] == after


@given(st.sampled_from(RoomState), st.sampled_from(RequestStatus), st.sampled_from(RequestEvent))
def test_every_request_move_allowed_is_in_the_table(
    room: RoomState, status: RequestStatus, event: RequestEvent
) -> None:
    try:
        after = (
            lifecycle.approve(room, status)
            if event is RequestEvent.APPROVE
            else lifecycle.request_after(status, event)
        )
    except IllegalTransition:
        assert (status, event) not in REQUEST_TRANSITIONS or (
            event is RequestEvent.APPROVE and not lifecycle.takes_decisions(room)
        )
    else:
        assert REQUEST_TRANSITIONS[(status, event)] == after


def test_every_participant_move_allowed_is_in_the_table() -> None:
    for status, event in itertools.product([None, *ParticipantStatus], ParticipantEvent):
        try:
            after = lifecycle.participant_after(status, event)
        except IllegalTransition:
            assert (status, event) not in PARTICIPANT_TRANSITIONS
        else:
            assert PARTICIPANT_TRANSITIONS[(status, event)] == after


def test_closed_is_the_only_end_and_nothing_leaves_it() -> None:
    assert not [e for (s, e) in ROOM_TRANSITIONS if s is RoomState.CLOSED]
    assert not [e for (s, e) in REQUEST_TRANSITIONS if s is not RequestStatus.PENDING]
    for event in (RoomEvent.REFUSE_CONSENT, RoomEvent.WITHDRAW_CONSENT, RoomEvent.CLOSE):
        assert lifecycle.room_target(event) is RoomState.CLOSED


def test_the_store_guards_use_the_domain_edges() -> None:
    assert lifecycle.room_sources(RoomEvent.CONSENT) == (RoomState.AWAITING_CONSENT,)
    assert lifecycle.room_sources(RoomEvent.BRUKER_ARRIVES) == (RoomState.AWAITING_BRUKER,)
    assert RoomState.CLOSED not in lifecycle.room_sources(RoomEvent.CLOSE)
    for event in RequestEvent:
        assert lifecycle.request_sources(event) == (RequestStatus.PENDING,)


@pytest.mark.parametrize(
    ("enum", "model_values", "column", "nth"),
    [
        (RoomState, models.BRUKERROM_STATES, "state", 0),
        (ParticipantRole, models.PARTICIPANT_ROLES, "role", 0),
        (ParticipantStatus, models.PARTICIPANT_STATUSES, "status", 0),
        (RequestStatus, models.REQUEST_STATUSES, "status", 1),
    ],
)
def test_database_strings_are_the_enum_values(
    enum: type[RoomState], model_values: tuple[str, ...], column: str, nth: int
) -> None:
    """No migration follows from the enums: they are the strings the released CHECKs list."""
    values = tuple(e.value for e in enum)
    assert model_values == values
    checks = re.findall(rf'"{column} IN \(([^)]*)\)"', MIGRATION.read_text())
    in_migration = tuple(v.strip().strip("'") for v in checks[nth].split(","))
    assert in_migration == values
