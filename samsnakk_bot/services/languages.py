"""Which written standard the bot uses with whom, and the «!språk» command (D131).

A person speaks what they chose with «!språk», else their organisation's default from the
policies (``språk: nn``), else bokmål. A brukerrom speaks its bruker's language: the bruker's own
choice, else the default of the organisation that created the room. Everything addressed to one
person (DMs, varsler) speaks that person's language.
"""

from __future__ import annotations

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.commands import IN_BRUKERROM
from samsnakk_bot.domain.i18n import SOURCE, language_name, parse_language, speaking
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.policies import Policies
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.store_ports import BrukerromStore, DirectoryStore, LanguageStore


class Languages:
    def __init__(
        self,
        repo: LanguageStore,
        directory: DirectoryStore,
        brukerrom: BrukerromStore,
        policies: Policies,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._directory = directory
        self._brukerrom = brukerrom
        self._policies = policies
        self._clock = clock

    async def organisation_default(self, user_id: str) -> str:
        entry = await self._directory.get(user_id)
        org = self._policies.organisations.by_id(entry.org_id) if entry is not None else None
        return org.language if org is not None else SOURCE.value

    async def person(self, user_id: str) -> str:
        """What to speak to ``user_id`` in a DM, a varsel, an SMS or an e-mail."""
        return await self._repo.get(user_id) or await self.organisation_default(user_id)

    async def room(self, room_id: str) -> str | None:
        """A brukerrom's language, or None for a room that is not a brukerrom."""
        room = await self._brukerrom.get(room_id)
        if room is None:
            return None
        if room.bruker_user_id is not None:
            chosen = await self._repo.get(room.bruker_user_id)
            if chosen is not None:
                return chosen
        return await self.organisation_default(room.creator_user_id)

    async def for_command(self, sender: str, room_id: str, where: str) -> str:
        if where == IN_BRUKERROM:
            return await self.room(room_id) or await self.person(sender)
        return await self.person(sender)

    async def sprak(self, ctx: CommandContext) -> Reply:
        wanted = ctx.match.raw_args.strip()
        if not wanted:
            current = await self.person(ctx.sender)
            with speaking(current):
                return texts.language_status(language_name(current))
        code = parse_language(wanted)
        if code is None:
            return Reply(texts.SPRAK_UNKNOWN, None)
        await self._repo.set(ctx.sender, code, self._clock.now_ms())
        with speaking(code):
            return texts.language_saved(language_name(code))

    def register(self, commands: CommandService) -> None:
        commands.add_handler("språk", self.sprak)
        commands.set_language_resolver(self.for_command)
