"""The appservice inbox: persist first, then process each event once, in order.

Synapse on SQLite restarts txnIds at 1 after a restart, so de-duplication is by event ID.
Only state events keep their content: the inbox never needs message content, and keeping
it would put data at rest that the E2EE design keeps off our disks.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain.records import InboxEventIn
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.services.store_ports import InboxStore

log = logging.getLogger(__name__)

EventHandler = Callable[[dict[str, Any]], Awaitable[None]]
# Sees each persisted transaction's events as they came, content included; must not block.
LiveListener = Callable[[list[dict[str, Any]]], None]

_KEPT_CONTENT_KEYS = ("m.relates_to", "m.mentions", "msgtype")


def minimise(event: dict[str, Any]) -> dict[str, Any]:
    """The event as we store it: full for state, metadata only for everything else."""
    if "state_key" in event:
        return event
    kept: dict[str, Any] = {
        k: event[k]
        for k in ("event_id", "type", "sender", "room_id", "origin_server_ts", "redacts")
        if k in event
    }
    content = event.get("content")
    if isinstance(content, dict) and event.get("type") != "m.room.encrypted":
        kept["content"] = {k: content[k] for k in _KEPT_CONTENT_KEYS if k in content}
    return kept


def to_inbox_event(raw: dict[str, Any], now_ms: int) -> InboxEventIn | None:
    event_id = raw.get("event_id")
    if not isinstance(event_id, str) or not event_id:
        return None  # ephemeral events carry no ID and are not ours to keep
    state_key = raw.get("state_key")
    return InboxEventIn(
        event_id=event_id,
        room_id=str(raw.get("room_id", "")) or None,
        event_type=str(raw.get("type", "")),
        sender=str(raw.get("sender", "")),
        state_key=state_key if isinstance(state_key, str) else None,
        payload=json.dumps(minimise(raw), separators=(",", ":")),
        received_ms=now_ms,
    )


class InboxService:
    def __init__(
        self, repo: InboxStore, clock: Clock, metrics: Metrics, batch_size: int = 200
    ) -> None:
        self._repo = repo
        self._clock = clock
        self._metrics = metrics
        self._batch = batch_size
        self._handlers: list[EventHandler] = []
        self._listeners: list[LiveListener] = []
        self._wake = asyncio.Event()

    def add_handler(self, handler: EventHandler) -> None:
        self._handlers.append(handler)

    def add_live_listener(self, listener: LiveListener) -> None:
        """Also hand each transaction, once persisted, to ``listener`` as it came: the bot
        opens messages from here instead of waiting for its /sync (D176)."""
        self._listeners.append(listener)

    async def accept_transaction(self, txn_id: str, events: list[dict[str, Any]]) -> int:
        now = self._clock.now_ms()
        rows = [r for r in (to_inbox_event(e, now) for e in events) if r is not None]
        new = await self._repo.add_events(txn_id, rows) if rows else 0
        if new:
            self._wake.set()
        for listener in self._listeners:
            try:
                listener(events)
            except Exception:
                # The events are persisted; failing the transaction would only repeat it.
                log.exception("live listener failed for transaction %s", txn_id)
        return new

    async def process_pending(self) -> int:
        """Handle one batch; returns how many events were handled."""
        batch = await self._repo.fetch_pending(self._batch)
        for row in batch:
            event = json.loads(row.payload)
            for handler in self._handlers:
                try:
                    await handler(event)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    # One bad event must not stall the inbox; it is logged by ID only.
                    self._metrics.handler_errors.labels("inbox").inc()
                    log.exception("handler failed for event %s", row.event_id)
        if batch:
            await self._repo.mark_processed([r.id for r in batch], self._clock.now_ms())
            self._metrics.events_processed.inc(len(batch))
        return len(batch)

    async def run(self, idle_poll: float = 1.0) -> None:
        while True:
            # Clear before draining, so a wake-up during the drain is not lost.
            self._wake.clear()
            try:
                while await self.process_pending():
                    pass
                self._metrics.inbox_pending.set(0)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("inbox processing failed; retrying")
            try:
                await asyncio.wait_for(self._wake.wait(), idle_poll)
            except TimeoutError:
                pass
