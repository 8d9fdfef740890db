"""Room notices through a durable outbox: stored first, sent by a worker, retried, and sent
again after a crash with the same Matrix transaction ID, so each reaches the room once.

A notice may name someone who was just removed (``wait_gone``): it waits until the E2EE client
no longer lists them, because nio shares a new room key with every member it still lists.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Protocol

from samsnakk_bot.domain.records import NewRoomNotice, RoomNotice
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.services.store_ports import RoomNoticeStore

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
GONE_TIMEOUT_S = 30.0
IDLE_POLL_S = 5.0


class NoticeActions(Protocol):
    async def say_once(self, room_id: str, reply: Reply, txn_id: str) -> str: ...

    async def wait_until_gone(
        self, room_ids: Collection[str], user_id: str, timeout: float = 10.0
    ) -> set[str]: ...


class RoomNotices:
    def __init__(
        self,
        repo: RoomNoticeStore,
        actions: NoticeActions,
        now_ms: Callable[[], int],
        concurrency: int = 8,
    ) -> None:
        self._repo = repo
        self._actions = actions
        self._now_ms = now_ms
        self._concurrency = concurrency
        self._wake = asyncio.Event()
        # Tests: called after a notice went out and before it is recorded as sent.
        self.after_send: Callable[[RoomNotice], Awaitable[None]] | None = None

    async def post(self, notices: Sequence[NewRoomNotice]) -> int:
        added = await self._repo.add_many(notices, self._now_ms())
        self._wake.set()
        return added

    async def run(self) -> None:
        while True:
            try:
                if await self.flush() == 0:
                    self._wake.clear()
                    try:
                        await asyncio.wait_for(self._wake.wait(), IDLE_POLL_S)
                    except TimeoutError:
                        pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("room notices failed; retrying in 2 s")
                await asyncio.sleep(2)

    async def flush(self) -> int:
        """Send what is due now; returns how many were tried."""
        due = await self._repo.due(self._now_ms())
        if not due:
            return 0
        waiting: dict[str, list[str]] = defaultdict(list)
        for notice in due:
            if notice.wait_gone is not None:
                waiting[notice.wait_gone].append(notice.room_id)
        for user_id, rooms in waiting.items():
            still = await self._actions.wait_until_gone(rooms, user_id, timeout=GONE_TIMEOUT_S)
            if still:
                log.warning("room notices: %d rooms still list the person; sending", len(still))
        per_room: dict[str, list[RoomNotice]] = defaultdict(list)
        for notice in due:
            per_room[notice.room_id].append(notice)
        limit = asyncio.Semaphore(self._concurrency)

        async def room(notices: list[RoomNotice]) -> None:
            async with limit:
                for notice in notices:  # in the order they were promised
                    await self._send(notice)

        await asyncio.gather(*(room(n) for n in per_room.values()))
        return len(due)

    async def _send(self, notice: RoomNotice) -> None:
        try:
            await self._actions.say_once(
                notice.room_id, Reply(notice.body, notice.html), notice.idem_key
            )
        except Exception:
            attempts = notice.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                log.warning("room notice in %s given up", notice.room_id, exc_info=True)
                await self._repo.dead(notice.id, attempts)
            else:
                log.info("room notice in %s failed; retrying", notice.room_id, exc_info=True)
                backoff = 1000 * 2**attempts
                await self._repo.retry(notice.id, attempts, self._now_ms() + backoff)
            return
        if self.after_send is not None:
            await self.after_send(notice)
        await self._repo.sent(notice.id, self._now_ms())

    async def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until nothing is pending; returns False at ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while await self._repo.pending():
            if deadline is not None and loop.time() >= deadline:
                return False
            await asyncio.sleep(0.1)
        return True
