"""Varsler use cases: decide who gets what, on which channel, and when; then enqueue.

Nothing is sent from here. Every varsel gets its idempotency key and its row in the outbox
first; the outbox worker (bridge/outbox_worker.py) does the sending.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from samsnakk_bot.clock import Clock
from samsnakk_bot.crypto.labels import address_aad, email_aad, phone_aad, secret_aad
from samsnakk_bot.domain.lifecycle import RoomState
from samsnakk_bot.domain.records import NewVarsel, VarselPrefs
from samsnakk_bot.domain.timezone import OSLO
from samsnakk_bot.domain.varsler import (
    Kind,
    Prefs,
    Throttle,
    channels_for,
    held_by_quiet_hours,
    quiet_release,
    throttle,
)
from samsnakk_bot.policies import Policies
from samsnakk_bot.services.store_ports import (
    AccountStore,
    BrukerromStore,
    FieldCrypto,
    Outbox,
    ParticipantStore,
    PrefsStore,
    RoomStore,
)

log = logging.getLogger(__name__)


# Stored as quiet_start when the person has turned quiet hours off (None means policy default).
QUIET_OFF = -1


@dataclass
class VarselDeps:
    bot_user_id: str
    outbox: Outbox
    prefs: PrefsStore
    accounts: AccountStore
    rooms: RoomStore
    brukerrom: BrukerromStore
    participants: ParticipantStore
    cipher: FieldCrypto
    clock: Clock
    policies: Policies
    # Channels this installation can actually send on (app always; the others if configured).
    available: frozenset[str]
    wake: Callable[[], None]


class VarselService:
    def __init__(self, deps: VarselDeps) -> None:
        self.d = deps

    # -- whose settings ------------------------------------------------------------------

    async def settings(self, user_id: str) -> tuple[Prefs, VarselPrefs | None]:
        stored = await self.d.prefs.get(user_id)
        policy = self.d.policies.policy.varsler
        quiet: tuple[int, int] | None = (policy.quiet_start, policy.quiet_end)
        if stored is None:
            account = await self.d.accounts.get(user_id)
            defaults = (
                policy.bruker_channels
                if account and account.role == "bruker"
                else policy.staff_channels
            )
            prefs = Prefs(tuple(defaults), False, False, quiet)
        else:
            if stored.quiet_start == QUIET_OFF:
                quiet = None
            elif stored.quiet_start is not None and stored.quiet_end is not None:
                quiet = (stored.quiet_start, stored.quiet_end)
            prefs = Prefs(
                stored.channels,
                has_phone=stored.phone_enc is not None and "sms" in self.d.available,
                has_email=stored.email_enc is not None and "epost" in self.d.available,
                quiet=quiet,
                sms_summary=stored.sms_summary,
            )
        return prefs, stored

    def _address(
        self, channel: str, user_id: str, stored: VarselPrefs | None, idem_key: str
    ) -> bytes | None:
        """The address as it is now, re-encrypted for the outbox row."""
        if stored is None:
            return None
        # The addresses a person can store; a channel without one (the app) gets none.
        addresses = {
            "sms": (stored.phone_enc, phone_aad(user_id)),
            "epost": (stored.email_enc, email_aad(user_id)),
        }
        blob, aad = addresses.get(channel, (None, b""))
        if blob is None:
            return None
        return self.d.cipher.encrypt(self.d.cipher.decrypt(blob, aad), address_aad(idem_key))

    def _not_before(self, channel: str, kind: Kind, prefs: Prefs, at_ms: int) -> int:
        if not held_by_quiet_hours(channel, kind):
            return at_ms
        local = datetime.fromtimestamp(at_ms / 1000, UTC).astimezone(OSLO)
        return int(quiet_release(local, prefs.quiet).timestamp() * 1000)

    async def enqueue_calendar(self, user_id: str, key: str, ics: bytes) -> bool:
        """An iCalendar e-mail to a staff member who has an e-mail address; False if none."""
        if "epost" not in self.d.available:
            return False
        _, stored = await self.settings(user_id)
        idem_key = f"calendar:-:{user_id}:epost:{key}"
        address = self._address("epost", user_id, stored, idem_key)
        if address is None:
            return False
        now = self.d.clock.now_ms()
        made = await self.d.outbox.enqueue(
            NewVarsel(
                idem_key=idem_key,
                user_id=user_id,
                channel="epost",
                kind="calendar",
                room_id=None,
                not_before_ms=now,
                address_enc=address,
                secret_enc=self.d.cipher.encrypt(ics, secret_aad(idem_key)),
            ),
            now,
        )
        if made:
            self.d.wake()
        return made

    async def wants_summary_text(self, user_id: str) -> bool:
        prefs, _ = await self.settings(user_id)
        return prefs.sms_summary and prefs.has_phone

    # -- enqueueing ----------------------------------------------------------------------

    async def notify(
        self,
        user_id: str,
        kind: Kind,
        room_id: str | None,
        event_key: str,
        secret: str | None = None,
    ) -> int:
        """Enqueue this person's varsel on each of their channels; returns how many rows."""
        if user_id == self.d.bot_user_id:
            return 0
        prefs, stored = await self.settings(user_id)
        now = self.d.clock.now_ms()
        period = int(self.d.policies.policy.varsler.throttle_period.total_seconds() * 1000)
        made = 0
        for channel in channels_for(prefs, kind):
            at = now
            idem_key = f"{kind.value}:{room_id or '-'}:{user_id}:{channel}:{event_key}"
            if await self.d.outbox.exists(idem_key):
                continue  # a replayed trigger: this event was already counted
            if kind is Kind.MESSAGE and room_id is not None:
                if await self.d.outbox.merge_into_pending(user_id, room_id, kind, channel):
                    continue
                last = await self.d.outbox.last_sent_ms(user_id, room_id, kind, channel)
                if throttle(last, False, now, period) is Throttle.LATER and last is not None:
                    at = last + period
            secret_enc = (
                self.d.cipher.encrypt(secret.encode(), secret_aad(idem_key))
                if secret and channel == "sms"
                else None
            )
            made += await self.d.outbox.enqueue(
                NewVarsel(
                    idem_key=idem_key,
                    user_id=user_id,
                    channel=channel,
                    kind=kind.value,
                    room_id=room_id,
                    not_before_ms=self._not_before(channel, kind, prefs, at),
                    address_enc=self._address(channel, user_id, stored, idem_key),
                    secret_enc=secret_enc,
                ),
                now,
            )
        if made:
            self.d.wake()
        return made

    async def notify_phone(self, phone_e164: str, code: str, room_id: str, key: str) -> bool:
        """The onboarding code, by SMS to a number that has no account yet."""
        if "sms" not in self.d.available:
            return False
        now = self.d.clock.now_ms()
        idem_key = f"{Kind.ONBOARDING_CODE.value}:{room_id}:-:sms:{key}"
        made = await self.d.outbox.enqueue(
            NewVarsel(
                idem_key=idem_key,
                user_id=None,
                channel="sms",
                kind=Kind.ONBOARDING_CODE.value,
                room_id=room_id,
                not_before_ms=now,
                address_enc=self.d.cipher.encrypt(phone_e164.encode(), address_aad(idem_key)),
                secret_enc=self.d.cipher.encrypt(code.encode(), secret_aad(idem_key)),
            ),
            now,
        )
        if made:
            self.d.wake()
        return made

    # -- the message trigger (appservice transactions) -----------------------------------

    async def on_event(self, event: dict[str, Any]) -> None:
        """A new message in a brukerrom notifies every other member; content is never read."""
        if "state_key" in event or event.get("type") not in ("m.room.encrypted", "m.room.message"):
            return
        sender = str(event.get("sender", ""))
        room_id = str(event.get("room_id", ""))
        if sender == self.d.bot_user_id:
            return  # the bot's own messages carry their own, specific varsler
        record = await self.d.rooms.get(room_id)
        if record is None or record.kind != "brukerrom":
            return
        room = await self.d.brukerrom.get(room_id)
        if room is None or room.state != RoomState.ACTIVE:
            return
        for p in await self.d.participants.in_room(room_id):
            if p.user_id != sender:
                await self.notify(p.user_id, Kind.MESSAGE, room_id, str(event["event_id"]))
