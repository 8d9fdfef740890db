"""Who may invite and who may join a brukerrom: every branch of the pure decisions."""

from __future__ import annotations

import pytest

from samsnakk_bot.domain.access import (
    AccessDecision,
    RoomAccess,
    decide_federated_invite,
    decide_invite,
    decide_join,
    decide_remote_membership,
)

BOT = "@samsnakk:test"
BRUKER = "@bruker:test"
ANSATT = "@ansatt:test"
STRANGER = "@fremmed:test"
ADMIN = "@admin:test"
REMOTE = "@someone:elsewhere"

OPEN = RoomAccess(is_brukerrom=True, closed=False, approved=frozenset({BRUKER, ANSATT}), bot=BOT)
CLOSED = RoomAccess(is_brukerrom=True, closed=True, approved=frozenset({BRUKER, ANSATT}), bot=BOT)
NOT_MANAGED = RoomAccess(is_brukerrom=False, closed=False, approved=frozenset(), bot=BOT)


def allow(reason: str) -> AccessDecision:
    return AccessDecision(True, reason)


def refuse(reason: str) -> AccessDecision:
    return AccessDecision(False, reason)


@pytest.mark.parametrize(
    ("access", "inviter", "invitee", "expected", "decision"),
    [
        pytest.param(None, ANSATT, STRANGER, False, allow("not_brukerrom"), id="unknown-room"),
        pytest.param(None, BOT, BRUKER, True, allow("expected_invite"), id="createroom-expected"),
        pytest.param(
            None, BOT, BRUKER, False, allow("bot_invites_unrecorded_room"), id="bot-unannounced"
        ),
        pytest.param(None, ANSATT, BRUKER, True, allow("not_brukerrom"), id="expected-not-bot"),
        pytest.param(NOT_MANAGED, ANSATT, STRANGER, False, allow("not_brukerrom"), id="dm-room"),
        pytest.param(OPEN, BOT, ANSATT, False, allow("bot_invites_approved"), id="bot-approved"),
        pytest.param(OPEN, BOT, BRUKER, True, allow("bot_invites_approved"), id="bot-bruker"),
        pytest.param(OPEN, BOT, STRANGER, False, refuse("invitee_not_approved"), id="bot-stranger"),
        pytest.param(OPEN, BOT, STRANGER, True, refuse("invitee_not_approved"), id="expected-only"),
        pytest.param(OPEN, ANSATT, STRANGER, False, refuse("inviter_not_bot"), id="ansatt-invites"),
        pytest.param(OPEN, ANSATT, BRUKER, False, refuse("inviter_not_bot"), id="ansatt-approved"),
        pytest.param(OPEN, BRUKER, ANSATT, False, refuse("inviter_not_bot"), id="bruker-invites"),
        pytest.param(OPEN, ADMIN, STRANGER, False, refuse("inviter_not_bot"), id="admin-invites"),
        pytest.param(CLOSED, BOT, ANSATT, False, refuse("room_closed"), id="closed-bot"),
        pytest.param(CLOSED, ANSATT, BRUKER, False, refuse("inviter_not_bot"), id="closed-ansatt"),
    ],
)
def test_decide_invite(
    access: RoomAccess | None, inviter: str, invitee: str, expected: bool, decision: AccessDecision
) -> None:
    assert decide_invite(access, inviter, invitee, expected, bot=BOT) == decision


def test_invite_into_unknown_room_without_bot_id_is_allowed_as_not_brukerrom() -> None:
    assert decide_invite(None, BOT, BRUKER, True) == allow("not_brukerrom")


@pytest.mark.parametrize(
    ("access", "user", "decision"),
    [
        pytest.param(None, STRANGER, allow("not_brukerrom"), id="unknown-room"),
        pytest.param(NOT_MANAGED, STRANGER, allow("not_brukerrom"), id="dm-room"),
        pytest.param(OPEN, BOT, allow("bot"), id="bot"),
        pytest.param(CLOSED, BOT, allow("bot"), id="bot-closed"),
        pytest.param(OPEN, BRUKER, allow("approved"), id="bruker"),
        pytest.param(OPEN, ANSATT, allow("approved"), id="approved-ansatt"),
        pytest.param(OPEN, STRANGER, refuse("joiner_not_approved"), id="stranger"),
        pytest.param(OPEN, ADMIN, refuse("joiner_not_approved"), id="admin-forced-join"),
        pytest.param(CLOSED, BRUKER, refuse("room_closed"), id="closed-bruker"),
        pytest.param(CLOSED, STRANGER, refuse("room_closed"), id="closed-stranger"),
    ],
)
def test_decide_join(access: RoomAccess | None, user: str, decision: AccessDecision) -> None:
    assert decide_join(access, user) == decision


@pytest.mark.parametrize(
    ("access", "sender", "invitee", "decision"),
    [
        pytest.param(None, REMOTE, BRUKER, allow("not_brukerrom"), id="unknown-room"),
        pytest.param(NOT_MANAGED, REMOTE, BRUKER, allow("not_brukerrom"), id="dm-room"),
        pytest.param(OPEN, REMOTE, BRUKER, refuse("inviter_not_bot"), id="remote-sender"),
        pytest.param(OPEN, ANSATT, STRANGER, refuse("inviter_not_bot"), id="local-not-bot"),
        pytest.param(OPEN, BOT, STRANGER, refuse("invitee_not_approved"), id="bot-stranger"),
        pytest.param(OPEN, BOT, ANSATT, allow("bot_invites_approved"), id="bot-approved"),
        pytest.param(CLOSED, BOT, ANSATT, refuse("room_closed"), id="closed"),
    ],
)
def test_decide_federated_invite(
    access: RoomAccess | None, sender: str, invitee: str, decision: AccessDecision
) -> None:
    assert decide_federated_invite(access, sender, invitee) == decision


REMOTE_STAFF = "@kari:kommune.example.no"
WITH_REMOTE = RoomAccess(
    is_brukerrom=True, closed=False, approved=frozenset({BRUKER, REMOTE_STAFF}), bot=BOT
)


@pytest.mark.parametrize(
    ("access", "sender", "target", "membership", "decision"),
    [
        pytest.param(WITH_REMOTE, REMOTE_STAFF, REMOTE_STAFF, "join", allow("approved"), id="join"),
        pytest.param(
            OPEN, REMOTE, REMOTE, "join", refuse("joiner_not_approved"), id="unapproved-join"
        ),
        pytest.param(CLOSED, REMOTE, REMOTE, "join", refuse("room_closed"), id="join-closed-room"),
        pytest.param(OPEN, REMOTE, REMOTE, "leave", allow("leaving"), id="leave-unapproved"),
        pytest.param(CLOSED, REMOTE, REMOTE, "leave", allow("leaving"), id="leave-closed-room"),
        pytest.param(
            WITH_REMOTE, REMOTE_STAFF, STRANGER, "invite", refuse("inviter_not_bot"), id="invite"
        ),
        pytest.param(WITH_REMOTE, REMOTE_STAFF, BRUKER, "leave", None, id="kick-is-state"),
        pytest.param(WITH_REMOTE, REMOTE_STAFF, BRUKER, "ban", None, id="ban-is-state"),
        pytest.param(OPEN, REMOTE, REMOTE, "knock", None, id="knock-is-state"),
    ],
)
def test_decide_remote_membership(
    access: RoomAccess, sender: str, target: str, membership: str, decision: AccessDecision | None
) -> None:
    assert decide_remote_membership(access, sender, target, membership) == decision
