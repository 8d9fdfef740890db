"""Plain answers («Ja», «nei takk», «godkjenn») to the question the bot is waiting on (D142).

Only the room's bruker answers, and only through the very commands a typed answer stands for
(``!samtykke ja``, ``!godkjenn N``), so every check of those commands still applies. The device
check happens before this, in the app, as for commands.
"""

from __future__ import annotations

from samsnakk_bot.domain import lifecycle
from samsnakk_bot.domain import texts as talk
from samsnakk_bot.domain.answers import Answer, is_bare_yes_or_no, number_in, read_answer
from samsnakk_bot.domain.lifecycle import RoomState
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.room_records import Brukerrom, ParticipantRequest
from samsnakk_bot.services.commands import CommandService
from samsnakk_bot.services.room_common import RoomDeps

_APPROVING = (Answer.YES, Answer.APPROVE)


class PendingAnswers:
    def __init__(self, deps: RoomDeps, commands: CommandService) -> None:
        self.d = deps
        self._commands = commands
        # Rooms whose bruker said «nei» once to the consent; the next «nei» closes (in memory:
        # after a restart the bot asks once more, which is harmless).
        self._said_no: set[str] = set()
        # (room, newest request) already hinted about, so a conversation is not drowned.
        self._hinted: set[tuple[str, int]] = set()

    async def awaits_answer(self, sender: str, room_id: str, body: str) -> bool:
        """Would ``body`` from ``sender`` be taken as an answer to what the bot asked here?"""
        room = await self.d.brukerrom.get(room_id)
        if room is None or room.bruker_user_id != sender:
            return False
        if room.state == RoomState.AWAITING_CONSENT:
            return True
        if not lifecycle.takes_decisions(room.state) or read_answer(body) is None:
            return False  # conversation with people in the room
        return bool(await self.d.requests.pending(room_id))

    async def answer(self, sender: str, room_id: str, body: str) -> Reply | None:
        """The answer to a plain message in a brukerrom; ``None``: conversation, not for the bot."""
        room = await self.d.brukerrom.get(room_id)
        if room is None or room.bruker_user_id != sender:
            return None  # never from anyone but the bruker
        said = read_answer(body)
        if room.state == RoomState.AWAITING_CONSENT:
            return await self._consent(room, said)
        if lifecycle.takes_decisions(room.state):
            return await self._requests(room, said, body)
        return None

    async def _consent(self, room: Brukerrom, said: Answer | None) -> Reply | None:
        bruker = room.bruker_user_id
        assert bruker is not None
        if said is Answer.YES:
            self._said_no.discard(room.room_id)
            reply = await self._commands.handle(bruker, room.room_id, "!samtykke ja")
            return reply or Reply(talk.CONSENT_YES_UNDERSTOOD, None)
        if said is Answer.NO:
            if room.room_id not in self._said_no:
                self._said_no.add(room.room_id)
                return Reply(talk.CONSENT_NO_ASK_AGAIN, None)
            self._said_no.discard(room.room_id)
            return await self._commands.handle(bruker, room.room_id, "!samtykke nei")
        return Reply(talk.CONSENT_PENDING_HINT, None)

    async def _requests(self, room: Brukerrom, said: Answer | None, body: str) -> Reply | None:
        bruker = room.bruker_user_id
        assert bruker is not None
        pending = await self.d.requests.pending(room.room_id)
        if said in (Answer.APPROVE, Answer.REJECT):
            number = number_in(body)
            if number is not None:
                return await self._decide(room, said, number)
        if not pending:
            if said is None or is_bare_yes_or_no(said):
                return None  # conversation: nothing waits for the bruker
            return Reply(talk.NO_REQUEST_PENDING, None)
        if said is None or (is_bare_yes_or_no(said) and not await self._alone(room)):
            return await self._hint_once(room, pending)
        if len(pending) > 1:
            return talk.requests_several_hint([r.number for r in pending])
        return await self._decide(room, said, pending[0].number, pending[0])

    async def _decide(
        self,
        room: Brukerrom,
        said: Answer,
        number: int,
        request: ParticipantRequest | None = None,
    ) -> Reply | None:
        bruker = room.bruker_user_id
        assert bruker is not None
        if said not in _APPROVING:
            return await self._commands.handle(bruker, room.room_id, f"!avslå {number}")
        reply = await self._commands.handle(bruker, room.room_id, f"!godkjenn {number}")
        if reply is not None:
            return reply  # refused or failed: that answer says why
        request = request or await self.d.requests.get(room.room_id, number)
        person = await self.d.people.describe(request.candidate_user_id) if request else ""
        return talk.request_approved_echo(number, person)

    async def _alone(self, room: Brukerrom) -> bool:
        """«ja» / «nei» are unambiguous only when nobody but the bot can be the one asked."""
        joined = set(await self.d.actions.joined_members(room.room_id))
        return joined <= {self.d.bot_user_id, room.bruker_user_id}

    async def _hint_once(self, room: Brukerrom, pending: list[ParticipantRequest]) -> Reply | None:
        key = (room.room_id, pending[-1].id)
        if key in self._hinted:
            return None  # the bruker is talking with people in the room; hinted already
        self._hinted.add(key)
        if len(pending) > 1:
            return talk.requests_several_hint([r.number for r in pending])
        request = pending[0]
        person = await self.d.people.describe(request.candidate_user_id)
        return talk.request_pending_hint(request.number, person)
