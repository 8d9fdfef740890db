"""What an admin may see: usage reports, audit exports and the overview of their rooms.

Counts and pseudonymous labels only: no names of brukere, no content. The chart is drawn
behind a port (:class:`FigureDrawer`); the wiring passes ops/report_output.py.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import TargetKind, classify_target, room_name
from samsnakk_bot.domain.lifecycle import RoomState
from samsnakk_bot.domain.records import AuditEntry
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.report import Figure, Period, PeriodProblem, parse_period, shown
from samsnakk_bot.domain.timezone import OSLO
from samsnakk_bot.policies import HELSEFELLESSKAP_ID
from samsnakk_bot.services.admin_checks import AdminChecks
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.room_common import CommandProblem, RoomDeps, RoomUseCase, guarded
from samsnakk_bot.services.store_ports import AdminRoomStore, UsageReports


class FigureDrawer(Protocol):
    """Figures, a title and the labels → a PNG chart."""

    def __call__(
        self, figures: Sequence[Figure], title: str, labels: Mapping[str, str]
    ) -> bytes: ...


class AdminReports(RoomUseCase):
    def __init__(
        self,
        deps: RoomDeps,
        checks: AdminChecks,
        admin_rooms: AdminRoomStore,
        usage: UsageReports,
        draw: FigureDrawer,
    ) -> None:
        super().__init__(deps)
        self._checks = checks
        self._admin_rooms = admin_rooms
        self._usage = usage
        self._draw = draw

    def register(self, commands: CommandService) -> None:
        commands.add_handler("admin rapport", guarded(self.rapport))
        commands.add_handler("admin revisjon", guarded(self.revisjon))
        commands.add_handler("admin rom", guarded(self.rom))

    def _period(self, text: str) -> Period:
        period = parse_period(text.strip(), datetime.now(OSLO))
        if isinstance(period, PeriodProblem):
            raise CommandProblem(texts.REPORT_PERIOD_PROBLEMS[period.name])
        return period

    async def _report_scope(self, ctx: CommandContext) -> tuple[str, str | None, str]:
        """(name shown, organisation filter or None for all, id for the audit log)."""
        hf = self.d.policies.organisations.helsefellesskap
        if hf is not None and await self._admin_rooms.org_of(ctx.room_id) == HELSEFELLESSKAP_ID:
            if ctx.sender in hf.report_viewers:
                return hf.name, None, HELSEFELLESSKAP_ID
        org = await self._checks.org_for(ctx)
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
        # Drawing is CPU work: keep it off the event loop.
        png = await asyncio.to_thread(
            self._draw, figures, f"{texts.REPORT_TITLE} – {name}", texts.REPORT_LABELS
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
        org = await self._checks.org_for(ctx)
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
        org = await self._checks.org_for(ctx)
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


def _audit_csv(entries: list[AuditEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(texts.AUDIT_CSV_HEADER)
    for e in entries:
        when = datetime.fromtimestamp(e.ts_ms / 1000, OSLO).isoformat(timespec="seconds")
        writer.writerow([e.id, when, e.room_id or "", e.actor, e.action, e.subject or "", e.hash])
    return out.getvalue().encode("utf-8")
