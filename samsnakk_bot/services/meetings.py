"""Det første møtet: plan, answer, agenda, oppskrift, move, cancel, summarise.

Meetings live in our tables. Reminders and summary prompts are the meeting jobs
(services/meeting_jobs.py), planned by the pure rule in domain/meeting_plan.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from samsnakk_bot.crypto.labels import meeting_aad, meeting_place_aad
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.brukerrom import Target, parse_number, room_name
from samsnakk_bot.domain.dates import DateProblem, When, format_when_no, parse_when
from samsnakk_bot.domain.history import sees_agenda_item, sees_meeting
from samsnakk_bot.domain.meeting_plan import ms
from samsnakk_bot.domain.meetings import (
    OPPSKRIFT,
    answers_bruker_first,
    normalise_step,
    parse_options,
    split_summary,
)
from samsnakk_bot.domain.records import AgendaItem, Meeting
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.room_records import Brukerrom
from samsnakk_bot.domain.varsler import Kind
from samsnakk_bot.policies import MeetingPolicy
from samsnakk_bot.services.commands import CommandContext, CommandService
from samsnakk_bot.services.meeting_jobs import MeetingJobs, local
from samsnakk_bot.services.people import NotFound
from samsnakk_bot.services.room_common import CommandProblem, RoomDeps, RoomUseCase, guarded
from samsnakk_bot.services.store_ports import MeetingStore

log = logging.getLogger(__name__)


class MeetingService(RoomUseCase):
    def __init__(
        self,
        deps: RoomDeps,
        meetings: MeetingStore,
        jobs: MeetingJobs,
        calendar: Callable[[Meeting, str], object] | None = None,
    ) -> None:
        super().__init__(deps)
        self.meetings = meetings
        self._jobs = jobs
        # Called with (meeting, "REQUEST"|"CANCEL") after every change staff should see.
        self.calendar = calendar

    def register(self, commands: CommandService) -> None:
        commands.add_handler("møte ny", guarded(self.ny))
        commands.add_handler("møte", guarded(self.status))
        commands.add_handler("møte bekreft", guarded(self.bekreft))
        commands.add_handler("møte kan-ikke", guarded(self.kan_ikke))
        commands.add_handler("møte flytt", guarded(self.flytt))
        commands.add_handler("møte avlys", guarded(self.avlys))
        commands.add_handler("møte liste", guarded(self.liste))
        commands.add_handler("mine møter", guarded(self.mine))
        commands.add_handler("agenda", guarded(self.agenda))
        commands.add_handler("sjekk", guarded(self.sjekk))
        commands.add_handler("oppsummering", guarded(self.oppsummering))

    @property
    def policy(self) -> MeetingPolicy:
        return self.d.policies.policy.meetings

    # -- shared --------------------------------------------------------------------------

    async def _room(self, ctx: CommandContext) -> Brukerrom:
        room = await self.room_of(ctx, open_only=True)
        if not await self.d.participants.is_approved(room.room_id, ctx.sender):
            raise CommandProblem(texts.ONLY_BRUKER)
        return room

    async def _meeting(self, room: Brukerrom, args: tuple[str, ...]) -> Meeting:
        number = parse_number(args[:1])
        meeting = await self.meetings.get(room.room_id, number) if number else None
        if meeting is None:
            raise CommandProblem(texts.MEETING_UNKNOWN)
        return meeting

    def _when(self, words: tuple[str, ...], now_ms: int) -> When:
        result = parse_when(words, local(now_ms), self.policy.default_duration)
        if isinstance(result, DateProblem):
            raise CommandProblem(texts.DATE_PROBLEMS[result.name])
        return result

    async def _seen_from(self, room_id: str, user: str) -> int:
        """When ``user`` was approved in the room: nothing from before that is shown to them."""
        participant = await self.d.participants.get(room_id, user)
        return participant.approved_ms if participant is not None else self.now()

    async def _in_meeting(self, meeting: Meeting, user: str) -> bool:
        return any(a.user_id == user for a in await self.meetings.answers(meeting.id))

    async def _visible_meeting(self, room: Brukerrom, ctx: CommandContext) -> Meeting:
        """The meeting named in the command, if the asker may see it (history rule)."""
        meeting = await self._meeting(room, ctx.match.args)
        since = await self._seen_from(room.room_id, ctx.sender)
        in_meeting = await self._in_meeting(meeting, ctx.sender)
        if not sees_meeting(meeting.created_ms, since, in_meeting):
            raise CommandProblem(texts.MEETING_UNKNOWN)
        return meeting

    async def _visible_agenda(self, meeting: Meeting, asker: str) -> list[AgendaItem]:
        since = await self._seen_from(meeting.room_id, asker)
        in_meeting = await self._in_meeting(meeting, asker)
        return [
            i
            for i in await self.meetings.agenda(meeting.id)
            if sees_agenda_item(i.created_ms, i.avoid, i.author, asker, since, in_meeting)
        ]

    def _place(self, meeting: Meeting) -> str | None:
        if meeting.place_enc is None:
            return None
        return self.d.cipher.decrypt_text(meeting.place_enc, meeting_place_aad(meeting.room_id))

    def _calendar(self, meeting: Meeting, method: str) -> None:
        if self.calendar is not None:
            self.calendar(meeting, method)

    # -- planning ------------------------------------------------------------------------

    async def ny(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        now = self.now()
        when = self._when(ctx.match.args, now)
        options = parse_options(ctx.match.args[when.consumed :])
        if options.unknown:
            raise CommandProblem(texts.MEETING_UNKNOWN_WORDS)
        members = {p.user_id for p in await self.d.participants.in_room(room.room_id)}
        people = [ctx.sender]
        if room.bruker_user_id:
            people.insert(0, room.bruker_user_id)
        for user in await self._resolve(options.people, members):
            if user not in people:
                people.append(user)
        responsible = ctx.sender
        if options.responsible:
            named = await self._resolve(options.responsible, members)
            if len(named) != 1:
                raise CommandProblem(texts.MEETING_ONE_RESPONSIBLE)
            responsible = named[0]
            if responsible not in people:
                people.append(responsible)
        if options.preparation:
            # The preparation meeting is the bruker and the current behandler only.
            people = [u for u in people if u in (room.bruker_user_id, ctx.sender, responsible)]
        place = options.place or (texts.video_place(options.video) if options.video else None)
        start = int(when.start.timestamp() * 1000)
        end = start + int(when.duration.total_seconds() * 1000)
        place_enc = (
            self.d.cipher.encrypt_text(place, meeting_place_aad(room.room_id)) if place else None
        )
        meeting = await self.meetings.create(
            room.room_id,
            "forberedelse" if options.preparation else "forste_mote",
            start,
            end,
            place_enc,
            responsible,
            ctx.sender,
            people,
            now,
        )
        await self.audit(
            room.room_id, ctx.sender, "meeting_planned", details={"number": meeting.number}
        )
        self._jobs.schedule(meeting)
        await self._post(meeting, people)
        await self.d.actions.say(
            room.room_id,
            texts.oppskrift_posted(
                meeting.number,
                [
                    (
                        texts.OPPSKRIFT_STAGE_LABELS[stage],
                        [texts.OPPSKRIFT_STEP_LABELS[k] for k in keys],
                    )
                    for stage, keys in OPPSKRIFT
                ],
            ),
        )
        await self._jobs.notify_all(meeting, "planned", skip=ctx.sender)
        self._calendar(meeting, "REQUEST")
        return None

    async def _resolve(
        self, readings: tuple[tuple[Target, ...], ...], members: set[str]
    ) -> list[str]:
        """People named in a meeting command: found, and already in the room."""
        found = await self.d.people.resolve_all(readings)
        if isinstance(found, NotFound):
            raise CommandProblem(found.problem)
        for user in found:
            if user not in members:
                raise CommandProblem(texts.meeting_not_member(await self.d.people.name(user)))
        return found

    async def _post(self, meeting: Meeting, people: list[str]) -> None:
        names = [await self.d.people.name(u) for u in people]
        reply = texts.meeting_posted(
            meeting.number,
            meeting.kind,
            format_when_no(local(meeting.start_ms)),
            (meeting.end_ms - meeting.start_ms) // 60_000,
            self._place(meeting),
            names,
            await self.d.people.name(meeting.responsible),
            people,
        )
        await self.d.actions.say(meeting.room_id, reply)

    # -- answers -------------------------------------------------------------------------

    async def bekreft(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        meeting = await self._open(room, ctx.match.args)
        if not await self.meetings.answer(meeting.id, ctx.sender, "confirmed", None, self.now()):
            raise CommandProblem(texts.MEETING_NOT_PARTICIPANT)
        return texts.meeting_confirmed(await self.d.people.name(ctx.sender), meeting.number)

    async def kan_ikke(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        meeting = await self._open(room, ctx.match.args)
        proposal = " ".join(ctx.match.args[1:]).strip() or None
        enc = (
            self.d.cipher.encrypt_text(proposal, meeting_aad(meeting.id, "proposal"))
            if proposal
            else None
        )
        if not await self.meetings.answer(meeting.id, ctx.sender, "cannot", enc, self.now()):
            raise CommandProblem(texts.MEETING_NOT_PARTICIPANT)
        others = [u for u in await self._jobs.mentions(meeting) if u != ctx.sender]
        await self._jobs.notify_all(meeting, f"cannot:{ctx.sender}:{self.now()}", skip=ctx.sender)
        return texts.meeting_cannot(
            await self.d.people.name(ctx.sender), meeting.number, proposal, others
        )

    async def _open(self, room: Brukerrom, args: tuple[str, ...]) -> Meeting:
        meeting = await self._meeting(room, args)
        if meeting.status != "planned":
            raise CommandProblem(texts.MEETING_CANCELLED_ALREADY)
        return meeting

    # -- moving and cancelling -----------------------------------------------------------

    async def flytt(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        meeting = await self._open(room, ctx.match.args)
        now = self.now()
        when = self._when(ctx.match.args[1:], now)
        # Keep the meeting's length unless a new one was written.
        duration = meeting.end_ms - meeting.start_ms
        if when.duration != self.policy.default_duration:
            duration = ms(when.duration)
        start = int(when.start.timestamp() * 1000)
        await self.meetings.move(meeting.id, start, start + duration)
        moved = await self.meetings.by_id(meeting.id)
        assert moved is not None
        await self.audit(
            room.room_id, ctx.sender, "meeting_moved", details={"number": meeting.number}
        )
        self._jobs.schedule(moved)
        await self._jobs.notify_all(moved, f"moved:{moved.sequence}", skip=ctx.sender)
        self._calendar(moved, "REQUEST")
        return texts.meeting_moved(
            moved.number, format_when_no(local(start)), await self._jobs.mentions(moved)
        )

    async def avlys(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        meeting = await self._open(room, ctx.match.args)
        if not await self.meetings.cancel(meeting.id):
            raise CommandProblem(texts.MEETING_CANCELLED_ALREADY)
        self._jobs.unschedule(meeting.id)
        reason = " ".join(ctx.match.args[1:]).strip() or None
        await self.audit(
            room.room_id, ctx.sender, "meeting_cancelled", details={"number": meeting.number}
        )
        cancelled = await self.meetings.by_id(meeting.id)
        assert cancelled is not None
        await self._jobs.notify_all(cancelled, "cancelled", skip=ctx.sender)
        self._calendar(cancelled, "CANCEL")
        return texts.meeting_cancelled(meeting.number, reason, await self._jobs.mentions(meeting))

    # -- looking ---------------------------------------------------------------------------

    async def status(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        meeting = await self._visible_meeting(room, ctx)
        answers = {a.user_id: a.answer for a in await self.meetings.answers(meeting.id)}
        ordered = answers_bruker_first(list(answers), room.bruker_user_id)
        rows = [(await self.d.people.name(u), texts.ANSWER_LABELS[answers[u]]) for u in ordered]
        agenda = await self._visible_agenda(meeting, ctx.sender)
        done = await self.meetings.checklist(meeting.id)
        steps = [
            (
                texts.OPPSKRIFT_STAGE_LABELS[stage],
                [(texts.OPPSKRIFT_STEP_LABELS[s], s in done) for s in keys],
            )
            for stage, keys in OPPSKRIFT
        ]
        return texts.meeting_status(
            texts.meeting_title(meeting.kind, meeting.number),
            format_when_no(local(meeting.start_ms))
            if meeting.status == "planned"
            else texts.MEETING_CANCELLED_ALREADY,
            rows,
            (sum(not i.avoid for i in agenda), sum(i.avoid for i in agenda)),
            steps,
            meeting.summary_event_id is not None,
        )

    async def liste(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        since = await self._seen_from(room.room_id, ctx.sender)
        rows = [
            (m.number, texts.MEETING_KIND_LABELS[m.kind], format_when_no(local(m.start_ms)))
            for m in await self.meetings.in_room(room.room_id, self.now())
            if sees_meeting(m.created_ms, since, await self._in_meeting(m, ctx.sender))
        ]
        return texts.meeting_list(rows)

    async def mine(self, ctx: CommandContext) -> Reply | None:
        rows = []
        for m in await self.meetings.for_person(ctx.sender, self.now()):
            if not await self.d.participants.is_approved(m.room_id, ctx.sender):
                continue  # removed from that room: its meetings are no longer theirs
            record = await self.d.brukerrom.get(m.room_id)
            label = record.label if record else "?"
            rows.append(
                (
                    room_name(self.d.policies.policy.room.name_prefix, label),
                    texts.meeting_title(m.kind, m.number),
                    format_when_no(local(m.start_ms)),
                )
            )
        return texts.mine_moter(rows)

    # -- agenda and oppskrift --------------------------------------------------------------

    async def agenda(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        meeting = await self._visible_meeting(room, ctx)
        rest = list(ctx.match.raw_args.split(maxsplit=1)[1:])
        text = rest[0].strip() if rest else ""
        if not text:
            items = await self._visible_agenda(meeting, ctx.sender)
            decoded = [
                (
                    i.avoid,
                    self.d.cipher.decrypt_text(i.text_enc, meeting_aad(meeting.id, "agenda")),
                )
                for i in items
            ]
            return texts.agenda_view(
                meeting.number, [t for a, t in decoded if not a], [t for a, t in decoded if a]
            )
        avoid = text.lower().startswith("ikke ")
        if avoid:
            if ctx.sender != room.bruker_user_id:
                raise CommandProblem(texts.MEETING_ONLY_BRUKER_AVOID)
            text = text[5:].strip()
        enc = self.d.cipher.encrypt_text(text, meeting_aad(meeting.id, "agenda"))
        await self.meetings.add_agenda(meeting.id, ctx.sender, avoid, enc, self.now())
        return texts.agenda_added(meeting.number, avoid)

    async def sjekk(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        meeting = await self._meeting(room, ctx.match.args)
        if ctx.sender != meeting.responsible:
            raise CommandProblem(texts.MEETING_ONLY_RESPONSIBLE)
        step = normalise_step(" ".join(ctx.match.args[1:]))
        if step is None:
            raise CommandProblem(texts.MEETING_BAD_STEP)
        await self.meetings.tick(meeting.id, step, ctx.sender, self.now())
        return texts.step_ticked(meeting.number, texts.OPPSKRIFT_STEP_LABELS[step])

    # -- summary ---------------------------------------------------------------------------

    async def oppsummering(self, ctx: CommandContext) -> Reply | None:
        room = await self._room(ctx)
        meeting = await self._meeting(room, ctx.match.args)
        rest = ctx.match.raw_args.split(maxsplit=1)[1:]
        text = rest[0].strip() if rest else ""
        editing = text.lower().startswith("endre")
        if editing:
            text = text[5:].strip()
        if not text:
            raise CommandProblem(texts.MEETING_NEEDS_TEXT)
        if self.now() < meeting.start_ms:
            raise CommandProblem(texts.MEETING_NOT_HELD)
        if editing and meeting.summary_event_id is None:
            raise CommandProblem(texts.MEETING_NO_SUMMARY)
        assert room.bruker_user_id is not None
        intro, sections = split_summary(text)
        reply = texts.summary_message(
            room.bruker_user_id,
            await self.d.people.greeting_name(room.bruker_user_id),
            intro,
            sections,
        )
        if editing:
            assert meeting.summary_event_id is not None
            event_id = await self.d.actions.edit(room.room_id, meeting.summary_event_id, reply)
            action = "summary_edited"
        else:
            event_id = await self.d.actions.say(room.room_id, reply)
            action = "summary_posted"
        enc = self.d.cipher.encrypt_text(reply.body, meeting_aad(meeting.id, "summary"))
        await self.meetings.set_summary(
            meeting.id, event_id if not editing else meeting.summary_event_id or event_id, enc
        )
        # The original stays pinned (clients show its latest edit); other pins are kept.
        original = meeting.summary_event_id if editing else event_id
        assert original is not None
        await self.d.actions.pin(room.room_id, original)
        await self.meetings.tick(meeting.id, "oppsummering", ctx.sender, self.now())
        await self.audit(room.room_id, ctx.sender, action, details={"number": meeting.number})
        # The summary text goes by SMS only if the bruker chose that (audited when chosen).
        wants_text = await self.d.notify.wants_summary_text(room.bruker_user_id)
        secret = reply.body if wants_text else None
        await self.d.notify.notify(
            room.bruker_user_id,
            Kind.SUMMARY,
            room.room_id,
            f"summary{meeting.id}:{event_id}",
            secret=secret,
        )
        return None
