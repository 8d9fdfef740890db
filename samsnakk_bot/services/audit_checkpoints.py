"""Checkpoints of the audit chain's head, kept where the database cannot reach them (D70).

Every ``every`` entries the head (id and hash, nothing else) is appended to the checkpoint
file and posted, encrypted, to each admin room. At shutdown the head goes to the file once
more. ``samsnakk audit verify`` then finds rows that were cut off the end, even after the bot
has appended new ones in their place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Any, Protocol

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.audit_checkpoints import Checkpoint, Gap, checkpoint_line, due, find_gap
from samsnakk_bot.domain.records import AuditEntry
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)
# The audit action for rows found missing at start-up.
GAP_ACTION = "audit_gap_found"


class CheckpointSink(Protocol):
    """Where checkpoint lines go; blocking, so it is called in a thread."""

    def ensure(self) -> None: ...

    def append(self, line: str) -> None: ...

    def read(self) -> list[Checkpoint]: ...


class AuditHead(Protocol):
    def watch(self, listener: Callable[[Sequence[AuditEntry]], None]) -> None: ...

    def unwatch(self, listener: Callable[[Sequence[AuditEntry]], None]) -> None: ...

    async def bounds(self) -> tuple[int, int, str | None]: ...

    async def hashes_at(self, ids: Collection[int]) -> dict[int, str]: ...

    async def latest(self, action: str) -> AuditEntry | None: ...

    async def append(
        self,
        *,
        ts_ms: int,
        actor: str,
        action: str,
        room_id: str | None = None,
        subject: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEntry: ...


class AdminRooms(Protocol):
    async def all_rooms(self) -> list[str]: ...


Say = Callable[[str, Reply], Awaitable[str]]


def _same_gap(recorded: AuditEntry, gap: Gap) -> bool:
    # Not db_last: the entry recording the gap is itself a new last row.
    return (recorded.details.get("first"), recorded.details.get("last")) == (gap.first, gap.last)


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
        actor: str = "",
    ) -> None:
        self._audit = audit
        self._every = every
        self._sink = sink
        self._admin_rooms = admin_rooms
        self._say = say
        self._now_ms = now_ms
        self._tasks = tasks
        self._actor = actor  # who records a gap found at start-up: the bot
        self._lock = asyncio.Lock()
        self._written = 0  # the newest seq in the file from this process
        self._watching = False
        self._pending_alarm: Reply | None = None

    async def start(self) -> None:
        """Make the file, and look for rows cut off while we were not watching."""
        if self._sink is not None:
            await asyncio.to_thread(self._sink.ensure)
            gap = await self._gap_since_last_run(self._sink)
            if gap is not None:
                await self._alarm(gap)
        self._audit.watch(self.on_appended)
        self._watching = True

    async def _gap_since_last_run(self, sink: CheckpointSink) -> Gap | None:
        checkpoints = await asyncio.to_thread(sink.read)
        if not checkpoints:
            return None
        first, last, _ = await self._audit.bounds()
        hashes = await self._audit.hashes_at([c.seq for c in checkpoints])
        return find_gap(checkpoints, first, last, hashes)

    async def _alarm(self, gap: Gap) -> None:
        """Loud, and on the record: the log, the chain itself and the admin rooms.

        Once per gap: the file keeps the evidence, so every later start finds it again.
        """
        recorded = await self._audit.latest(GAP_ACTION)
        if recorded is not None and _same_gap(recorded, gap):
            return
        log.error(
            "audit log: rows %d-%d are missing or were replaced (checkpoint at %d)",
            gap.first,
            gap.last,
            gap.checkpoint.seq,
        )
        await self._audit.append(
            ts_ms=self._now_ms(),
            actor=self._actor,
            action=GAP_ACTION,
            details={"first": gap.first, "last": gap.last, "db_last": gap.db_last},
        )
        self._pending_alarm = texts.audit_gap_alarm(gap.first, gap.last)

    def announce_pending(self) -> None:
        """Tell the admin rooms of a gap found at start-up, once the bot can speak."""
        if self._pending_alarm is not None:
            alarm, self._pending_alarm = self._pending_alarm, None
            self._tasks.spawn(self._tell_admins(alarm), "audit gap alarm")

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
        await self._tell_admins(texts.audit_checkpoint_notice(cp.seq, cp.hash))

    async def _tell_admins(self, reply: Reply) -> None:
        for room_id in await self._admin_rooms.all_rooms():
            try:
                await self._say(room_id, reply)
            except Exception:
                # The file still has it; one unreachable room must not stop the others.
                log.warning("audit notice not posted to %s", room_id, exc_info=True)

    async def stop(self) -> None:
        """The head at shutdown goes to the file, so a cut made while we are down shows."""
        if not self._watching:
            return
        self._audit.unwatch(self.on_appended)
        self._watching = False
        _, last, head = await self._audit.bounds()
        if head is not None:
            await self.checkpoint(Checkpoint(last, head), announce=False)
