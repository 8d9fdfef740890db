"""``!admin katalog legg-til|endre|fjern``: an admin keeps their own organisation's directory.

The organisation is always the admin room's; an entry of another organisation can be neither
changed nor taken over. Contact details never go to the audit log, only who and what.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from samsnakk_bot.clock import Clock
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import TargetKind, classify_target
from samsnakk_bot.domain.directory import (
    CsvProblem,
    EntryIn,
    check_entry,
    merged_values,
    parse_fields,
)
from samsnakk_bot.domain.records import DirectoryEntry
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.policies import Organisation, Organisations
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.ports import Audit
from samsnakk_bot.services.room_common import CommandProblem, guarded
from samsnakk_bot.services.store_ports import DirectoryStore

OrgOf = Callable[[CommandContext], Awaitable[Organisation]]


class AdminKatalog:
    def __init__(
        self,
        org_of: OrgOf,
        directory: DirectoryStore,
        organisations: Organisations,
        audit: Audit,
        clock: Clock,
    ) -> None:
        self._org_of = org_of
        self._directory = directory
        self._orgs = organisations
        self._audit = audit
        self._clock = clock

    def register(self, commands: CommandService) -> None:
        commands.add_handler("admin katalog legg-til", guarded(self.legg_til))
        commands.add_handler("admin katalog endre", guarded(self.endre))
        commands.add_handler("admin katalog fjern", guarded(self.fjern))

    async def legg_til(self, ctx: CommandContext) -> Reply:
        org = await self._org_of(ctx)
        user_id, fields = self._split(ctx.match.raw_args)
        existing = await self._directory.get(user_id)
        # An inactive entry of another organisation is someone who changed job: theirs now.
        if existing is not None and existing.active and existing.org_id != org.id:
            raise CommandProblem(texts.ADMIN_OTHER_ORG)
        entry = self._checked(org, {**fields, "matrix_id": user_id})
        new = await self._directory.upsert(entry, ctx.sender, self._clock.now_ms())
        await self._audited(ctx, "katalog_add" if new else "katalog_replace", user_id, fields)
        return texts.admin_katalog_saved(entry.name, user_id, new)

    async def endre(self, ctx: CommandContext) -> Reply:
        org = await self._org_of(ctx)
        user_id, fields = self._split(ctx.match.raw_args)
        if not fields:
            raise CommandProblem(texts.ADMIN_KATALOG_NO_FIELDS)
        old = await self._own_entry(org, user_id)
        entry = self._checked(org, merged_values(_columns(old, org), fields))
        await self._directory.upsert(entry, ctx.sender, self._clock.now_ms())
        await self._audited(ctx, "katalog_edit", user_id, fields)
        return texts.admin_katalog_saved(entry.name, user_id, new=False)

    async def fjern(self, ctx: CommandContext) -> Reply:
        org = await self._org_of(ctx)
        user_id, _ = self._split(ctx.match.raw_args, fields_allowed=False)
        entry = await self._own_entry(org, user_id)
        await self._directory.deactivate(user_id, ctx.sender, self._clock.now_ms())
        await self._audited(ctx, "katalog_remove", user_id, {})
        return texts.admin_katalog_removed(entry.name, user_id)

    # -- helpers -----------------------------------------------------------------------

    def _split(self, raw: str, fields_allowed: bool = True) -> tuple[str, dict[str, str]]:
        first, rest = [*raw.strip().split(None, 1), "", ""][:2]
        target = classify_target(first) if first else None
        if target is None or target.kind is not TargetKind.MATRIX_ID:
            raise CommandProblem(texts.ADMIN_KATALOG_WHO)
        if not fields_allowed:
            return target.value, {}
        fields, problems = parse_fields(rest)
        if problems:
            raise CommandProblem(_problems(problems))
        return target.value, fields

    def _checked(self, org: Organisation, values: Mapping[str, str | None]) -> EntryIn:
        written = values.get("organisasjon")
        if written and self._orgs.by_id(written.lower()) not in (None, org):
            raise CommandProblem(texts.ADMIN_OTHER_ORG)
        if written and self._orgs.by_name(written) not in (None, org):
            raise CommandProblem(texts.ADMIN_OTHER_ORG)
        checked = check_entry({**values, "organisasjon": org.id}, self._orgs)
        if isinstance(checked, list):
            raise CommandProblem(_problems(checked))
        return checked

    async def _own_entry(self, org: Organisation, user_id: str) -> DirectoryEntry:
        entry = await self._directory.get(user_id)
        if entry is None or not entry.active:
            raise CommandProblem(texts.ADMIN_KATALOG_NOT_FOUND)
        if entry.org_id != org.id:
            raise CommandProblem(texts.ADMIN_OTHER_ORG)
        return entry

    async def _audited(
        self, ctx: CommandContext, what: str, user_id: str, fields: Mapping[str, str]
    ) -> None:
        # Which fields changed, never their values: e-mail and phone are personal data.
        await self._audit.append(
            ts_ms=self._clock.now_ms(),
            actor=ctx.sender,
            action="admin_action",
            room_id=ctx.room_id,
            subject=user_id,
            details={"what": what, "fields": ",".join(sorted(fields))},
        )


def _columns(entry: DirectoryEntry, org: Organisation) -> dict[str, str | None]:
    return {
        "matrix_id": entry.user_id,
        "navn": entry.name,
        "organisasjon": org.id,
        "enhet": entry.unit,
        "rolle": entry.role,
        "epost": entry.email,
        "telefon": entry.phone,
        "kan_hjelpe_med": entry.help_text,
    }


def _problems(problems: list[CsvProblem]) -> Reply:
    return texts.admin_katalog_problems(
        [texts.directory_problem(p.field, p.problem, p.detail) for p in problems]
    )
