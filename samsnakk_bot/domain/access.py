"""Who may invite whom into a brukerrom, and who may join it. Pure: no I/O, no clock.

Synapse asks these questions through synapse-http-antispam before an invite or a join takes
effect. The answers come from *our* approval records only, never from Synapse's own view of the
room (``is_invited``), so that an invite by a server admin, a join through the admin API or an
alias join still meets the bruker's approval.

Reason codes are English identifiers: they go to the audit log and the metrics, and the HTTP
edge maps refusals to Norwegian texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from samsnakk_bot.domain.guarded_state import TOMBSTONE, Tombstone, as_set, classify_tombstone

# Allowed.
NOT_BRUKERROM = "not_brukerrom"
EXPECTED_INVITE = "expected_invite"
BOT_INVITES_UNRECORDED = "bot_invites_unrecorded_room"
BOT_INVITES_APPROVED = "bot_invites_approved"
BOT = "bot"
APPROVED = "approved"
# Refused.
INVITER_NOT_BOT = "inviter_not_bot"
INVITEE_NOT_APPROVED = "invitee_not_approved"
ROOM_CLOSED = "room_closed"
JOINER_NOT_APPROVED = "joiner_not_approved"
ROOM_REFUSED = "room_refused"
NOT_CURRENT_ADMIN = "not_current_admin"
STATE_NOT_AS_SET = "state_not_as_set"
TOMBSTONE_NOT_OURS = "tombstone_not_ours"

# What kind of guarded room a snapshot describes.
BRUKERROM = "brukerrom"
ADMIN_ROOM = "admin"
REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class RoomAccess:
    """Everything the checks need to know about one room, read in one go.

    ``is_brukerrom`` means "guarded": a brukerrom, an admin room (``approved`` is then its
    organisation's current admins) or a refused successor room (nobody may enter).
    """

    is_brukerrom: bool
    closed: bool
    approved: frozenset[str]
    bot: str
    kind: str = BRUKERROM
    history_visibility: str = "joined"


@dataclass(frozen=True, slots=True)
class AccessDecision:
    allowed: bool
    reason: str


def _allow(reason: str) -> AccessDecision:
    return AccessDecision(True, reason)


def _refuse(reason: str) -> AccessDecision:
    return AccessDecision(False, reason)


def _bot_invites_approved(access: RoomAccess, inviter: str, invitee: str) -> AccessDecision:
    if inviter != access.bot:
        return _refuse(INVITER_NOT_BOT)
    if access.kind == REFUSED:
        return _refuse(ROOM_REFUSED)
    if access.closed:
        return _refuse(ROOM_CLOSED)
    if invitee not in access.approved:
        return _refuse(NOT_CURRENT_ADMIN if access.kind == ADMIN_ROOM else INVITEE_NOT_APPROVED)
    return _allow(BOT_INVITES_APPROVED)


def decide_invite(
    access: RoomAccess | None,
    inviter: str,
    invitee: str,
    expected: bool,
    *,
    bot: str | None = None,
) -> AccessDecision:
    """May ``inviter`` invite ``invitee``?

    ``access is None`` is a room we do not manage, which includes a brukerrom the bot is creating
    right now: Synapse checks the invites in ``createRoom`` before we have recorded the room.
    Such invites are allowed, because the bot invites only from its own approval logic, but the
    reason tells an invite the room service announced (``expected``) from one it did not.
    ``bot`` is the bot's user ID, needed for that only when ``access`` is None.
    """
    if access is None or not access.is_brukerrom:
        bot_id = bot if access is None else access.bot
        if inviter == bot_id:
            return _allow(EXPECTED_INVITE if expected else BOT_INVITES_UNRECORDED)
        return _allow(NOT_BRUKERROM)
    return _bot_invites_approved(access, inviter, invitee)


def decide_join(access: RoomAccess | None, user: str) -> AccessDecision:
    """May ``user`` join? Consulted for every join, including forced and admin joins."""
    if access is None or not access.is_brukerrom:
        return _allow(NOT_BRUKERROM)
    if access.kind == REFUSED:
        return _refuse(ROOM_REFUSED)  # not even the bot follows a foreign upgrade
    if user == access.bot:
        return _allow(BOT)
    if access.closed:
        return _refuse(ROOM_CLOSED)
    if user in access.approved:
        return _allow(APPROVED)
    return _refuse(NOT_CURRENT_ADMIN if access.kind == ADMIN_ROOM else JOINER_NOT_APPROVED)


def decide_federated_invite(access: RoomAccess | None, sender: str, invitee: str) -> AccessDecision:
    """An invite arriving over federation: into a brukerrom only from our bot, of approved people.

    Our bot is local, so in practice every federated invite into a brukerrom is refused.
    """
    if access is None or not access.is_brukerrom:
        return _allow(NOT_BRUKERROM)
    return _bot_invites_approved(access, sender, invitee)


LEAVING = "leaving"


def decide_remote_membership(
    access: RoomAccess, sender: str, target: str, membership: str
) -> AccessDecision | None:
    """A membership event from another server, as ``check_event_for_spam`` sees it.

    Synapse asks that check about events that arrive over federation, membership included;
    local membership goes to ``user_may_invite`` / ``user_may_join_room`` instead, and a remote
    joiner never reaches those. So here a remote user's own join must be approved (a refusal
    soft-fails the join on our server), leaving is always allowed, and an invite is decided
    like a federated one. None: not a membership question (kicks, bans, knocks), which is
    any other state change by someone who is not the bot.
    """
    if sender == target and membership == "leave":
        return _allow(LEAVING)
    if sender == target and membership == "join":
        return decide_join(access, sender)
    if membership == "invite":
        return decide_federated_invite(access, sender, target)
    return None


def decide_bot_state(
    access: RoomAccess, event_type: str, content: dict[str, Any], upgrading: bool
) -> AccessDecision:
    """A state event sent as the bot: the token may be stolen, so the content must be ours.

    Samsnakk only ever sends its own settings (domain/guarded_state.py) and a tombstone when it
    closes a room or upgrades it itself; anything else under the bot's name is refused.
    """
    if upgrading:
        return _allow(BOT)
    if event_type == TOMBSTONE:
        if classify_tombstone(content, access.closed, upgrading) is Tombstone.FOREIGN:
            return _refuse(TOMBSTONE_NOT_OURS)
        return _allow(BOT)
    if not as_set(event_type, content, access.history_visibility):
        return _refuse(STATE_NOT_AS_SET)
    return _allow(BOT)
