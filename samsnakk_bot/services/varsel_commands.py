"""``!varsel``: each person chooses their own channels, in their private chat with the bot.

Only in the DM: a phone number or an e-mail address typed into a brukerrom would be read by
everyone in it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from samsnakk_bot.crypto.labels import email_aad, phone_aad
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.records import VarselPrefs
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.varsler import parse_channels, parse_quiet
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.onboarding import OnboardingService
from samsnakk_bot.services.ports import Audit
from samsnakk_bot.services.room_common import CommandProblem, guarded
from samsnakk_bot.services.varsler import QUIET_OFF, VarselService

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


class VarselCommands:
    def __init__(self, service: VarselService, audit: Audit) -> None:
        self._svc = service
        self._audit = audit

    def register(self, commands: CommandService) -> None:
        commands.add_handler("varsel", guarded(self.varsel))
        commands.add_handler("varsel status", guarded(self.status))
        commands.add_handler("varsel stille", guarded(self.stille))
        commands.add_handler("varsel sms-oppsummering", guarded(self.oppsummering))

    async def _current(self, user_id: str) -> VarselPrefs:
        prefs, stored = await self._svc.settings(user_id)
        if stored is not None:
            return stored
        return VarselPrefs(user_id, prefs.channels, None, None, None, None, False)

    async def _save(self, prefs: VarselPrefs) -> None:
        await self._svc.d.prefs.save(prefs, self._svc.d.clock.now_ms())

    async def varsel(self, ctx: CommandContext) -> Reply:
        words = ctx.match.args
        current = await self._current(ctx.sender)
        cipher = self._svc.d.cipher
        if len(words) > 1 and words[0].lower() == "sms":
            phone = OnboardingService.normalise_phone(" ".join(words[1:]))
            current = replace(
                current, phone_enc=cipher.encrypt(phone.encode(), phone_aad(ctx.sender))
            )
            words = ("sms",)
        elif len(words) > 1 and words[0].lower() in ("epost", "e-post"):
            address = " ".join(words[1:]).strip()
            if not _EMAIL.match(address):
                raise CommandProblem(texts.VARSEL_BAD_EMAIL)
            current = replace(
                current, email_enc=cipher.encrypt(address.encode(), email_aad(ctx.sender))
            )
            words = ("epost",)
        channels = parse_channels(words)
        if channels is None:
            raise CommandProblem(texts.VARSEL_BAD_CHANNEL)
        if "sms" in channels and current.phone_enc is None:
            raise CommandProblem(texts.VARSEL_NEEDS_PHONE)
        if "epost" in channels and current.email_enc is None:
            raise CommandProblem(texts.VARSEL_NEEDS_EMAIL)
        await self._save(replace(current, channels=channels))
        return texts.varsel_saved(channels)

    async def status(self, ctx: CommandContext) -> Reply:
        prefs, stored = await self._svc.settings(ctx.sender)
        cipher = self._svc.d.cipher
        phone = email = None
        if stored is not None and stored.phone_enc is not None:
            phone = cipher.decrypt(stored.phone_enc, phone_aad(ctx.sender)).decode()
        if stored is not None and stored.email_enc is not None:
            email = cipher.decrypt(stored.email_enc, email_aad(ctx.sender)).decode()
        return texts.varsel_status(
            prefs.channels, phone, email, prefs.quiet, prefs.sms_summary, ctx.role == "bruker"
        )

    async def stille(self, ctx: CommandContext) -> Reply:
        current = await self._current(ctx.sender)
        arg = ctx.match.raw_args.strip()
        if arg.lower() == "av":
            await self._save(replace(current, quiet_start=QUIET_OFF, quiet_end=None))
            return Reply(texts.VARSEL_QUIET_OFF, None)
        quiet = parse_quiet(arg)
        if quiet is None:
            raise CommandProblem(texts.VARSEL_BAD_QUIET)
        await self._save(replace(current, quiet_start=quiet[0], quiet_end=quiet[1]))
        return texts.varsel_quiet_saved(*quiet)

    async def oppsummering(self, ctx: CommandContext) -> Reply:
        if ctx.role != "bruker":
            raise CommandProblem(texts.VARSEL_ONLY_BRUKER_SUMMARY)
        arg = ctx.match.raw_args.strip().lower()
        if arg not in ("på", "pa", "paa", "av"):
            spec = ctx.match.spec
            raise CommandProblem(texts.bad_arguments(spec.usage, spec.example))
        on = arg != "av"
        current = await self._current(ctx.sender)
        await self._save(replace(current, sms_summary=on))
        await self._audit.append(
            ts_ms=self._svc.d.clock.now_ms(),
            actor=ctx.sender,
            action="sms_summary_on" if on else "sms_summary_off",
            details={},
        )
        return texts.varsel_summary_saved(on)
