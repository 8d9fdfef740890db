"""``!admin deaktiver``: an admin offboards a staff member of their own organisation.

What offboarding does is services/offboarding.py; this is the command around it.
"""

from __future__ import annotations

import re

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import classify_target
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.policies import Organisation
from samsnakk_bot.services.admin_checks import AdminChecks
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.offboarding import Offboarding
from samsnakk_bot.services.people import Found
from samsnakk_bot.services.room_common import CommandProblem, RoomDeps, RoomUseCase, guarded
from samsnakk_bot.services.store_ports import DirectoryStore


class AdminOffboard(RoomUseCase):
    def __init__(
        self,
        deps: RoomDeps,
        checks: AdminChecks,
        directory: DirectoryStore,
        offboarding: Offboarding,
    ) -> None:
        super().__init__(deps)
        self._checks = checks
        self._directory = directory
        self._offboarding = offboarding

    def register(self, commands: CommandService) -> None:
        commands.add_handler("admin deaktiver", guarded(self.deaktiver))

    async def deaktiver(self, ctx: CommandContext) -> Reply | None:
        org = await self._checks.org_for(ctx)
        # Names may have several words: "Trond Hansen til Sara Berg".
        who, to = _split_til(ctx.match.raw_args)
        if not who:
            raise CommandProblem(texts.ADMIN_WHO)
        target = await self._staff_of(org, who)
        colleague = await self._staff_of(org, to) if to else None
        if colleague is not None and await self.d.people.is_offboarded(colleague):
            raise CommandProblem(texts.OFFBOARDED_COLLEAGUE)
        done = await self._offboarding.offboard(target, colleague, ctx.sender, org.id)
        await self.audit(
            ctx.room_id,
            ctx.sender,
            "admin_action",
            details={"what": "offboard", "rooms": done.rooms, "waiting": done.waiting},
        )
        return texts.offboarded_summary(
            await self.d.people.name(target),
            done.rooms,
            done.requests,
            done.moved,
            done.flagged,
            done.waiting,
            done.codes,
            done.account_closed,
        )

    async def _staff_of(self, org: Organisation, written: str) -> str:
        found = await self.d.people.resolve(classify_target(written))
        if not isinstance(found, Found):
            raise CommandProblem(found.problem)
        account = await self.d.accounts.get(found.user_id)
        entry = await self._directory.get(found.user_id)
        in_org = (account is not None and account.org in (org.name, org.id)) or (
            entry is not None and entry.org_id == org.id
        )
        if not in_org:
            raise CommandProblem(texts.ADMIN_OTHER_ORG)
        return found.user_id


_TIL = re.compile(r"\s+til\s+", re.IGNORECASE)


def _split_til(text: str) -> tuple[str, str]:
    """``"Trond Hansen til Sara"`` → ``("Trond Hansen", "Sara")``; no «til»: no colleague."""
    parts = _TIL.split(text.strip(), maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
