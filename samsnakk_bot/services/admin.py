"""Kommune admins: one encrypted admin room per organisation, reports and audit exports.

An admin acts only on their own organisation. Everything an admin does, or tries to do
without the right, goes to the audit log.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import TargetKind, classify_target, room_name
from samsnakk_bot.domain.lifecycle import RoomState
from samsnakk_bot.domain.records import AuditEntry
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.report import Period, PeriodProblem, parse_period, shown
from samsnakk_bot.policies import HELSEFELLESSKAP_ID, Organisation
from samsnakk_bot.report_output import figures_png
from samsnakk_bot.services.admin_roster import AdminRoster
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.offboarding import Offboarded, Offboarding
from samsnakk_bot.services.people import Found
from samsnakk_bot.services.room_common import CommandProblem, RoomDeps, RoomUseCase, guarded
from samsnakk_bot.services.store_ports import DirectoryStore, UsageReports

log = logging.getLogger(__name__)
OSLO = ZoneInfo("Europe/Oslo")


class AdminService(RoomUseCase):
    def __init__(
        self,
        deps: RoomDeps,
        roster: AdminRoster,
        usage: UsageReports,
        directory: DirectoryStore,
        offboarding: Offboarding,
    ) -> None:
        super().__init__(deps)
        self._roster = roster
        self._admin_rooms = roster.rooms
        self._usage = usage
        self._directory = directory
        self._offboarding = offboarding

    def register(self, commands: CommandService) -> None:
        commands.add_handler("admin rapport", guarded(self.rapport))
        commands.add_handler("admin revisjon", guarded(self.revisjon))
        commands.add_handler("admin deaktiver", guarded(self.deaktiver))
        commands.add_handler("admin rom", guarded(self.rom))

    # -- the rooms ---------------------------------------------------------------------

    async def ensure_admin_rooms(self) -> int:
        """An encrypted admin room for every organisation with an admin who exists.

        Admins are those the roster names (services/admin_roster.py); the guard keeps the
        room's membership in step with it afterwards.
        """
        made = 0
        for org in self.d.policies.organisations.organisations:
            if await self._admin_rooms.room_for(org.id) is not None:
                continue
            candidates = sorted(await self._roster.admins_of(org.id))
            admins = [a for a in candidates if await self._reachable(a)]
            if not admins:
                continue
            await self._make_admin_room(org.id, org.name, admins)
            made += 1
        hf = self.d.policies.organisations.helsefellesskap
        if hf is not None and await self._admin_rooms.room_for(HELSEFELLESSKAP_ID) is None:
            viewers = [v for v in hf.report_viewers if await self._reachable(v)]
            if viewers:
                await self._make_admin_room(HELSEFELLESSKAP_ID, hf.name, viewers)
                made += 1
        return made

    async def _reachable(self, user_id: str) -> bool:
        """Whether the account exists; one on a server we cannot reach must not stop the rest."""
        try:
            return await self.d.actions.user_exists(user_id)
        except Exception:
            log.warning("admin %s could not be looked up; no admin room for them yet", user_id)
            return False

    async def _make_admin_room(self, org_id: str, name: str, admins: list[str]) -> None:
        for admin in admins:
            self.d.access.expect_invite(admin)
        room_id = await self.d.actions.create_admin_room(
            f"{texts.ADMIN_ROOM_NAME} · {name}", admins
        )
        now = self.now()
        await self.d.rooms.upsert_kind(room_id, "admin", now_ms=now)
        await self.d.rooms.set_encrypted(room_id, "m.megolm.v1.aes-sha2", now)
        await self._admin_rooms.add(org_id, room_id, now)
        await self.audit(
            room_id,
            self.d.bot_user_id,
            "admin_action",
            details={"what": "admin_room_created", "org": org_id},
        )

    async def _admin_rooms_invite(self, room_id: str, user_id: str) -> None:
        """Invite an admin added after the room was made (e.g. a new admin in policies)."""
        self.d.access.expect_invite(user_id)
        await self.d.actions.invite(room_id, user_id)

    async def org_for(self, ctx: CommandContext) -> Organisation:
        """The room's organisation, if the sender is one of its admins; audited refusal else."""
        org_id = await self._admin_rooms.org_of(ctx.room_id)
        if org_id == HELSEFELLESSKAP_ID:
            await self.audit(
                ctx.room_id, ctx.sender, "admin_refused", details={"command": ctx.match.spec.name}
            )
            raise CommandProblem(texts.AGGREGATE_ONLY)
        org = self.d.policies.organisations.by_id(org_id) if org_id else None
        if org is None or not await self._roster.is_admin(org.id, ctx.sender):
            await self.audit(
                ctx.room_id, ctx.sender, "admin_refused", details={"command": ctx.match.spec.name}
            )
            raise CommandProblem(texts.ADMIN_ONLY)
        return org

    def _period(self, text: str) -> Period:
        period = parse_period(text.strip(), datetime.now(OSLO))
        if isinstance(period, PeriodProblem):
            raise CommandProblem(texts.REPORT_PERIOD_PROBLEMS[period.name])
        return period

    # -- !admin rapport ----------------------------------------------------------------

    async def _report_scope(self, ctx: CommandContext) -> tuple[str, str | None, str]:
        """(name shown, organisation filter or None for all, id for the audit log)."""
        hf = self.d.policies.organisations.helsefellesskap
        if hf is not None and await self._admin_rooms.org_of(ctx.room_id) == HELSEFELLESSKAP_ID:
            if ctx.sender in hf.report_viewers:
                return hf.name, None, HELSEFELLESSKAP_ID
        org = await self.org_for(ctx)
        return org.name, org.name, org.id

    async def rapport(self, ctx: CommandContext) -> Reply | None:
        name, org_filter, scope_id = await self._report_scope(ctx)
        period = self._period(ctx.match.raw_args)
        figures = await self._usage.usage_figures(
            org_filter, period, exclude_senders=[self.d.bot_user_id], now_ms=self.now()
        )
        lines = [(texts.REPORT_LABELS.get(f.key, f.key), shown(f)) for f in figures]
        label = f"{period.first_day:%d.%m.%Y}–{period.last_day:%d.%m.%Y}"
        await self.d.actions.say(ctx.room_id, texts.admin_report_intro(name, label, lines))
        # matplotlib is CPU work: keep it off the event loop.
        png = await asyncio.to_thread(
            figures_png, figures, f"{texts.REPORT_TITLE} – {name}", texts.REPORT_LABELS
        )
        await self.d.actions.send_file(
            ctx.room_id, png, "image/png", "samsnakk-rapport.png", "m.image"
        )
        await self.audit(
            ctx.room_id, ctx.sender, "admin_action", details={"what": "report", "org": scope_id}
        )
        return None

    # -- !admin revisjon ---------------------------------------------------------------

    async def revisjon(self, ctx: CommandContext) -> Reply | None:
        org = await self.org_for(ctx)
        words = ctx.match.raw_args.strip()
        target = classify_target(words.split()[0]) if words else None
        entries = []
        if target is not None and target.kind is TargetKind.MATRIX_ID:
            account = await self.d.accounts.get(target.value)
            if account is None or account.org not in (org.name, org.id):
                raise CommandProblem(texts.ADMIN_OTHER_ORG)
            entries = await self.d.audit.for_actor(target.value)
            what = target.value
        else:
            label = words.rsplit("·", 1)[-1].strip() if words else ""
            room = next((r for r in await self.d.brukerrom.list_all() if r.label == label), None)
            if room is None:
                raise CommandProblem(texts.ADMIN_UNKNOWN_TARGET)
            creator = await self.d.accounts.get(room.creator_user_id)
            if creator is None or creator.org not in (org.name, org.id):
                raise CommandProblem(texts.ADMIN_OTHER_ORG)
            entries = await self.d.audit.for_room(room.room_id)
            what = room_name(self.d.policies.policy.room.name_prefix, room.label)
        data = _audit_csv(entries)
        await self.d.actions.send_file(ctx.room_id, data, "text/csv", "revisjonslogg.csv", "m.file")
        await self.audit(
            ctx.room_id,
            ctx.sender,
            "admin_action",
            details={"what": "audit_export", "entries": len(entries)},
        )
        return texts.admin_revisjon_done(what, len(entries))

    # -- !admin rom ---------------------------------------------------------------------

    async def rom(self, ctx: CommandContext) -> Reply | None:
        """Counts and pseudonymous labels only: no names of brukere, no content."""
        org = await self.org_for(ctx)
        arg = ctx.match.raw_args.strip()
        days = int(arg) if arg.isdigit() else 3
        ours = []
        for room in await self.d.brukerrom.list_all():
            creator = await self.d.accounts.get(room.creator_user_id)
            if creator is not None and creator.org in (org.name, org.id):
                ours.append(room)
        counts: dict[str, int] = {}
        for room in ours:
            counts[room.state] = counts.get(room.state, 0) + 1
        now = self.now()
        quiet_since = now - 30 * 86_400_000
        inactive = sum(
            1 for r in ours if r.state == RoomState.ACTIVE and r.last_activity_ms < quiet_since
        )
        prefix = self.d.policies.policy.room.name_prefix
        labels = {r.room_id: room_name(prefix, r.label) for r in ours}
        waiting: list[tuple[str, int]] = []
        requesters: dict[str, int] = {}
        for request in await self.d.requests.pending():
            if request.room_id not in labels:
                continue
            requesters[request.requested_by] = requesters.get(request.requested_by, 0) + 1
            age = (now - request.created_ms) // 86_400_000
            if age >= days:
                waiting.append((labels[request.room_id], int(age)))
        top = sorted(requesters.items(), key=lambda kv: -kv[1])[:5]
        named = [(await self.d.people.name(u), n) for u, n in top]
        await self.audit(ctx.room_id, ctx.sender, "admin_action", details={"what": "overview"})
        return texts.admin_rooms_overview(
            counts, inactive, sorted(waiting, key=lambda w: -w[1]), days, named
        )

    # -- !admin deaktiver ---------------------------------------------------------------

    async def deaktiver(self, ctx: CommandContext) -> Reply | None:
        org = await self.org_for(ctx)
        # Names may have several words: "Trond Hansen til Sara Berg".
        who, to = _split_til(ctx.match.raw_args)
        if not who:
            raise CommandProblem(texts.ADMIN_WHO)
        target = await self._staff_of(org, who)
        colleague = await self._staff_of(org, to) if to else None
        if colleague is not None and await self.d.people.is_offboarded(colleague):
            raise CommandProblem(texts.OFFBOARDED_COLLEAGUE)
        done = await self.offboard(target, colleague, ctx.sender, org.id)
        await self.audit(
            ctx.room_id,
            ctx.sender,
            "admin_action",
            details={"what": "offboard", "rooms": done.rooms, "waiting": done.waiting},
        )
        return texts.offboarded_summary(
            await self.d.people.name(target),
            done.rooms,
            done.requests,
            done.moved,
            done.flagged,
            done.waiting,
            done.codes,
            done.account_closed,
        )

    async def _staff_of(self, org: Organisation, written: str) -> str:
        found = await self.d.people.resolve(classify_target(written))
        if not isinstance(found, Found):
            raise CommandProblem(found.problem)
        account = await self.d.accounts.get(found.user_id)
        entry = await self._directory.get(found.user_id)
        in_org = (account is not None and account.org in (org.name, org.id)) or (
            entry is not None and entry.org_id == org.id
        )
        if not in_org:
            raise CommandProblem(texts.ADMIN_OTHER_ORG)
        return found.user_id

    async def offboard(
        self, target: str, colleague: str | None, by: str, org_id: str = "", **kwargs: int
    ) -> Offboarded:
        """See :meth:`Offboarding.offboard` (services/offboarding.py)."""
        return await self._offboarding.offboard(target, colleague, by, org_id, **kwargs)

    async def wait_for_notices(self, timeout: float | None = None) -> bool:
        return await self._offboarding.wait_for_notices(timeout)


_TIL = re.compile(r"\s+til\s+", re.IGNORECASE)


def _split_til(text: str) -> tuple[str, str]:
    """``"Trond Hansen til Sara"`` → ``("Trond Hansen", "Sara")``; no «til»: no colleague."""
    parts = _TIL.split(text.strip(), maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def _audit_csv(entries: list[AuditEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(texts.AUDIT_CSV_HEADER)
    for e in entries:
        when = datetime.fromtimestamp(e.ts_ms / 1000, OSLO).isoformat(timespec="seconds")
        writer.writerow([e.id, when, e.room_id or "", e.actor, e.action, e.subject or "", e.hash])
    return out.getvalue().encode("utf-8")
