"""Device trust (MSC4153): which devices get the bot's room keys, and whose commands count.

A device counts when its owner has cross-signed it and the owner's master key is the one the
bot pinned. Published keys are read through a port and cached per user; a device-list change
drops the cache, and a device the cache has not seen re-reads it (at most every few seconds).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain.trust import (
    CandidateDevice,
    IdentityState,
    Pin,
    PublishedIdentity,
    acts_for_owner,
    fingerprint,
    is_sending_device,
    judge_identity,
    may_read_own_dm,
)
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)

# A snapshot of someone's published keys is read again when it is older than this.
REFRESH_S = 300.0
# A device missing from the snapshot makes us read again, but not more often than this.
UNKNOWN_DEVICE_S = 5.0

ChangeHook = Callable[[str], Coroutine[Any, Any, None]]


class IdentitySource(Protocol):
    async def identities(self, user_ids: Sequence[str]) -> dict[str, PublishedIdentity]: ...


class PinStore(Protocol):
    async def get(self, user_id: str) -> Pin | None: ...
    async def pin_first(self, user_id: str, master_key: str, now_ms: int) -> None: ...
    async def mark_changed(self, user_id: str, new_key: str, now_ms: int) -> bool: ...
    async def confirm(self, user_id: str, new_key: str, now_ms: int) -> bool: ...


class Audit(Protocol):
    async def append(
        self,
        *,
        ts_ms: int,
        actor: str,
        action: str,
        room_id: str | None = None,
        subject: str | None = None,
        details: Any = None,
    ) -> Any: ...


class RoomKinds(Protocol):
    async def get(self, room_id: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class Judged:
    identity: PublishedIdentity
    state: IdentityState
    read_at: float


class DeviceTrust:
    def __init__(
        self,
        source: IdentitySource,
        pins: PinStore,
        audit: Audit,
        clock: Clock,
        rooms: RoomKinds,
        bot_user_id: str,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._pins = pins
        self._audit = audit
        self._clock = clock
        self._rooms = rooms
        self._bot = bot_user_id
        self._monotonic = monotonic
        self._judged: dict[str, Judged] = {}
        self._on_change: list[ChangeHook] = []
        self._tasks = TaskGroup()

    def on_identity_change(self, hook: ChangeHook) -> None:
        self._on_change.append(hook)

    def forget(self, user_ids: Iterable[str]) -> None:
        """Their devices or keys changed on the server: read them again when next needed."""
        for user_id in user_ids:
            self._judged.pop(user_id, None)

    async def stop(self) -> None:
        await self._tasks.stop()

    # -- reading and judging ------------------------------------------------------------

    async def judge(self, user_ids: Sequence[str], fresh: bool = False) -> dict[str, Judged]:
        now = self._monotonic()
        stale = [
            u
            for u in dict.fromkeys(user_ids)
            if fresh or u not in self._judged or now - self._judged[u].read_at > REFRESH_S
        ]
        if stale:
            published = await self._source.identities(stale)
            for user_id in stale:
                identity = published.get(user_id) or PublishedIdentity(user_id, None)
                self._judged[user_id] = Judged(identity, await self._pin(identity), now)
        return {u: self._judged[u] for u in user_ids}

    async def _pin(self, identity: PublishedIdentity) -> IdentityState:
        user_id, master = identity.user_id, identity.master_key
        pin = await self._pins.get(user_id)
        state = judge_identity(pin, master)
        now_ms = self._clock.now_ms()
        if state is IdentityState.FIRST_SEEN and master is not None:
            await self._pins.pin_first(user_id, master, now_ms)
        elif state is IdentityState.CHANGED and master is not None and pin is not None:
            if await self._pins.mark_changed(user_id, master, now_ms):
                await self._audit.append(
                    ts_ms=now_ms,
                    actor=user_id,
                    action="identity_changed",
                    subject=user_id,
                    details={"old": fingerprint(pin.master_key), "new": fingerprint(master)},
                )
                log.warning("the cross-signing identity of %s changed", user_id)
                for hook in self._on_change:
                    self._tasks.spawn(hook(user_id), f"identity change of {user_id}")
            state = IdentityState.UNCONFIRMED
        return state

    # -- room keys ----------------------------------------------------------------------

    async def shareable(
        self, room_id: str, candidates: Sequence[CandidateDevice]
    ) -> set[tuple[str, str]]:
        """The (user, device) pairs that may receive the bot's room keys for ``room_id``."""
        users = [c.user_id for c in candidates if c.user_id != self._bot]
        judged = await self.judge(users)
        unknown = [
            c.user_id
            for c in candidates
            if c.user_id in judged
            and c.device_id not in judged[c.user_id].identity.signed_devices
            and self._monotonic() - judged[c.user_id].read_at > UNKNOWN_DEVICE_S
        ]
        if unknown:
            judged.update(await self.judge(unknown, fresh=True))
        record = await self._rooms.get(room_id)
        dm_user = record.dm_user_id if record is not None and record.kind == "dm" else None
        allowed: set[tuple[str, str]] = set()
        for c in candidates:
            verdict = judged.get(c.user_id)
            if verdict is None:
                continue
            ok = acts_for_owner(verdict.state) or (
                c.user_id == dm_user and may_read_own_dm(verdict.state)
            )
            if ok and verdict.identity.signed_devices.get(c.device_id) == c.keys:
                allowed.add((c.user_id, c.device_id))
        return allowed

    # -- commands -----------------------------------------------------------------------

    async def sender_trusted(
        self, user_id: str, curve25519: str | None, session_ed25519: str | None
    ) -> bool:
        """Whether a decrypted event came from a cross-signed device of a pinned identity."""
        if curve25519 is None or session_ed25519 is None:
            return False  # a forwarded or unknown session is bound to no device
        for fresh in (False, True):  # a device signed a moment ago is read again once
            verdict = (await self.judge([user_id], fresh=fresh))[user_id]
            if acts_for_owner(verdict.state) and any(
                is_sending_device(keys, curve25519, session_ed25519)
                for keys in verdict.identity.signed_devices.values()
            ):
                return True
        return False

    async def state_of(self, user_id: str) -> IdentityState:
        return (await self.judge([user_id], fresh=True))[user_id].state

    async def confirm(self, user_id: str, by: str, room_id: str | None) -> bool:
        """Accept ``user_id``'s changed identity as theirs; False if nothing waits."""
        verdict = (await self.judge([user_id], fresh=True))[user_id]
        master = verdict.identity.master_key
        if verdict.state is not IdentityState.UNCONFIRMED or master is None:
            return False
        now_ms = self._clock.now_ms()
        if not await self._pins.confirm(user_id, master, now_ms):
            return False
        await self._audit.append(
            ts_ms=now_ms,
            actor=by,
            action="identity_confirmed",
            room_id=room_id,
            subject=user_id,
            details={"key": fingerprint(master)},
        )
        self.forget([user_id])
        return True
