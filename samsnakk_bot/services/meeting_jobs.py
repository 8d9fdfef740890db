"""A meeting's reminders and summary prompts, as scheduler jobs that run exactly once.

Scheduler jobs carry only the meeting ID and the job, and are re-created at start-up from
the plan (domain/meeting_plan.py). Each job marks its column before acting, so it runs
exactly once even if it fires again after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from samsnakk_bot.domain import texts
from samsnakk_bot.domain.dates import format_when_no
from samsnakk_bot.domain.i18n import speaking
from samsnakk_bot.domain.meeting_plan import MeetingJob, ReminderTimes, plan
from samsnakk_bot.domain.records import Meeting
from samsnakk_bot.domain.timezone import OSLO
from samsnakk_bot.domain.varsler import Kind
from samsnakk_bot.services.room_common import RoomDeps, RoomUseCase
from samsnakk_bot.services.store_ports import MeetingStore

log = logging.getLogger(__name__)


def local(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(OSLO)


class MeetingJobs(RoomUseCase):
    def __init__(self, deps: RoomDeps, meetings: MeetingStore, scheduler: AsyncIOScheduler) -> None:
        super().__init__(deps)
        self.meetings = meetings
        self._scheduler = scheduler
        self._run: dict[MeetingJob, Callable[[Meeting, MeetingJob, list[str]], Awaitable[None]]] = {
            MeetingJob.FIRST_REMINDER: self._remind,
            MeetingJob.SECOND_REMINDER: self._remind,
            MeetingJob.UNCONFIRMED: self._unconfirmed,
            MeetingJob.SUMMARY_ASK: self._summary_ask,
            MeetingJob.SUMMARY_NUDGE: self._summary_nudge,
        }

    # -- who is told -----------------------------------------------------------------------

    async def mentions(self, meeting: Meeting) -> list[str]:
        """The meeting's people who are still approved in its room (removed people drop out)."""
        approved = {p.user_id for p in await self.d.participants.in_room(meeting.room_id)}
        return [a.user_id for a in await self.meetings.answers(meeting.id) if a.user_id in approved]

    async def notify_all(self, meeting: Meeting, key: str, skip: str | None = None) -> None:
        for user in await self.mentions(meeting):
            if user != skip:
                await self.d.notify.notify(
                    user, Kind.MEETING, meeting.room_id, f"meeting{meeting.id}:{key}"
                )

    # -- scheduling ------------------------------------------------------------------------

    def schedule(self, meeting: Meeting) -> None:
        p = self.d.policies.policy.meetings
        times = ReminderTimes(
            p.first_reminder, p.second_reminder, p.unconfirmed_check, p.summary_nudge
        )
        done = [job for job in MeetingJob if getattr(meeting, job.value) is not None]
        now = self.now()
        for job, at in plan(meeting.start_ms, meeting.end_ms, meeting.created_ms, done, times):
            self._scheduler.add_job(
                self._job,
                "date",
                run_date=datetime.fromtimestamp(max(at, now) / 1000, UTC),
                args=[meeting.id, job.value],
                id=f"meeting:{meeting.id}:{job.value}",
                replace_existing=True,
                misfire_grace_time=None,
                coalesce=True,
            )

    def unschedule(self, meeting_id: int) -> None:
        for job in self._scheduler.get_jobs():
            if job.id.startswith(f"meeting:{meeting_id}:"):
                job.remove()

    async def resume(self) -> int:
        planned = await self.meetings.planned()
        for meeting in planned:
            self.schedule(meeting)
        return len(planned)

    async def cancel_all_in_room(self, room_id: str, actor: str) -> None:
        """A closed room has no meetings: cancel them quietly (everyone was just told)."""
        for meeting in await self.meetings.in_room(room_id):
            if await self.meetings.cancel(meeting.id):
                self.unschedule(meeting.id)
                await self.audit(
                    room_id, actor, "meeting_cancelled", details={"number": meeting.number}
                )

    # -- running ---------------------------------------------------------------------------

    async def _job(self, meeting_id: int, column: str) -> None:
        try:
            meeting = await self.meetings.by_id(meeting_id)
            language = await self.room_language(meeting.room_id) if meeting else None
            with speaking(language):
                await self.run_job(meeting_id, column)
        except Exception:
            log.exception("meeting job %s for %s failed", column, meeting_id)

    async def run_job(self, meeting_id: int, column: str) -> None:
        job = MeetingJob(column)
        meeting = await self.meetings.by_id(meeting_id)
        if meeting is None or meeting.status != "planned":
            return
        if job is MeetingJob.SUMMARY_NUDGE and meeting.summary_event_id is not None:
            return
        missing: list[str] = []
        if job is MeetingJob.UNCONFIRMED:
            answers = await self.meetings.answers(meeting.id)
            missing = [a.user_id for a in answers if a.answer != "confirmed"]
            if not missing:
                return
        if not await self.meetings.mark_job(meeting.id, job.value, self.now()):
            return  # already done: a restart never repeats a reminder
        await self._run[job](meeting, job, missing)

    async def _remind(self, meeting: Meeting, job: MeetingJob, _missing: list[str]) -> None:
        when = format_when_no(local(meeting.start_ms))
        people = await self.mentions(meeting)
        await self.d.actions.say(
            meeting.room_id, texts.meeting_reminder(meeting.number, when, people)
        )
        await self.notify_all(meeting, f"{job.value}:{meeting.sequence}")

    async def _unconfirmed(self, meeting: Meeting, _job: MeetingJob, missing: list[str]) -> None:
        names = [await self.d.people.name(u) for u in missing]
        await self.d.actions.say(
            meeting.room_id,
            texts.meeting_unconfirmed(meeting.responsible, meeting.number, names),
        )
        await self._remind_responsible(meeting, f"unconfirmed:{meeting.sequence}")

    async def _summary_ask(self, meeting: Meeting, _job: MeetingJob, _missing: list[str]) -> None:
        await self.d.actions.say(
            meeting.room_id, texts.summary_ask(meeting.responsible, meeting.number)
        )
        await self._remind_responsible(meeting, "summary-ask")

    async def _summary_nudge(self, meeting: Meeting, _job: MeetingJob, _missing: list[str]) -> None:
        await self.d.actions.say(
            meeting.room_id, texts.summary_nudge(meeting.responsible, meeting.number)
        )
        await self._remind_responsible(meeting, "summary-nudge")

    async def _remind_responsible(self, meeting: Meeting, key: str) -> None:
        await self.d.notify.notify(
            meeting.responsible, Kind.REMINDER, meeting.room_id, f"meeting{meeting.id}:{key}"
        )
