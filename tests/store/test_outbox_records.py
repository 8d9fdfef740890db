"""The outbox records each varsel the moment its send returns (D175).

Recorded once for the whole batch, a crash while one slow send was still out repeated every
send of the batch: 65 SMS reached the provider twice after a kill -9 in the sustained bench.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bridge.channels.base import Delivery
from bridge.outbox_worker import OutboxWorker, ref_for_key
from samsnakk_bot.crypto.field_cipher import FieldCipher
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.policies import load_policies
from samsnakk_bot.store import Database
from samsnakk_bot.store.varsler import DeliveryReportRepo, NewVarsel, VarselRepo

FAST, SLOW = "@fast:hs.test", "@slow:hs.test"


class SlowForOne:
    """A channel whose provider answers at once for everyone but SLOW."""

    def __init__(self) -> None:
        self.delivered: list[str] = []
        self.release = asyncio.Event()

    async def deliver(self, delivery: Delivery) -> str | None:
        if delivery.user_id == SLOW:
            await self.release.wait()
        self.delivered.append(str(delivery.user_id))
        return f"provider-{delivery.ref}"

    async def close(self) -> None:
        return None


async def _status(repo: VarselRepo, user_id: str) -> str:
    (varsel,) = await repo.for_user(user_id)
    return varsel.status


async def test_a_sent_varsel_is_recorded_while_its_batch_is_still_in_flight(db: Database) -> None:
    repo = VarselRepo(db)
    for user in (FAST, SLOW):
        await repo.enqueue(
            NewVarsel(f"message:!r:{user}:app:$e", user, "app", "message", "!r", 0), 0
        )
    channel = SlowForOne()
    policies = load_policies(Path("policies"))
    worker = OutboxWorker(
        repo,
        {"app": channel},
        FieldCipher(b"k" * 32),
        lambda: 1,
        lambda: policies.policy.varsler,
        Metrics(),
    )

    draining = asyncio.create_task(worker.drain_once())
    for _ in range(200):
        if channel.delivered == [FAST] and await _status(repo, FAST) == "sent":
            break
        await asyncio.sleep(0.01)
    # A crash now would put only the slow one back: the fast one is already on record.
    assert await _status(repo, FAST) == "sent"
    assert await _status(repo, SLOW) == "sending"

    channel.release.set()
    assert await draining == 2
    assert await _status(repo, SLOW) == "sent"
    assert channel.delivered == [FAST, SLOW]


async def test_a_start_sends_again_only_what_no_delivery_report_shows_arrived(
    db: Database,
) -> None:
    """D180: a varsel still 'sending' whose report came (by our refId) reached its provider."""
    repo, reports = VarselRepo(db), DeliveryReportRepo(db)
    for user in (FAST, SLOW):
        await repo.enqueue(
            NewVarsel(f"message:!r:{user}:sms:$e", user, "sms", "message", "!r", 0), 0
        )
    claimed = {v.user_id: v for v in await repo.claim_due(1, 10)}
    arrived = claimed[FAST]
    await reports.add("linkmobility", "link-1", ref_for_key(arrived.idem_key), 1001, True, 5)
    await reports.add("linkmobility", "link-x", "someone-elses-ref", 1001, True, 5)

    released = await repo.release_inflight(ref_for_key)

    assert (released.resumed, released.already_sent) == (1, 1)
    (fast,) = await repo.for_user(FAST)
    (slow,) = await repo.for_user(SLOW)
    assert (fast.status, fast.provider_ref, fast.attempts) == ("delivered", "link-1", 1)
    assert (slow.status, slow.provider_ref, slow.attempts) == ("pending", None, 0)
