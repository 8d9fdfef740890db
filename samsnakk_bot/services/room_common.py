"""Shared by the brukerrom use cases: their dependencies and how bad input is answered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.policies import Policies
from samsnakk_bot.services.commands import CommandContext
from samsnakk_bot.services.people import People
from samsnakk_bot.services.ports import AccessCache, Audit, RoomActions
from samsnakk_bot.store import AccountRepo, RoomRepo
from samsnakk_bot.store.brukerrom import BrukerromRepo, ParticipantRepo, RequestRepo
from samsnakk_bot.store.fieldcrypt import FieldCipher
from samsnakk_bot.store.polls import PollRepo

OSLO = ZoneInfo("Europe/Oslo")


class CommandProblem(Exception):
    """Bad input from a person: the message (Norwegian) is the whole answer."""

    def __init__(self, reply: Reply | str) -> None:
        self.reply = reply if isinstance(reply, Reply) else Reply(reply, None)
        super().__init__(self.reply.body)


@dataclass
class RoomDeps:
    bot_user_id: str
    rooms: RoomRepo
    brukerrom: BrukerromRepo
    participants: ParticipantRepo
    requests: RequestRepo
    accounts: AccountRepo
    actions: RoomActions
    people: People
    audit: Audit
    access: AccessCache
    clock: Clock
    policies: Policies
    cipher: FieldCipher
    polls: PollRepo


def oslo_when(ms: int) -> str:
    t = datetime.fromtimestamp(ms / 1000, UTC).astimezone(OSLO)
    return texts.format_when(t.day, t.month, t.hour, t.minute)


Handler = Callable[[CommandContext], Awaitable[Reply | None]]


def guarded(fn: Handler) -> Handler:
    """Turn a CommandProblem into its Norwegian answer; anything else stays unexpected."""

    async def run(ctx: CommandContext) -> Reply | None:
        try:
            return await fn(ctx)
        except CommandProblem as problem:
            return problem.reply

    return run
