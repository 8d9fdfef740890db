"""Proposing participants and the bruker's answers, with reminders and expiry.

Requests live in our tables; scheduler jobs carry only request IDs and are re-created at
start-up from the pending rows, so a restart loses and doubles nothing. Every job re-checks
the row before acting, so a job that runs late or twice is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from samsnakk_bot.crypto.labels import request_note_aad
from samsnakk_bot.domain import lifecycle, texts
from samsnakk_bot.domain import texts as talk
from samsnakk_bot.domain.brukerrom import classify_target, is_expired, parse_number
from samsnakk_bot.domain.i18n import speaking
from samsnakk_bot.domain.lifecycle import (
    IllegalTransition,
    ParticipantEvent,
    ParticipantRole,
    RequestEvent,
    RequestStatus,
)
from samsnakk_bot.domain.polls import POLL_START, poll_start, request_answer_ids
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.room_records import Brukerrom, ParticipantRequest
from samsnakk_bot.domain.varsler import Kind
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.people import Found
from samsnakk_bot.services.room_common import (
    CommandProblem,
    RoomDeps,
    RoomUseCase,
    guarded,
    refusal,
)

log = logging.getLogger(__name__)


class ApprovalService(RoomUseCase):
    def __init__(self, deps: RoomDeps, scheduler: AsyncIOScheduler) -> None:
        super().__init__(deps)
        self._scheduler = scheduler

    def register(self, commands: CommandService) -> None:
        commands.add_handler("legg-til", guarded(self.legg_til))
        commands.add_handler("godkjenn", guarded(self.godkjenn))
        commands.add_handler("avslå", guarded(self.avsla))
        commands.add_handler("fjern", guarded(self.fjern))

    async def legg_til(self, ctx: CommandContext) -> Reply | None:
        room = await self.room_of(ctx, open_only=True)
        if not await self.d.participants.is_approved(room.room_id, ctx.sender):
            raise CommandProblem(texts.ONLY_BRUKER)
        args = ctx.match.raw_args.split(maxsplit=1)
        if not args:
            raise CommandProblem(texts.WHO_TO_ADD)
        found = await self.d.people.resolve(classify_target(args[0]))
        if not isinstance(found, Found):
            raise CommandProblem(found.problem)
        candidate = found.user_id
        note = args[1].strip() if len(args) > 1 else None
        name = await self.d.people.name(candidate)
        if await self.d.participants.is_approved(room.room_id, candidate):
            return texts.already_participant(name)
        pending = await self.d.requests.pending_for(room.room_id, candidate)
        if pending is not None:
            return texts.already_requested(name, pending.number)
        if ctx.sender == room.bruker_user_id and lifecycle.takes_decisions(room.state):
            request = await self.queue(room.room_id, candidate, ctx.sender, note, prompt=False)
            await self._approve(room, request, ctx.sender)
            return texts.approved_ack(request.number, name)
        request = await self.queue(room.room_id, candidate, ctx.sender, note)
        if not lifecycle.takes_decisions(room.state):
            return texts.request_queued(request.number, name)
        return None

    async def queue(
        self, room_id: str, candidate: str, requester: str, note: str | None, prompt: bool = True
    ) -> ParticipantRequest:
        now = self.d.clock.now_ms()
        approval = self.d.policies.policy.approval
        expires = now + int(approval.request_expiry.total_seconds() * 1000)
        note_enc = self.d.cipher.encrypt_text(note, request_note_aad(room_id)) if note else None
        request = await self.d.requests.create(
            room_id, candidate, requester, note_enc, now, expires
        )
        await self.audit(
            room_id,
            requester,
            "participant_requested",
            subject=candidate,
            details={"number": request.number},
        )
        self.schedule(request)
        room = await self.d.brukerrom.get(room_id)
        if prompt and room is not None and lifecycle.takes_decisions(room.state):
            await self.prompt(room, request)
        return request

    async def prompt(self, room: Brukerrom, request: ParticipantRequest) -> None:
        assert room.bruker_user_id is not None
        note = (
            self.d.cipher.decrypt_text(request.note_enc, request_note_aad(room.room_id))
            if request.note_enc
            else None
        )
        reply = texts.request_prompt(
            room.bruker_user_id,
            request.number,
            await self.d.people.describe(request.requested_by),
            await self.d.people.describe(request.candidate_user_id),
            note,
        )
        event_id = await self.d.actions.say(room.room_id, reply)
        await self.d.requests.set_prompt_event(request.id, event_id)
        approve, reject = request_answer_ids(request.id)
        poll = poll_start(
            texts.request_poll_question(
                request.number, await self.d.people.describe(request.candidate_user_id)
            ),
            [(approve, texts.REQUEST_POLL_YES), (reject, texts.REQUEST_POLL_NO)],
            texts.request_poll_fallback(request.number),
        )
        await self.d.notify.notify(
            room.bruker_user_id, Kind.APPROVAL_PROMPT, room.room_id, f"request{request.id}"
        )
        poll_id = await self.d.actions.say_event(room.room_id, POLL_START, poll)
        await self.d.polls.add(poll_id, room.room_id, "request", request.id, self.d.clock.now_ms())

    async def prompt_queued(self, room_id: str) -> None:
        room = await self.d.brukerrom.get(room_id)
        if room is None or not lifecycle.takes_decisions(room.state):
            return
        for request in await self.d.requests.pending(room_id):
            if request.prompt_event_id is None:
                await self.prompt(room, request)

    # -- answering -----------------------------------------------------------------------

    async def _pending_request(self, ctx: CommandContext, room: Brukerrom) -> ParticipantRequest:
        number = parse_number(ctx.match.args)
        if number is None and not ctx.match.args:
            # «!godkjenn» alone answers the one request that waits, if only one does (D142).
            waiting = await self.d.requests.pending(room.room_id)
            number = waiting[0].number if len(waiting) == 1 else None
        if number is None:
            raise CommandProblem(texts.BAD_NUMBER)
        request = await self.d.requests.get(room.room_id, number)
        if request is None:
            raise CommandProblem(texts.unknown_request(number))
        if not lifecycle.is_pending(request.status):
            raise CommandProblem(texts.request_not_pending(number))
        if is_expired(request.expires_ms, self.d.clock.now_ms()):
            await self.expire(request.id)
            raise CommandProblem(texts.request_has_expired(number))
        return request

    async def godkjenn(self, ctx: CommandContext) -> Reply | None:
        room = await self.bruker_room(ctx, open_only=True)
        if not lifecycle.takes_decisions(room.state):
            raise CommandProblem(texts.CONSENT_NEEDED_FIRST)
        request = await self._pending_request(ctx, room)
        await self._approve(room, request, ctx.sender)
        if not ctx.match.args:  # no number given: say whom that was
            person = await self.d.people.describe(request.candidate_user_id)
            return talk.request_approved_echo(request.number, person)
        return None

    async def _approve(self, room: Brukerrom, request: ParticipantRequest, by: str) -> None:
        now = self.d.clock.now_ms()
        try:
            lifecycle.approve(room.state, request.status)
        except IllegalTransition as illegal:
            raise CommandProblem(refusal(illegal, request.number)) from illegal
        if not await self.d.requests.decide(request.id, RequestEvent.APPROVE, by, now):
            raise CommandProblem(texts.request_not_pending(request.number))
        self._unschedule(request.id)
        candidate = request.candidate_user_id
        await self.d.participants.approve(
            room.room_id,
            candidate,
            ParticipantRole.DELTAKER,
            now,
            proposed_by=request.requested_by,
            proposed_ms=request.created_ms,
            request_number=request.number,
        )
        self.d.access.invalidate(room.room_id)
        await self.audit(
            room.room_id,
            by,
            "participant_approved",
            subject=candidate,
            details={"number": request.number},
        )
        await self.d.actions.invite(room.room_id, candidate)
        await self.audit(room.room_id, self.d.bot_user_id, "invited", subject=candidate)
        if request.requested_by != by:
            await self._tell_requester(request, texts.request_approved, RequestStatus.APPROVED)

    async def avsla(self, ctx: CommandContext) -> Reply | None:
        room = await self.bruker_room(ctx, open_only=True)
        request = await self._pending_request(ctx, room)
        if not await self.d.requests.decide(
            request.id, RequestEvent.REFUSE, ctx.sender, self.d.clock.now_ms()
        ):
            raise CommandProblem(texts.request_not_pending(request.number))
        self._unschedule(request.id)
        candidate = request.candidate_user_id
        await self.audit(
            room.room_id,
            ctx.sender,
            "participant_rejected",
            subject=candidate,
            details={"number": request.number},
        )
        name = await self.d.people.name(candidate)
        await self.d.notify.notify(
            request.requested_by,
            Kind.REQUEST_OUTCOME,
            room.room_id,
            f"request{request.id}:{RequestStatus.REJECTED}",
        )
        return texts.request_rejected(request.requested_by, request.number, name)

    # -- removing ------------------------------------------------------------------------

    async def fjern(self, ctx: CommandContext) -> Reply | None:
        room = await self.bruker_room(ctx, open_only=True)
        if not ctx.match.raw_args.strip():
            raise CommandProblem(texts.WHO_TO_REMOVE)
        found = await self.d.people.resolve(classify_target(ctx.match.raw_args.strip()))
        if not isinstance(found, Found):
            raise CommandProblem(found.problem)
        user = found.user_id
        if user == self.d.bot_user_id:
            raise CommandProblem(texts.CANNOT_REMOVE_BOT)
        if user == room.bruker_user_id:
            raise CommandProblem(texts.CANNOT_REMOVE_BRUKER)
        name = await self.d.people.name(user)
        ended = await self.d.participants.end(
            room.room_id, user, ParticipantEvent.REMOVE, self.now()
        )
        if not ended and user not in await self.d.actions.joined_members(room.room_id):
            raise CommandProblem(texts.not_in_room(name))
        self.d.access.invalidate(room.room_id)
        await self.d.actions.kick(room.room_id, user, texts.removed(name).body)
        await self.audit(room.room_id, ctx.sender, "removed", subject=user)
        return texts.removed(name)

    # -- reminders and expiry ------------------------------------------------------------

    def schedule(self, request: ParticipantRequest) -> None:
        approval = self.d.policies.policy.approval
        remind_at = request.created_ms + int(approval.reminder_after.total_seconds() * 1000)
        if request.reminded_ms is None:
            self._at(remind_at, self._remind_job, f"remind:{request.id}", request.id)
        self._at(request.expires_ms, self._expire_job, f"expire:{request.id}", request.id)

    def _at(self, when_ms: int, fn: object, job_id: str, request_id: int) -> None:
        self._scheduler.add_job(
            fn,
            "date",
            run_date=datetime.fromtimestamp(when_ms / 1000, UTC),
            args=[request_id],
            id=job_id,
            replace_existing=True,
            # Jobs that came due while we were down still run, however late.
            misfire_grace_time=None,
            coalesce=True,
        )

    def _unschedule(self, request_id: int) -> None:
        for prefix in ("remind", "expire"):
            job = self._scheduler.get_job(f"{prefix}:{request_id}")
            if job is not None:
                job.remove()

    async def resume(self) -> int:
        """Re-create the jobs of every pending request; returns how many."""
        pending = await self.d.requests.pending()
        for request in pending:
            self.schedule(request)
        return len(pending)

    async def _remind_job(self, request_id: int) -> None:
        try:
            with speaking(await self._request_language(request_id)):
                await self.remind(request_id)
        except Exception:
            log.exception("reminder for request %s failed", request_id)

    async def _expire_job(self, request_id: int) -> None:
        try:
            with speaking(await self._request_language(request_id)):
                await self.expire(request_id)
        except Exception:
            log.exception("expiry of request %s failed", request_id)

    async def _request_language(self, request_id: int) -> str | None:
        request = await self.d.requests.by_id(request_id)
        return await self.room_language(request.room_id) if request is not None else None

    async def remind(self, request_id: int) -> None:
        request = await self.d.requests.by_id(request_id)
        if request is None or not lifecycle.is_pending(request.status):
            return
        room = await self.d.brukerrom.get(request.room_id)
        if room is None or not lifecycle.takes_decisions(room.state) or room.bruker_user_id is None:
            return
        if not await self.d.requests.mark_reminded(request_id, self.d.clock.now_ms()):
            return
        name = await self.d.people.describe(request.candidate_user_id)
        await self.d.actions.say(
            room.room_id, texts.request_reminder(room.bruker_user_id, request.number, name)
        )
        await self.d.notify.notify(
            room.bruker_user_id, Kind.REMINDER, room.room_id, f"remind{request.id}"
        )

    async def expire(self, request_id: int) -> None:
        request = await self.d.requests.by_id(request_id)
        if request is None or not lifecycle.is_pending(request.status):
            return
        if not is_expired(request.expires_ms, self.d.clock.now_ms()):
            self.schedule(request)  # fired early (clock skew): try again at the right time
            return
        now = self.d.clock.now_ms()
        if not await self.d.requests.decide(request_id, RequestEvent.EXPIRE, None, now):
            return
        self._unschedule(request_id)
        await self.audit(
            request.room_id,
            self.d.bot_user_id,
            "request_expired",
            subject=request.candidate_user_id,
            details={"number": request.number},
        )
        await self._tell_requester(request, texts.request_expired, RequestStatus.EXPIRED)

    async def _tell_requester(
        self,
        request: ParticipantRequest,
        reply: Callable[[str, int, str], Reply],
        outcome: RequestStatus,
    ) -> None:
        """The outcome in the room (mentioning the requester), and a varsel to them."""
        name = await self.d.people.name(request.candidate_user_id)
        await self.d.actions.say(request.room_id, reply(request.requested_by, request.number, name))
        await self.d.notify.notify(
            request.requested_by,
            Kind.REQUEST_OUTCOME,
            request.room_id,
            f"request{request.id}:{outcome}",
        )

    async def cancel_all(self, room_id: str, actor: str) -> None:
        for request in await self.d.requests.pending(room_id):
            now = self.d.clock.now_ms()
            if await self.d.requests.decide(request.id, RequestEvent.WITHDRAW, actor, now):
                self._unschedule(request.id)
                await self.audit(
                    room_id,
                    actor,
                    "request_cancelled",
                    subject=request.candidate_user_id,
                    details={"number": request.number},
                )
