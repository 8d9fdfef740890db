"""A poll answer is the command it stands for, and goes through the very same checks."""

from __future__ import annotations

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.polls import Mismatch, command_for_answer
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.services.commands import CommandService
from samsnakk_bot.services.ports import Audit
from samsnakk_bot.services.store_ports import PollStore, RequestStore


class PollAnswers:
    def __init__(
        self,
        polls: PollStore,
        requests: RequestStore,
        commands: CommandService,
        audit: Audit,
        clock: Clock,
    ) -> None:
        self._polls = polls
        self._requests = requests
        self._commands = commands
        self._audit = audit
        self._clock = clock

    async def answer(
        self, sender: str, room_id: str, poll_event_id: str, answer: str
    ) -> Reply | None:
        poll = await self._polls.get(poll_event_id)
        if poll is None or poll.room_id != room_id:
            return None
        number = None
        if poll.purpose == "request" and poll.request_id is not None:
            request = await self._requests.by_id(poll.request_id)
            number = request.number if request else None
        command = command_for_answer(poll.purpose, answer, poll.request_id, number)
        if isinstance(command, Mismatch):
            # Another request's answer moved onto this poll: nothing is decided.
            await self._audit.append(
                ts_ms=self._clock.now_ms(),
                actor=sender,
                action="poll_answer_refused",
                room_id=room_id,
                details={"number": number},
            )
            return Reply(texts.POLL_ANSWER_NOT_FOR_THIS, None)
        if command is None:
            return None
        return await self._commands.handle(sender, room_id, command)
