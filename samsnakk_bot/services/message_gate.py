"""What the bot does with a decrypted message or poll answer: only a trusted device is heard.

MSC4153 (D58): commands and poll answers count only from cross-signed devices of pinned
identities. Anything else is refused and audited (services/refusals.py); plain conversation
between people in a brukerrom is left alone, unless it would answer the bot's question (D142).
"""

from __future__ import annotations

from typing import Protocol

from samsnakk_bot.domain.commands import parse_command
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.services.commands import CommandService
from samsnakk_bot.services.poll_answers import PollAnswers
from samsnakk_bot.services.refusals import BrukerromLookup, Refusals


class Device(Protocol):
    @property
    def curve25519(self) -> str | None: ...
    @property
    def ed25519(self) -> str | None: ...


class Message(Protocol):
    @property
    def room_id(self) -> str: ...
    @property
    def sender(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def device(self) -> Device: ...


class PollAnswer(Protocol):
    @property
    def room_id(self) -> str: ...
    @property
    def sender(self) -> str: ...
    @property
    def poll_event_id(self) -> str: ...
    @property
    def answer(self) -> str: ...
    @property
    def device(self) -> Device: ...


class PendingQuestions(Protocol):
    async def awaits_answer(self, sender: str, room_id: str, body: str) -> bool: ...


class TrustedSenders(Protocol):
    async def sender_trusted(
        self, user_id: str, curve25519: str | None, session_ed25519: str | None
    ) -> bool: ...


class MessageGate:
    def __init__(
        self,
        trust: TrustedSenders,
        brukerrom: BrukerromLookup,
        commands: CommandService,
        poll_answers: PollAnswers,
        refusals: Refusals,
        pending: PendingQuestions,
    ) -> None:
        self._trust = trust
        self._brukerrom = brukerrom
        self._commands = commands
        self._poll_answers = poll_answers
        self._refusals = refusals
        self._pending = pending

    async def on_message(self, msg: Message) -> Reply | None:
        if not await self._trusted(msg.sender, msg.device):
            plain = parse_command(msg.body) is None
            if plain and await self._brukerrom.get(msg.room_id):
                if await self._pending.awaits_answer(msg.sender, msg.room_id, msg.body):
                    return await self._refusals.untrusted_device(msg.sender, msg.room_id, "answer")
                return None  # conversation between people, not meant for the bot
            return await self._refusals.untrusted_device(msg.sender, msg.room_id, "command")
        return await self._commands.handle(msg.sender, msg.room_id, msg.body)

    async def on_poll(self, answer: PollAnswer) -> Reply | None:
        if not await self._trusted(answer.sender, answer.device):
            return await self._refusals.untrusted_device(
                answer.sender, answer.room_id, "poll_answer"
            )
        return await self._poll_answers.answer(
            answer.sender, answer.room_id, answer.poll_event_id, answer.answer
        )

    async def _trusted(self, sender: str, device: Device) -> bool:
        return await self._trust.sender_trusted(sender, device.curve25519, device.ed25519)
