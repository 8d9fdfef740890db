"""Refused commands, poll answers and antispam checks: audited, and answered in Norwegian.

What the answer is comes from the pure rules in domain/admins.py; this module looks up the
facts they need and writes the audit entries.
"""

from __future__ import annotations

from typing import Any, Protocol

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.admins import is_admin_command
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.services.ports import Audit


class AdminsAnywhere(Protocol):
    async def is_admin_anywhere(self, user_id: str) -> bool: ...


class OffboardedPeople(Protocol):
    async def is_offboarded(self, user_id: str) -> bool: ...


class BrukerromLookup(Protocol):
    async def get(self, room_id: str) -> object | None: ...


class Refusals:
    def __init__(
        self,
        audit: Audit,
        clock: Clock,
        admins: AdminsAnywhere,
        people: OffboardedPeople,
        brukerrom: BrukerromLookup,
    ) -> None:
        self._audit = audit
        self._clock = clock
        self._admins = admins
        self._people = people
        self._brukerrom = brukerrom

    async def record(
        self, actor: str, room_id: str | None, action: str, subject: str, details: dict[str, Any]
    ) -> None:
        """An antispam refusal (http/antispam.py), as the module reported it."""
        await self._audit.append(
            ts_ms=self._clock.now_ms(),
            actor=actor,
            action=action,
            room_id=room_id,
            subject=subject,
            details=details,
        )

    async def command_refused(self, sender: str, room_id: str, command: str) -> Reply | None:
        """Refusals in brukerrom are audited; ``!admin`` anywhere is, with its own answer."""
        details = {"command": command}
        if is_admin_command(command):
            await self._append(sender, room_id, "admin_refused", details)
            if await self._admins.is_admin_anywhere(sender):
                return Reply(texts.ADMIN_USE_ADMIN_ROOM, None)
            return Reply(texts.ADMIN_ONLY, None)
        if await self._people.is_offboarded(sender):
            await self._append(sender, room_id, "offboarded_refused", details)
            answer = texts.OFFBOARDED_CANNOT_CREATE if command == "rom ny" else texts.OFFBOARDED
            return Reply(answer, None)
        if await self._brukerrom.get(room_id) is not None:
            await self._append(sender, room_id, "command_refused", details)
        return None

    async def untrusted_device(self, sender: str, room_id: str, what: str) -> Reply:
        """Nothing happens; the person is told how to verify, and the attempt is audited."""
        await self._append(sender, room_id, "untrusted_device_refused", {"what": what})
        return texts.unverified_device(sender)

    async def _append(self, actor: str, room_id: str, action: str, details: dict[str, Any]) -> None:
        await self._audit.append(
            ts_ms=self._clock.now_ms(), actor=actor, action=action, room_id=room_id, details=details
        )
