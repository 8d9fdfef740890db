"""Checkpoints of the audit chain's head, kept where the database cannot reach them (D70).

Every ``every`` entries the head (id and hash, nothing else) is appended to the checkpoint
file and posted, encrypted, to each admin room. At shutdown the head goes to the file once
more. ``samsnakk audit verify`` then finds rows that were cut off the end, even after the bot
has appended new ones in their place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.audit_checkpoints import Checkpoint, checkpoint_line, due
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.store.audit import AuditEntry
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)


class CheckpointSink(Protocol):
    """Where checkpoint lines go; blocking, so it is called in a thread."""

    def ensure(self) -> None: ...

    def append(self, line: str) -> None: ...


class AuditHead(Protocol):
    def watch(self, listener: Callable[[Sequence[AuditEntry]], None]) -> None: ...

    def unwatch(self, listener: Callable[[Sequence[AuditEntry]], None]) -> None: ...

    async def bounds(self) -> tuple[int, int, str | None]: ...


class AdminRooms(Protocol):
    async def all_rooms(self) -> list[str]: ...


Say = Callable[[str, Reply], Awaitable[str]]


class AuditCheckpoints:
    def __init__(
        self,
        audit: AuditHead,
        every: int,
        sink: CheckpointSink | None,
        admin_rooms: AdminRooms,
        say: Say,
        now_ms: Callable[[], int],
        tasks: TaskGroup,
    ) -> None:
        self._audit = audit
        self._every = every
        self._sink = sink
        self._admin_rooms = admin_rooms
        self._say = say
        self._now_ms = now_ms
        self._tasks = tasks
        self._lock = asyncio.Lock()
        self._written = 0  # the newest seq in the file from this process
        self._watching = False

    async def start(self) -> None:
        if self._sink is not None:
            await asyncio.to_thread(self._sink.ensure)
        self._audit.watch(self.on_appended)
        self._watching = True

    def on_appended(self, entries: Sequence[AuditEntry]) -> None:
        """Audit listener: runs under the append lock, so it only schedules the work."""
        first, last = entries[0], entries[-1]
        if due(first.id, last.id, self._every):
            cp = Checkpoint(last.id, last.hash)
            self._tasks.spawn(self.checkpoint(cp, announce=True), "audit checkpoint")

    async def checkpoint(self, cp: Checkpoint, *, announce: bool) -> None:
        async with self._lock:
            if self._sink is not None and cp.seq > self._written:
                await asyncio.to_thread(self._sink.append, checkpoint_line(cp, self._now_ms()))
                self._written = cp.seq
        if announce:
            await self._announce(cp)

    async def _announce(self, cp: Checkpoint) -> None:
        for room_id in await self._admin_rooms.all_rooms():
            try:
                await self._say(room_id, texts.audit_checkpoint_notice(cp.seq, cp.hash))
            except Exception:
                # The file still has it; one unreachable room must not stop the others.
                log.warning("audit checkpoint %d not posted to %s", cp.seq, room_id, exc_info=True)

    async def stop(self) -> None:
        """The head at shutdown goes to the file, so a cut made while we are down shows."""
        if not self._watching:
            return
        self._audit.unwatch(self.on_appended)
        self._watching = False
        _, last, head = await self._audit.bounds()
        if head is not None:
            await self.checkpoint(Checkpoint(last, head), announce=False)
