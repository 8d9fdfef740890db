"""Whether the sender of an ``!admin`` command is an admin of the room's own organisation.

An admin acts only on their own organisation; a refusal is audited. Who is an admin at all is
the one rule in domain/admins.py, read through the roster (services/admin_roster.py).
"""

from __future__ import annotations

from samsnakk_bot.domain import texts
from samsnakk_bot.policies import HELSEFELLESSKAP_ID, Organisation
from samsnakk_bot.services.admin_roster import AdminRoster
from samsnakk_bot.services.commands import CommandContext
from samsnakk_bot.services.room_common import CommandProblem, RoomDeps, RoomUseCase


class AdminChecks(RoomUseCase):
    def __init__(self, deps: RoomDeps, roster: AdminRoster) -> None:
        super().__init__(deps)
        self._roster = roster
        self._admin_rooms = roster.rooms

    async def org_for(self, ctx: CommandContext) -> Organisation:
        """The room's organisation, if the sender is one of its admins; audited refusal else."""
        org_id = await self._admin_rooms.org_of(ctx.room_id)
        if org_id == HELSEFELLESSKAP_ID:
            await self.audit(
                ctx.room_id, ctx.sender, "admin_refused", details={"command": ctx.match.spec.name}
            )
            raise CommandProblem(texts.AGGREGATE_ONLY)
        org = self.d.policies.organisations.by_id(org_id) if org_id else None
        if org is None or not await self._roster.is_admin(org.id, ctx.sender):
            await self.audit(
                ctx.room_id, ctx.sender, "admin_refused", details={"command": ctx.match.spec.name}
            )
            raise CommandProblem(texts.ADMIN_ONLY)
        return org
