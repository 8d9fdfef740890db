"""Command use case: parse, authorise by role and room, run the handler, answer in Norwegian.

Every path ends in a Reply: unknown commands point to !hjelp, and unexpected failures give
the person a reference number that is logged with the error (never a traceback, never silence).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from samsnakk_bot.domain import texts
from samsnakk_bot.domain import texts as talk
from samsnakk_bot.domain.answers import read_answer
from samsnakk_bot.domain.commands import (
    IN_BRUKERROM,
    IN_DM,
    PLACES,
    CommandMatch,
    CommandRegistry,
    ParsedCommand,
    default_registry,
    parse_command,
)
from samsnakk_bot.domain.help import render_command_help, render_help, render_unknown
from samsnakk_bot.domain.i18n import speaking
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.metrics import Metrics
from samsnakk_bot.services.store_ports import AccountStore, RoomStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommandContext:
    sender: str
    room_id: str
    where: str
    role: str | None
    match: CommandMatch


CommandHandler = Callable[[CommandContext], Awaitable[Reply | None]]
# (sender, room_id, command name): told of every refused command, for the audit log; may
# give the answer instead of the general "not here" one.
RefusalHook = Callable[[str, str, str], Awaitable[Reply | None]]
# A sender's role for the commands' audiences (``None``: unknown, or none any more).
RoleResolver = Callable[[str], Awaitable[str | None]]
# (sender, room_id, where): the language to answer in (services/languages.py).
LanguageResolver = Callable[[str, str, str], Awaitable[str]]
# (sender, room_id, body): plain text in a brukerrom, e.g. a «ja» to a pending question (D142).
PlainTextHandler = Callable[[str, str, str], Awaitable[Reply | None]]


class CommandService:
    def __init__(
        self,
        accounts: AccountStore,
        rooms: RoomStore,
        metrics: Metrics,
        registry: CommandRegistry | None = None,
    ) -> None:
        self._accounts = accounts
        self._rooms = rooms
        self._metrics = metrics
        self.registry = registry or default_registry()
        self._handlers: dict[str, CommandHandler] = {"hjelp": self._hjelp}
        self._on_refused: RefusalHook | None = None
        self._role_of: RoleResolver | None = None
        self._language_of: LanguageResolver | None = None
        self._plain_text: PlainTextHandler | None = None

    def on_refused(self, hook: RefusalHook) -> None:
        self._on_refused = hook

    def on_plain_text(self, handler: PlainTextHandler) -> None:
        """Who hears plain text in a brukerrom; without one, it is conversation and ignored."""
        self._plain_text = handler

    def set_role_resolver(self, resolver: RoleResolver) -> None:
        """Where a sender's role comes from; without one, the dev stack's ``accounts.role``."""
        self._role_of = resolver

    def set_language_resolver(self, resolver: LanguageResolver) -> None:
        """Whose language an answer is in; without one, bokmål."""
        self._language_of = resolver

    async def _role(self, sender: str) -> str | None:
        if self._role_of is not None:
            return await self._role_of(sender)
        account = await self._accounts.get(sender)
        return account.role if account is not None else None

    def add_handler(self, name: str, handler: CommandHandler) -> None:
        if self.registry.resolve(name) is None:
            raise ValueError(f"no command spec registered for {name!r}")
        self._handlers[name] = handler

    async def handle(self, sender: str, room_id: str, body: str) -> Reply | None:
        started = time.monotonic()
        record = await self._rooms.get(room_id)
        where = record.kind if record is not None and record.kind in PLACES else None
        parsed = parse_command(body)
        if where is None:
            return None  # not a room we serve; say nothing rather than leak anything
        if where == IN_DM and record is not None and record.dm_user_id != sender:
            return None  # a DM serves exactly one person
        language = None
        if self._language_of is not None:
            language = await self._language_of(sender, room_id, where)
        with speaking(language):
            return await self._answer(sender, room_id, where, body, parsed, started)

    async def _answer(
        self,
        sender: str,
        room_id: str,
        where: str,
        body: str,
        parsed: ParsedCommand | None,
        started: float,
    ) -> Reply | None:
        if parsed is None:
            if where == IN_DM:
                return texts.not_a_command_in_dm()
            return await self._plain(sender, room_id, body, where)
        match = self.registry.match(parsed)
        role = await self._role(sender)
        if match is None and read_answer(body) is not None:
            # «!ja», «!godkjenn» without a known command: a plain answer written as a command.
            answer = await self._plain(sender, room_id, body, where)
            if answer is not None:
                return answer
        if match is None:
            group = self.registry.subcommands(parsed.name)
            if group and not any(spec.available_to(role, where) for spec in group):
                # "!admin" alone would list commands this person may not use here.
                return await self._refused(sender, room_id, group[0].name.split()[0])
            self._metrics.commands.labels("unknown", "unknown").inc()
            return render_unknown(self.registry, parsed)
        name = match.spec.name
        if not match.spec.available_to(role, where) or name not in self._handlers:
            # The right place but not this person's command: say whose it is (D141).
            fitting = talk.refusal(match.spec.refusal) if where in match.spec.where else None
            return await self._refused(sender, room_id, name, fitting)
        ctx = CommandContext(sender, room_id, where, role, match)
        try:
            reply = await self._handlers[name](ctx)
        except Exception:
            ref = secrets.token_hex(4).upper()
            log.exception("command %s failed, reference %s", name, ref)
            self._metrics.commands.labels(name, "error").inc()
            return texts.unexpected_error(ref)
        self._metrics.commands.labels(name, "ok").inc()
        self._metrics.command_latency.observe(time.monotonic() - started)
        return reply

    async def _plain(self, sender: str, room_id: str, body: str, where: str) -> Reply | None:
        if where != IN_BRUKERROM or self._plain_text is None:
            return None
        try:
            return await self._plain_text(sender, room_id, body)
        except Exception:
            ref = secrets.token_hex(4).upper()
            log.exception("plain answer failed, reference %s", ref)
            return texts.unexpected_error(ref)

    async def _refused(
        self, sender: str, room_id: str, name: str, default: Reply | None = None
    ) -> Reply:
        self._metrics.commands.labels(name, "refused").inc()
        answer = None
        if self._on_refused is not None:
            answer = await self._on_refused(sender, room_id, name)
        return answer or default or texts.command_not_available(name)

    async def _hjelp(self, ctx: CommandContext) -> Reply:
        if ctx.match.raw_args.strip():
            return render_command_help(self.registry, ctx.match.raw_args)
        return render_help(self.registry, ctx.role, ctx.where)
