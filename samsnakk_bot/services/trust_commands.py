"""``!godta-nøkkel``: a bruker or an admin accepts someone's changed security identity.

Who may accept (D59): the bruker, for people in their own brukerrom; an admin, in their admin
room, for staff of their organisation and for brukere of rooms made by its staff. Nobody accepts
their own change: their devices are the ones in doubt.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import TargetKind, classify_target
from samsnakk_bot.domain.commands import IN_BRUKERROM
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.device_trust import DeviceTrust
from samsnakk_bot.services.room_common import CommandProblem, RoomDeps, RoomUseCase, guarded

AdminOrg = Callable[[CommandContext], Awaitable[Any]]


class TrustCommands(RoomUseCase):
    def __init__(self, deps: RoomDeps, trust: DeviceTrust, admin_org: AdminOrg, directory: Any):
        super().__init__(deps)
        self._trust = trust
        self._admin_org = admin_org
        self._directory = directory

    def register(self, commands: CommandService) -> None:
        commands.add_handler("godta-nøkkel", guarded(self._godta))

    async def _godta(self, ctx: CommandContext) -> Reply:
        target = classify_target(ctx.match.raw_args)
        if target.kind is not TargetKind.MATRIX_ID:
            raise CommandProblem(texts.IDENTITY_NEEDS_MATRIX_ID)
        user_id = target.value
        if ctx.where == IN_BRUKERROM:
            await self._bruker_may_accept(ctx, user_id)
        else:
            await self._admin_may_accept(ctx, user_id)
        if user_id == ctx.sender or not await self._trust.confirm(user_id, ctx.sender, ctx.room_id):
            return Reply(texts.IDENTITY_NOTHING_TO_CONFIRM, None)
        return texts.identity_confirmed(await self.d.people.describe(user_id), user_id)

    async def _bruker_may_accept(self, ctx: CommandContext, user_id: str) -> None:
        room = await self.bruker_room(ctx, open_only=True)
        members = {room.creator_user_id} | {
            p.user_id for p in await self.d.participants.in_room(room.room_id)
        }
        if user_id not in members:
            raise CommandProblem(texts.IDENTITY_NOT_IN_ROOM)

    async def _admin_may_accept(self, ctx: CommandContext, user_id: str) -> None:
        org = await self._admin_org(ctx)
        entry = await self._directory.get(user_id)
        if entry is not None and entry.org_id == org.id:
            return
        for room in await self.d.brukerrom.list_all():
            if room.bruker_user_id != user_id:
                continue
            creator = await self._directory.get(room.creator_user_id)
            if creator is not None and creator.org_id == org.id:
                return
        await self.audit(ctx.room_id, ctx.sender, "identity_confirm_refused", subject=user_id)
        raise CommandProblem(texts.IDENTITY_NOT_YOUR_ORG)
