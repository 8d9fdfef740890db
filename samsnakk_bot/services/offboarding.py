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
import logging
from dataclasses import dataclass

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.lifecycle import ParticipantEvent, RequestEvent
from samsnakk_bot.domain.records import NewAuditEntry
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.room_records import Brukerrom
from samsnakk_bot.services.brukerrom import BrukerromService
from samsnakk_bot.services.ports import AccountCloser
from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase
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
    ) -> None:
        super().__init__(deps)
        self._rooms = rooms
        self._directory = directory
        self._meetings = meetings
        self._codes = codes
        self._offboarded = offboarded
        self._closer = accounts_closer
        # Offboarding notices still going out; held so they are not collected mid-send.
        self._notice_tasks: set[asyncio.Task[None]] = set()

    async def offboard(
        self,
        target: str,
        colleague: str | None,
        by: str,
        org_id: str = "",
        concurrency: int = 32,
        notice_concurrency: int = 8,
    ) -> Offboarded:
        """Every door closed; fast at 500 rooms.

        The offboarding is recorded first, so a consent or a «!rom ny» racing this already
        sees it. What must hold when this returns is done in bulk: the approvals end in one
        statement and are audited in one transaction, then the kicks run ``concurrency`` at a
        time. The rooms' neutral notices are encrypted, and each needs a new room key after the
        kick, so they go out afterwards in the background (see :meth:`wait_for_notices`).
        """
        await self._offboarded.add(target, org_id, by, self.now())
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
        task = asyncio.create_task(
            self._tell_rooms(notices, target, notice_concurrency), name="offboarding notices"
        )
        self._notice_tasks.add(task)
        task.add_done_callback(self._notices_done)
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

    def _notices_done(self, task: asyncio.Task[None]) -> None:
        self._notice_tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("offboarding notices failed", exc_info=task.exception())

    async def _tell_rooms(
        self, notices: dict[str, list[Reply]], target: str, concurrency: int
    ) -> None:
        """Each room's notices, once nio has seen the kick (so the new key skips the person)."""
        still_listed = await self.d.actions.wait_until_gone(list(notices), target, timeout=30)
        if still_listed:
            log.warning(
                "offboarding: %d rooms still list the person; telling them anyway",
                len(still_listed),
            )
        limit = asyncio.Semaphore(concurrency)

        async def tell(room_id: str, replies: list[Reply]) -> None:
            async with limit:
                for reply in replies:
                    for attempt in range(1, 4):
                        try:
                            await self.d.actions.say(room_id, reply)
                            break
                        except Exception:
                            if attempt == 3:
                                log.warning(
                                    "offboarding: notice in %s not sent", room_id, exc_info=True
                                )
                            else:
                                await asyncio.sleep(attempt)

        await asyncio.gather(*(tell(r, replies) for r, replies in notices.items()))

    async def wait_for_notices(self, timeout: float | None = None) -> bool:
        """Wait for the offboarding notices still going out; the app does this on stop.

        Notices still unsent at ``timeout`` are given up (cancelled and logged); returns
        whether all were done.
        """
        pending = set(self._notice_tasks)
        if pending:
            _, pending = await asyncio.wait(pending, timeout=timeout)
        if pending:
            log.warning("offboarding notices unfinished after %s s; giving them up", timeout)
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=5)
        return not pending
