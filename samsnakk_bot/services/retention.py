"""Retention: brukerrom nobody writes in are warned twice and then closed; old audit entries go.

A message from anyone but the bot keeps a room open. The sweep runs every ``check_every`` and
is safe to run twice: each warning is claimed in the database before it is sent. Closing uses
the same path as a withdrawn samtykke, and with close_mode "delete" the homeserver is then
asked to delete the room and its history.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any, Protocol

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.i18n import speaking
from samsnakk_bot.domain.lifecycle import OPEN_ROOM_STATES
from samsnakk_bot.domain.retention import Action, Periods, Step, days_left, next_step
from samsnakk_bot.domain.room_records import Brukerrom
from samsnakk_bot.domain.timezone import OSLO
from samsnakk_bot.domain.varsler import Kind
from samsnakk_bot.policies import RetentionPolicy
from samsnakk_bot.services.brukerrom import BrukerromService
from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase
from samsnakk_bot.services.store_ports import AuditPruner

log = logging.getLogger(__name__)
_MESSAGE_TYPES = ("m.room.encrypted", "m.room.message")


class RoomDeleter(Protocol):
    async def delete_room(self, room_id: str) -> str: ...


class RetentionService(RoomUseCase):
    def __init__(
        self,
        deps: RoomDeps,
        rooms_service: BrukerromService,
        audit_log: AuditPruner,
        deleter: RoomDeleter | None,
    ) -> None:
        super().__init__(deps)
        self._rooms_service = rooms_service
        self._audit_log = audit_log
        self.deleter = deleter
        # An attribute, not a lookup each time, so a test can shorten the periods.
        self.policy: RetentionPolicy = deps.policies.policy.retention
        rooms_service.after_close.append(self._delete_if_policy_says)

    def _periods(self) -> Periods:
        def ms(d: Any) -> int:
            return int(d.total_seconds() * 1000)

        p = self.policy
        return Periods(ms(p.inactivity), ms(p.first_warning), ms(p.second_warning))

    # -- a message keeps the room open ---------------------------------------------------

    async def on_event(self, event: dict[str, Any]) -> None:
        if "state_key" in event or event.get("type") not in _MESSAGE_TYPES:
            return
        if event.get("sender") == self.d.bot_user_id:
            return
        room_id = str(event.get("room_id", ""))
        previous = await self.d.brukerrom.touch(room_id, self.now())
        if previous:
            await self.audit(room_id, str(event.get("sender")), "retention_reset")
            await self.d.actions.say(room_id, texts.RETENTION_KEPT_OPEN)

    # -- the sweep -----------------------------------------------------------------------

    async def sweep(self) -> int:
        """Warn or close every room that is due; returns how many steps were taken."""
        steps = 0
        periods = self._periods()
        for room in await self.d.brukerrom.list_all(OPEN_ROOM_STATES):
            now = self.now()
            step = next_step(
                now, room.last_activity_ms, room.retention_stage, room.retention_close_ms, periods
            )
            if step is None:
                continue
            try:
                if step.action is Action.CLOSE:
                    await self._close(room)
                else:
                    await self._warn(room, step, now)
                steps += 1
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "retention step for %s failed; the next sweep tries again", room.room_id
                )
        return steps

    async def _warn(self, room: Brukerrom, step: Step, now: int) -> None:
        stage = step.action.value
        if not await self.d.brukerrom.advance_retention(
            room.room_id, room.retention_stage, stage, step.close_ms
        ):
            return  # a message, or another sweep, got there first
        when = datetime.fromtimestamp(step.close_ms / 1000, UTC).astimezone(OSLO)
        with speaking(await self.room_language(room.room_id)):
            warning = texts.retention_warning(
                when.day, when.month, when.year, days_left(now, step.close_ms), second=stage == 2
            )
        await self.d.actions.say(room.room_id, warning)
        for p in await self.d.participants.in_room(room.room_id):
            key = f"retention:{room.room_id}:{stage}:{step.close_ms}"
            await self.d.notify.notify(p.user_id, Kind.REMINDER, room.room_id, key)
        await self.audit(
            room.room_id,
            self.d.bot_user_id,
            "retention_warning",
            details={"stage": stage, "close_ms": step.close_ms},
        )

    async def _close(self, room: Brukerrom) -> None:
        members = [p.user_id for p in await self.d.participants.in_room(room.room_id)]
        await self.audit(room.room_id, self.d.bot_user_id, "retention_close")
        await self._rooms_service.close(room, self.d.bot_user_id)
        name = self._rooms_service.name_of(room)
        for user in members:
            await self._rooms_service.tell_dm(user, texts.retention_closed_to_member(name))

    async def _delete_if_policy_says(self, room_id: str, actor: str) -> None:
        if self.d.policies.policy.room.close_mode != "delete":
            return
        if self.deleter is None:
            # The app refuses to start like this; a test or a changed policy could still.
            log.error("close_mode is delete but there is no homeserver.admin_token")
            return
        delete_id = await self.deleter.delete_room(room_id)
        await self.d.brukerrom.mark_purge_requested(room_id, self.now())
        await self.audit(room_id, actor, "room_delete_requested", details={"delete_id": delete_id})

    # -- the audit log's own retention --------------------------------------------------

    async def prune_audit(self) -> int:
        now = self.now()
        cutoff = now - int(self.policy.audit_log.total_seconds() * 1000)
        return await self._audit_log.prune(cutoff, self.d.bot_user_id, now)

    async def run(self) -> None:
        while True:
            try:
                await self.sweep()
                await self.prune_audit()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("retention sweep failed; trying again next round")
            await asyncio.sleep(self.policy.check_every.total_seconds())
