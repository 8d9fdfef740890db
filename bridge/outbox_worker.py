"""The outbox worker: claim due varsler, send them, record the outcome, retry with backoff.

Delivery is at least once towards the provider and never twice to the person: each varsel
carries its idempotency key to the channel (Matrix transaction ID, SMS refId, e-mail
Message-ID), and the row is claimed ('sending') before any attempt. Channels are looked up by
name in the mapping the wiring built from bridge/channels/registry.py; the worker knows none.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from bridge.channels.base import Channel, Delivery, PermanentFailure, TemporaryFailure
from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.crypto.labels import address_aad, secret_aad
from samsnakk_bot.domain.i18n import speaking
from samsnakk_bot.domain.varsler import backoff_ms
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.policies import VarselPolicy
from samsnakk_bot.store.varsler import Outcome, Varsel, VarselRepo

log = logging.getLogger(__name__)


def opaque_ref(v: Varsel) -> str:
    """The reference a provider sees: stable per varsel, but no Matrix ID or room ID in it."""
    return ref_for_key(v.idem_key)


def ref_for_key(idem_key: str) -> str:
    return hashlib.sha256(idem_key.encode()).hexdigest()[:32]


class OutboxWorker:
    def __init__(
        self,
        outbox: VarselRepo,
        channels: Mapping[str, Channel],
        cipher: FieldCipher,
        now_ms: Callable[[], int],
        policy: Callable[[], VarselPolicy],
        metrics: Metrics,
        batch: int = 100,
        concurrency: int = 20,
        language_of: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        self._outbox = outbox
        self._channels = channels
        self._cipher = cipher
        self._now_ms = now_ms
        self._policy = policy
        self._metrics = metrics
        # The addressee's language (D131); without it, or for a number with no person, bokmål.
        self._language_of = language_of
        self._batch = batch
        self._limit = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        # Seen by the fan-out bench: when each varsel reached its provider call.
        self.on_provider_call: Callable[[Varsel, float], None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def close(self) -> None:
        for channel in self._channels.values():
            await channel.close()

    async def run(self, idle_s: float = 1.0) -> None:
        # A send in flight at a crash may have reached the provider; its delivery report,
        # found by our refId, says so, and then it is not sent twice (D180).
        released = await self._outbox.release_inflight(ref_for_key)
        if released.resumed or released.already_sent:
            log.info(
                "of the varsler in flight at the last stop, %d are sent again and %d had "
                "reached their provider",
                released.resumed,
                released.already_sent,
            )
        while True:
            self._wake.clear()
            try:
                while await self.drain_once():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox pass failed; retrying")
            timeout = await self._sleep_s(idle_s)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except TimeoutError:
                pass

    async def _sleep_s(self, idle_s: float) -> float:
        due = await self._outbox.next_due_ms()
        if due is None:
            return idle_s
        return max(0.01, min(idle_s, (due - self._now_ms()) / 1000))

    async def drain_once(self) -> int:
        claimed = await self._outbox.claim_due(self._now_ms(), self._batch)
        if not claimed:
            return 0
        await asyncio.gather(*(self._attempt_and_record(v) for v in claimed))
        return len(claimed)

    async def _attempt_and_record(self, v: Varsel) -> None:
        # Each outcome is written as soon as its send returns. Written once for the batch, a
        # crash repeated every send of it: 65 SMS twice after a kill -9 in the sustained
        # bench (D175). Now only a send still in flight can go out again.
        await self._outbox.record([await self._attempt(v)])

    async def _attempt(self, v: Varsel) -> Outcome:
        async with self._limit:
            attempts = v.attempts + 1
            try:
                ref = await self._send(v)
            except TemporaryFailure as err:
                return self._retry_or_dead(v, attempts, err.reason, err.retry_after_s)
            except PermanentFailure as err:
                self._metrics.varsler.labels(v.channel, "dead").inc()
                log.warning("varsel %s on %s failed permanently: %s", v.id, v.channel, err.reason)
                return Outcome(
                    v.id, "dead", attempts, v.not_before_ms, None, err.reason[:250], self._now_ms()
                )
            except Exception as err:
                log.warning("varsel %s on %s failed", v.id, v.channel, exc_info=True)
                return self._retry_or_dead(v, attempts, type(err).__name__, None)
            self._metrics.varsler.labels(v.channel, "sent").inc()
            return Outcome(v.id, "sent", attempts, v.not_before_ms, ref, None, self._now_ms())

    def _retry_or_dead(
        self, v: Varsel, attempts: int, reason: str, retry_after_s: float | None
    ) -> Outcome:
        policy = self._policy()
        now = self._now_ms()
        if attempts >= policy.max_attempts:
            self._metrics.varsler.labels(v.channel, "dead").inc()
            log.warning("varsel %s dead after %d attempts: %s", v.id, attempts, reason)
            return Outcome(v.id, "dead", attempts, v.not_before_ms, None, reason[:250], now)
        delay = backoff_ms(
            attempts,
            int(policy.backoff_base.total_seconds() * 1000),
            int(policy.backoff_max.total_seconds() * 1000),
        )
        if retry_after_s is not None:
            delay = max(delay, int(retry_after_s * 1000))
        self._metrics.varsler.labels(v.channel, "retry").inc()
        return Outcome(v.id, "pending", attempts, now + delay, None, reason[:250], now)

    async def _send(self, v: Varsel) -> str | None:
        language = None
        if self._language_of is not None and v.user_id is not None:
            language = await self._language_of(v.user_id)
        with speaking(language):
            return await self._send_in_language(v)

    async def _send_in_language(self, v: Varsel) -> str | None:
        if self.on_provider_call is not None:
            self.on_provider_call(v, time.perf_counter())
        channel = self._channels.get(v.channel)
        if channel is None:
            raise PermanentFailure(f"no {v.channel} channel configured")
        return await channel.deliver(self._delivery(v))

    def _delivery(self, v: Varsel) -> Delivery:
        """The row as its channel needs it: address and secret decrypted, bound to this row."""
        address = (
            self._cipher.decrypt(v.address_enc, address_aad(v.idem_key)).decode()
            if v.address_enc is not None
            else None
        )
        secret = (
            self._cipher.decrypt(v.secret_enc, secret_aad(v.idem_key))
            if v.secret_enc is not None
            else None
        )
        return Delivery(
            channel=v.channel,
            kind=v.kind,
            count=v.count,
            user_id=v.user_id,
            idem_key=v.idem_key,
            ref=opaque_ref(v),
            address=address,
            secret=secret,
        )
