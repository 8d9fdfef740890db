"""Onboarding a bruker who has no account yet: a one-time code, then ``!kode`` in a DM.

Codes are 8 characters from an alphabet without look-alikes (about 40 bits), single use,
72 h by policy, stored only as an HMAC, and wrong guesses are limited per account.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets

import phonenumbers

from samsnakk_bot.crypto.labels import code_phone_aad
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import room_name
from samsnakk_bot.domain.lifecycle import ParticipantRole
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.standing import Standing
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.room_common import CommandProblem, RoomDeps, RoomUseCase, guarded
from samsnakk_bot.services.store_ports import CodeStore

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0, 1
_CODE_RE = re.compile(r"^[A-Z0-9]{8}$")


def format_code(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str | None:
    cleaned = re.sub(r"[\s\-–]", "", text).upper()
    return cleaned if _CODE_RE.match(cleaned) else None


class OnboardingService(RoomUseCase):
    def __init__(self, deps: RoomDeps, codes: CodeStore, hash_key: bytes) -> None:
        super().__init__(deps)
        self._codes = codes
        self._key = hash_key

    def register(self, commands: CommandService) -> None:
        commands.add_handler("kode", guarded(self.kode))

    def _hash(self, code: str) -> str:
        return hmac.new(self._key, code.encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def normalise_phone(text: str) -> str:
        """Norwegian mobile numbers only, as E.164; anything else is a clear error."""
        try:
            number = phonenumbers.parse(text, "NO")
        except phonenumbers.NumberParseException:
            raise CommandProblem(texts.bad_phone(text)) from None
        kind = phonenumbers.number_type(number)
        mobile = kind in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        if not (phonenumbers.is_valid_number(number) and number.country_code == 47 and mobile):
            raise CommandProblem(texts.bad_phone(text))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    async def issue(self, room_id: str, creator: str, phone: str | None) -> str:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
        now = self.d.clock.now_ms()
        ttl = self.d.policies.policy.onboarding.code_ttl
        phone_enc = self.d.cipher.encrypt_text(phone, code_phone_aad(room_id)) if phone else None
        await self._codes.create(
            room_id, self._hash(raw), phone_enc, creator, now, now + int(ttl.total_seconds() * 1000)
        )
        await self.audit(room_id, creator, "code_issued")
        return format_code(raw)

    async def kode(self, ctx: CommandContext) -> Reply | None:
        policy = self.d.policies.policy.onboarding
        now = self.d.clock.now_ms()
        window_ms = int(policy.attempt_window.total_seconds() * 1000)
        failures, oldest = await self._codes.failures_since(ctx.sender, now - window_ms)
        if failures >= policy.max_failed_attempts:
            wait_ms = (oldest or now) + window_ms - now
            return texts.code_rate_limited(max(1, math.ceil(wait_ms / 60_000)))
        code = normalise_code(ctx.match.raw_args)
        if code is None:
            raise CommandProblem(texts.CODE_BAD_FORMAT)
        record = await self._codes.find(self._hash(code))
        if record is not None:
            await self._check_redeemer(record.room_id, record.created_by, ctx.sender)
        valid = record is not None and record.used_ms is None and now < record.expires_ms
        if not valid or record is None or not await self._codes.use(record.id, ctx.sender, now):
            await self._codes.add_failure(ctx.sender, now)
            await self.audit(record.room_id if record else None, ctx.sender, "code_failed")
            return texts.code_rejected(max(0, policy.max_failed_attempts - failures - 1))
        return await self._redeem(record.room_id, ctx.sender)

    async def _check_redeemer(self, room_id: str, creator: str, user: str) -> None:
        """Only a bruker's own account may become the room's bruker (security rule 6).

        Decided from what production records (domain/standing.py), not ``accounts.role``
        alone, which only the dev stack writes. Refusals are audited, not counted as guesses.
        """
        found = await self.d.people.standing(user)
        if user == creator or found is Standing.STAFF:
            await self.audit(room_id, user, "code_failed", details={"staff": True})
            raise CommandProblem(texts.CODE_NOT_FOR_STAFF)
        if found is not Standing.BRUKER:
            await self.audit(room_id, user, "code_failed", details={"not_bruker": True})
            raise CommandProblem(texts.CODE_ONLY_FOR_BRUKER)

    async def _redeem(self, room_id: str, user: str) -> Reply:
        now = self.d.clock.now_ms()
        if not await self.d.brukerrom.set_bruker(room_id, user):
            raise CommandProblem(texts.code_rejected(0))
        await self.d.participants.approve(room_id, user, ParticipantRole.BRUKER, now)
        if await self.d.accounts.get(user) is None:
            await self.d.accounts.upsert(user, "bruker", None, None, now)
        self.d.access.invalidate(room_id)
        await self.audit(room_id, user, "code_redeemed")
        await self.d.actions.invite(room_id, user)
        await self.audit(room_id, self.d.bot_user_id, "invited", subject=user)
        room = await self.d.brukerrom.get(room_id)
        assert room is not None
        return texts.code_accepted(room_name(self.d.policies.policy.room.name_prefix, room.label))
