"""Which rooms the bot agrees to join when someone invites it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class InviteOutcome(Enum):
    ACCEPT_DM = "accept_dm"
    DECLINE = "decline"


@dataclass(frozen=True)
class InviteDecision:
    outcome: InviteOutcome
    reason: str


def server_of(user_id: str) -> str:
    return user_id.partition(":")[2]


def decide_bot_invite(
    inviter: str, server_name: str, is_direct: bool, namespace_localpart: str
) -> InviteDecision:
    """Accept only direct chats started by a local person; decline every other room.

    Brukerrom are created by the bot itself, so an invite into any other room is never
    something the bot should be part of.
    """
    localpart = inviter.partition(":")[0].removeprefix("@")
    if server_of(inviter) != server_name:
        return InviteDecision(InviteOutcome.DECLINE, "remote inviter")
    if localpart == namespace_localpart or localpart.startswith(namespace_localpart + "."):
        return InviteDecision(InviteOutcome.DECLINE, "inviter in our namespace")
    if not is_direct:
        return InviteDecision(InviteOutcome.DECLINE, "not a direct chat")
    return InviteDecision(InviteOutcome.ACCEPT_DM, "direct chat from a local user")
