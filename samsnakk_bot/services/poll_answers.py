"""A poll answer is the command it stands for, and goes through the very same checks."""

from __future__ import annotations

from samsnakk_bot.domain.polls import command_for_answer
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.services.commands import CommandService
from samsnakk_bot.store.brukerrom import RequestRepo
from samsnakk_bot.store.polls import PollRepo


class PollAnswers:
    def __init__(self, polls: PollRepo, requests: RequestRepo, commands: CommandService) -> None:
        self._polls = polls
        self._requests = requests
        self._commands = commands

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
        command = command_for_answer(poll.purpose, answer, number)
        if command is None:
            return None
        return await self._commands.handle(sender, room_id, command)
