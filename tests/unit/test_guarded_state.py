"""Issue 12: the pure rules for guarded state, tombstones, admins and history."""

from __future__ import annotations

import pytest

from samsnakk_bot.domain.access import (
    ADMIN_ROOM,
    REFUSED,
    AccessDecision,
    RoomAccess,
    decide_bot_state,
    decide_invite,
    decide_join,
)
from samsnakk_bot.domain.admins import org_admins
from samsnakk_bot.domain.brukerrom import power_levels
from samsnakk_bot.domain.guarded_state import (
    GUARDED_TYPES,
    Tombstone,
    as_set,
    classify_tombstone,
    expected_state,
    predecessor_of,
    successor_of,
)
from samsnakk_bot.domain.history import sees_agenda_item, sees_meeting

BOT = "@samsnakk:test"
ADMIN = "@admin:test"
OTHER = "@other:test"
OPEN = RoomAccess(True, False, frozenset({OTHER}), BOT)
CLOSED = RoomAccess(True, True, frozenset(), BOT)
ADMINS = RoomAccess(True, False, frozenset({ADMIN}), BOT, kind=ADMIN_ROOM)
REFUSED_ROOM = RoomAccess(True, True, frozenset(), BOT, kind=REFUSED)


def test_every_guarded_type_has_an_expected_value_that_is_as_set() -> None:
    expected = expected_state("joined")
    assert set(expected) == GUARDED_TYPES
    for event_type, content in expected.items():
        assert as_set(event_type, content, "joined")


@pytest.mark.parametrize(
    ("event_type", "content"),
    [
        ("m.room.history_visibility", {"history_visibility": "world_readable"}),
        ("m.room.history_visibility", {"history_visibility": "shared"}),
        ("m.room.guest_access", {"guest_access": "can_join"}),
        ("m.room.join_rules", {"join_rule": "knock"}),
        ("m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2", "rotation_period_ms": 1}),
        ("m.room.server_acl", {"allow": ["*"], "deny": ["kommune.example"]}),
        ("m.room.power_levels", {**power_levels(), "users": {OTHER: 50}}),
        ("m.room.power_levels", {**power_levels(), "events_default": 100}),
    ],
)
def test_foreign_values_are_not_as_set(event_type: str, content: dict[str, object]) -> None:
    assert not as_set(event_type, content, "joined")


def test_power_levels_compare_on_our_keys_only() -> None:
    assert as_set("m.room.power_levels", {**power_levels(), "historical": 100}, "joined")
    assert as_set("m.room.name", {"name": "anything"}, "joined")  # not guarded


def test_tombstone_is_ours_only_when_closing_or_upgrading() -> None:
    assert classify_tombstone({"replacement_room": ""}, True, False) is Tombstone.OURS
    assert classify_tombstone({"replacement_room": "!x:t"}, True, False) is Tombstone.FOREIGN
    assert classify_tombstone({"replacement_room": ""}, False, False) is Tombstone.FOREIGN
    assert classify_tombstone({"replacement_room": "!x:t"}, False, True) is Tombstone.OURS


def test_successor_and_predecessor_are_read_defensively() -> None:
    assert successor_of("m.room.tombstone", {"replacement_room": "!x:t"}) == "!x:t"
    assert successor_of("m.room.tombstone", {"replacement_room": 3}) is None
    assert successor_of("m.room.name", {"replacement_room": "!x:t"}) is None
    assert predecessor_of("m.room.create", {"predecessor": {"room_id": "!p:t"}}) == "!p:t"
    assert predecessor_of("m.room.create", {"predecessor": "!p:t"}) is None
    assert predecessor_of("m.room.create", {}) is None


def test_bot_state_decisions() -> None:
    hv = "m.room.history_visibility"
    assert decide_bot_state(OPEN, hv, {"history_visibility": "joined"}, False).allowed
    assert decide_bot_state(OPEN, hv, {"history_visibility": "shared"}, False) == AccessDecision(
        False, "state_not_as_set"
    )
    assert decide_bot_state(OPEN, hv, {"history_visibility": "shared"}, True).allowed
    tomb = "m.room.tombstone"
    assert decide_bot_state(CLOSED, tomb, {"replacement_room": ""}, False).allowed
    assert not decide_bot_state(OPEN, tomb, {"replacement_room": ""}, False).allowed


def test_admin_rooms_admit_current_admins_only_and_only_by_the_bot() -> None:
    assert decide_join(ADMINS, ADMIN).allowed
    assert decide_join(ADMINS, OTHER) == AccessDecision(False, "not_current_admin")
    assert decide_invite(ADMINS, BOT, ADMIN, False).allowed
    assert decide_invite(ADMINS, BOT, OTHER, False) == AccessDecision(False, "not_current_admin")
    assert decide_invite(ADMINS, ADMIN, ADMIN, False) == AccessDecision(False, "inviter_not_bot")


def test_refused_rooms_admit_nobody_not_even_the_bot() -> None:
    for user in (BOT, OTHER):
        assert decide_join(REFUSED_ROOM, user) == AccessDecision(False, "room_refused")
    assert decide_invite(REFUSED_ROOM, BOT, OTHER, False) == AccessDecision(False, "room_refused")


def test_org_admins_are_listed_or_registered_for_that_organisation() -> None:
    by_role = [("@a:t", "Askøy kommune"), ("@b:t", "askoy-kommune"), ("@c:t", "NAV Askøy")]
    admins = org_admins(["@listed:t"], ("Askøy kommune", "askoy-kommune"), by_role)
    assert admins == {"@listed:t", "@a:t", "@b:t"}


@pytest.mark.parametrize(
    ("created", "avoid", "author", "in_meeting", "seen"),
    [
        (50, False, "@per:t", False, False),  # before approval
        (50, True, "@per:t", True, False),  # before approval, even in the meeting
        (150, False, "@per:t", False, True),
        (150, True, "@per:t", False, False),  # «ikke»: meeting participants only
        (150, True, "@per:t", True, True),
        (50, False, "@vera:t", False, True),  # one's own items
    ],
)
def test_agenda_items_follow_approval_and_meeting(
    created: int, avoid: bool, author: str, in_meeting: bool, seen: bool
) -> None:
    assert sees_agenda_item(created, avoid, author, "@vera:t", 100, in_meeting) is seen


def test_meetings_from_before_approval_only_if_added_to_them() -> None:
    assert not sees_meeting(50, 100, False)
    assert sees_meeting(50, 100, True)
    assert sees_meeting(150, 100, False)
