"""Offboarding a member of staff (``!admin deaktiver``): every door they had is closed.

- Out of every brukerrom, at once and in bulk (approvals ended, kicks in parallel).
- Their pending requests stopped, and the meetings they were responsible for handed over.
- Rooms they made that still wait for the bruker: one waiting for consent is handed over to
  the colleague if there is one, otherwise closed; one waiting for a code is closed, because
  its codes are voided. Consent that arrives later can never admit them (brukerrom.py).
- Their onboarding codes voided, and the offboarding recorded so that «!rom ny» refuses them.
- Their homeserver account deactivated too, when policy says so.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.lifecycle import ParticipantEvent, RequestEvent
from samsnakk_bot.domain.records import NewAuditEntry, NewRoomNotice
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.room_records import Brukerrom
from samsnakk_bot.services.brukerrom import BrukerromService
from samsnakk_bot.services.ports import AccountCloser
from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase
from samsnakk_bot.services.room_notices import RoomNotices
from samsnakk_bot.services.store_ports import (
    CodeStore,
    DirectoryStore,
    OffboardedStore,
    PersonMeetings,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Offboarded:
    rooms: int  # brukerrom they were removed from
    requests: int  # pending requests stopped
    moved: int  # meetings handed over
    flagged: int  # meetings left without a responsible
    waiting: int  # rooms waiting for the bruker, handed over or closed
    codes: int  # onboarding codes voided
    account_closed: bool | None  # None: policy does not ask for it


class Offboarding(RoomUseCase):
    def __init__(
        self,
        deps: RoomDeps,
        rooms: BrukerromService,
        directory: DirectoryStore,
        meetings: PersonMeetings,
        codes: CodeStore,
        offboarded: OffboardedStore,
        accounts_closer: AccountCloser | None,
        notices: RoomNotices,
    ) -> None:
        super().__init__(deps)
        self._rooms = rooms
        self._directory = directory
        self._meetings = meetings
        self._codes = codes
        self._offboarded = offboarded
        self._closer = accounts_closer
        self._notices = notices

    async def offboard(
        self,
        target: str,
        colleague: str | None,
        by: str,
        org_id: str = "",
        concurrency: int = 32,
    ) -> Offboarded:
        """Every door closed; fast at 500 rooms.

        The offboarding is recorded first, so a consent or a «!rom ny» racing this already
        sees it. What must hold when this returns is done in bulk: the approvals end in one
        statement and are audited in one transaction, then the kicks run ``concurrency`` at a
        time. The rooms' neutral notices are encrypted, and each needs a new room key after the
        kick, so they go out afterwards from the durable room-notice outbox, once the bot's
        client has seen each kick (see :meth:`wait_for_notices`).
        """
        started = self.now()
        await self._offboarded.add(target, org_id, by, started)
        name = await self.d.people.name(target)
        now = self.now()
        rooms = await self.d.participants.end_everywhere(target, ParticipantEvent.OFFBOARD, now)
        for room_id in rooms:
            self.d.access.invalidate(room_id)
        await self.d.audit.append_many(
            [NewAuditEntry(now, by, "offboarded", room_id=r, subject=target) for r in rooms]
        )
        gone = texts.offboarded_in_room(name)
        await self._kick_everywhere(rooms, target, gone.body, concurrency)
        stopped = await self._cancel_requests_of(target, by)
        notices: dict[str, list[Reply]] = {room_id: [gone] for room_id in rooms}
        moved = flagged = 0
        for meeting in await self._meetings.for_person(target, self.now()):
            if meeting.responsible != target:
                continue
            if colleague and await self.d.participants.is_approved(meeting.room_id, colleague):
                await self._meetings.set_responsible(meeting.id, colleague)
                moved += 1
            else:
                notice = texts.meeting_needs_responsible(meeting.number)
                notices.setdefault(meeting.room_id, []).append(notice)
                flagged += 1
        codes = await self._void_codes(target, by)
        waiting = await self._waiting_rooms(target, colleague, by)
        await self._directory.deactivate(target, by, self.now())
        closed = await self._close_account(target, by)
        # Also the Matrix transaction IDs: no user ID in them, but unique per offboarding.
        key = f"offboarded.{hashlib.sha256(target.encode()).hexdigest()[:16]}.{started}"
        await self._notices.post(
            [
                NewRoomNotice(f"{key}.{i}.{n}", room_id, r.body, r.html, wait_gone=target)
                for i, (room_id, replies) in enumerate(notices.items())
                for n, r in enumerate(replies)
            ]
        )
        return Offboarded(len(rooms), stopped, moved, flagged, waiting, codes, closed)

    # -- the doors beyond the rooms they were in ------------------------------------------

    async def _void_codes(self, target: str, by: str) -> int:
        rooms = await self._codes.void_created_by(target, self.now())
        await self.d.audit.append_many(
            [NewAuditEntry(self.now(), by, "code_voided", room_id=r, subject=target) for r in rooms]
        )
        return len(rooms)

    async def _waiting_rooms(self, target: str, colleague: str | None, by: str) -> int:
        """Rooms they made that wait for a code or consent: handed over, or closed."""
        waiting = await self.d.brukerrom.waiting_created_by(target)
        for room in waiting:
            if colleague and await self._hand_over(room, target, colleague, by):
                continue
            await self._close_waiting(room, colleague, by)
        return len(waiting)

    async def _hand_over(self, room: Brukerrom, target: str, colleague: str, by: str) -> bool:
        """Only a room waiting for consent: its bruker is there to be told who now asks."""
        if room.bruker_user_id is None:
            return False
        if not await self.d.brukerrom.hand_over(room.room_id, target, colleague):
            return False
        await self.audit(room.room_id, by, "creator_handed_over", subject=target)
        who = await self.d.people.describe(colleague)
        await self._say(room.room_id, texts.room_handed_over(room.bruker_user_id, who))
        return True

    async def _close_waiting(self, room: Brukerrom, colleague: str | None, by: str) -> None:
        if room.bruker_user_id is not None:
            await self._say(room.room_id, Reply(texts.OFFBOARDED_CREATOR_GONE, None))
        await self._rooms.close(room, by)
        if colleague:
            label = self._rooms.name_of(room)
            await self._rooms.tell_dm(colleague, texts.waiting_room_closed_to_colleague(label))

    async def _say(self, room_id: str, reply: Reply) -> None:
        """A notice must never stop the closing of doors: a failure is logged."""
        try:
            await self.d.actions.say(room_id, reply)
        except Exception:
            log.warning("offboarding: notice in %s not sent", room_id, exc_info=True)

    async def _close_account(self, target: str, by: str) -> bool | None:
        if not self.d.policies.policy.offboarding.deactivate_account:
            return None
        if self._closer is None:
            log.error("offboarding: policy asks to deactivate accounts, but no admin token")
            return False
        try:
            await self._closer.deactivate(target)
        except Exception:
            log.warning("offboarding: deactivating the account failed", exc_info=True)
            return False
        await self.audit(None, by, "account_deactivated", subject=target)
        return True

    # -- removing them from rooms ---------------------------------------------------------

    async def _kick_everywhere(
        self, rooms: list[str], target: str, reason: str, concurrency: int
    ) -> None:
        """Kick in parallel; a kick that fails twice is left to the guard's sweep (logged)."""
        limit = asyncio.Semaphore(concurrency)

        async def kick(room_id: str) -> None:
            async with limit:
                for attempt in (1, 2):
                    try:
                        await self.d.actions.kick(room_id, target, reason)
                        return
                    except Exception:
                        if attempt == 2:
                            log.warning(
                                "offboarding: kick in %s failed; the sweep will retry",
                                room_id,
                                exc_info=True,
                            )
                        else:
                            await asyncio.sleep(0.5)

        await asyncio.gather(*(kick(r) for r in rooms))

    async def _cancel_requests_of(self, target: str, by: str) -> int:
        entries = []
        for request in await self.d.requests.pending():
            involved = target in (request.requested_by, request.candidate_user_id)
            if not involved:
                continue
            if await self.d.requests.decide(request.id, RequestEvent.WITHDRAW, by, self.now()):
                entries.append(
                    NewAuditEntry(
                        self.now(),
                        by,
                        "request_cancelled",
                        room_id=request.room_id,
                        subject=request.candidate_user_id,
                        details={"number": request.number},
                    )
                )
        await self.d.audit.append_many(entries)
        return len(entries)

    # -- the neutral notices, after the answer ---------------------------------------------

    async def wait_for_notices(self, timeout: float | None = None) -> bool:
        """Wait until the room notices still owed have gone out; returns whether they have.
        Those left at ``timeout`` stay stored and go out after the next start."""
        return await self._notices.wait_idle(timeout)
