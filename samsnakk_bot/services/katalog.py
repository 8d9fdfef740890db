"""``!katalog``: any ansatt finds colleagues in the other services (brukere cannot search)."""

from __future__ import annotations

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.policies import Policies
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.room_common import CommandProblem, guarded
from samsnakk_bot.services.store_ports import DirectoryStore


class KatalogCommands:
    def __init__(self, directory: DirectoryStore, policies: Policies) -> None:
        self._directory = directory
        self._policies = policies

    def register(self, commands: CommandService) -> None:
        commands.add_handler("katalog", guarded(self.katalog))

    async def katalog(self, ctx: CommandContext) -> Reply | None:
        query = ctx.match.raw_args.strip()
        if not query:
            raise CommandProblem(texts.KATALOG_NEEDS_WORDS)
        rows = []
        for e in await self._directory.search(query, limit=10):
            org = self._policies.organisations.by_id(e.org_id)
            role_org = f"{e.role}, {org.name if org else e.org_id}"
            rows.append((e.name, role_org, e.unit, e.help_text, e.user_id, e.email, e.phone))
        return texts.katalog_results(query, rows)
