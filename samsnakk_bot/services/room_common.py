"""Shared by the brukerrom use cases: their dependencies and how bad input is answered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain import lifecycle, texts
from samsnakk_bot.domain import texts as talk
from samsnakk_bot.domain.lifecycle import (
    IllegalTransition,
    RequestEvent,
    RequestStatus,
    RoomEvent,
    RoomState,
)
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.room_records import Brukerrom
from samsnakk_bot.domain.timezone import OSLO
from samsnakk_bot.policies import Policies
from samsnakk_bot.services.commands import CommandContext
from samsnakk_bot.services.languages import Languages
from samsnakk_bot.services.people import People
from samsnakk_bot.services.ports import AccessCache, Audit, Notifier, RoomActions
from samsnakk_bot.services.store_ports import (
    AccountStore,
    BrukerromStore,
    FieldCrypto,
    ParticipantStore,
    PollStore,
    RequestStore,
    RoomStore,
)


class CommandProblem(Exception):
    """Bad input from a person: the message (Norwegian) is the whole answer."""

    def __init__(self, reply: Reply | str) -> None:
        self.reply = reply if isinstance(reply, Reply) else Reply(reply, None)
        super().__init__(self.reply.body)


@dataclass
class RoomDeps:
    bot_user_id: str
    rooms: RoomStore
    brukerrom: BrukerromStore
    participants: ParticipantStore
    requests: RequestStore
    accounts: AccountStore
    actions: RoomActions
    people: People
    audit: Audit
    access: AccessCache
    clock: Clock
    policies: Policies
    cipher: FieldCrypto
    polls: PollStore
    notify: Notifier
    # Which language a room or person speaks (services/languages.py); None: bokmål everywhere.
    languages: Languages | None = None


def refusal(illegal: IllegalTransition, number: int | None = None) -> Reply | str:
    """The Norwegian answer to a move the lifecycle does not allow; ``number`` is the request's.

    These are the answers people got before the lifecycle moved into the domain.
    """
    if illegal.state == RoomState.CLOSED:
        return texts.ROOM_CLOSED
    if isinstance(illegal.state, RequestStatus) and number is not None:
        return texts.request_not_pending(number)
    if illegal.event is RequestEvent.APPROVE:
        return texts.CONSENT_NEEDED_FIRST
    if illegal.event in (RoomEvent.CONSENT, RoomEvent.REFUSE_CONSENT):
        return texts.CONSENT_NOT_PENDING
    if illegal.event is RoomEvent.BRUKER_ARRIVES:
        return texts.code_rejected(0)
    return texts.ROOM_CLOSED


def oslo_when(ms: int) -> str:
    t = datetime.fromtimestamp(ms / 1000, UTC).astimezone(OSLO)
    return texts.format_when(t.day, t.month, t.hour, t.minute)


Handler = Callable[[CommandContext], Awaitable[Reply | None]]


def guarded(fn: Handler) -> Handler:
    """Turn a CommandProblem or a move the lifecycle refuses into its Norwegian answer;
    anything else stays unexpected."""

    async def run(ctx: CommandContext) -> Reply | None:
        try:
            return await fn(ctx)
        except CommandProblem as problem:
            return problem.reply
        except IllegalTransition as illegal:
            return CommandProblem(refusal(illegal)).reply

    return run


class RoomUseCase:
    """What every brukerrom use case shares: its dependencies, the audit log, room lookups."""

    async def room_language(self, room_id: str) -> str | None:
        """The brukerrom's language (D131), for what the bot posts there on its own."""
        return await self.d.languages.room(room_id) if self.d.languages is not None else None

    def __init__(self, deps: RoomDeps) -> None:
        self.d = deps

    def now(self) -> int:
        return self.d.clock.now_ms()

    async def audit(
        self,
        room_id: str | None,
        actor: str,
        action: str,
        subject: str | None = None,
        details: dict[str, object] | None = None,
    ) -> None:
        await self.d.audit.append(
            ts_ms=self.now(),
            actor=actor,
            action=action,
            room_id=room_id,
            subject=subject,
            details=details or {},
        )

    async def room_of(self, ctx: CommandContext, open_only: bool = False) -> Brukerrom:
        room = await self.d.brukerrom.get(ctx.room_id)
        if room is None:
            raise CommandProblem(texts.command_not_available(ctx.match.spec.name))
        if open_only and not lifecycle.is_open(room.state):
            raise CommandProblem(texts.ROOM_CLOSED)
        return room

    async def bruker_room(self, ctx: CommandContext, open_only: bool = False) -> Brukerrom:
        """The room, if the sender is its bruker; anyone else is refused and audited."""
        room = await self.room_of(ctx, open_only)
        if room.bruker_user_id != ctx.sender:
            await self.audit(
                room.room_id,
                ctx.sender,
                "not_bruker_refused",
                details={"command": ctx.match.spec.name},
            )
            fitting = talk.refusal(ctx.match.spec.refusal)
            raise CommandProblem(fitting or Reply(texts.ONLY_BRUKER, None))
        return room
