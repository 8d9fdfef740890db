"""Which reminders a meeting gets, and when (domain/meeting_plan.py)."""

from __future__ import annotations

from datetime import timedelta

from samsnakk_bot.domain.meeting_plan import MeetingJob, ReminderTimes, plan

H = 3_600_000
TIMES = ReminderTimes(
    first_reminder=timedelta(hours=24),
    second_reminder=timedelta(hours=2),
    unconfirmed_check=timedelta(hours=48),
    summary_nudge=timedelta(hours=24),
)
START = 1_000 * H


def test_a_meeting_planned_well_ahead_gets_every_job_in_order() -> None:
    jobs = plan(START, START + H, START - 100 * H, (), TIMES)
    assert jobs == [
        (MeetingJob.FIRST_REMINDER, START - 24 * H),
        (MeetingJob.SECOND_REMINDER, START - 2 * H),
        (MeetingJob.UNCONFIRMED, START - 48 * H),
        (MeetingJob.SUMMARY_ASK, START + H),
        (MeetingJob.SUMMARY_NUDGE, START + 25 * H),
    ]


def test_reminders_whose_time_had_passed_when_it_was_planned_are_skipped() -> None:
    jobs = plan(START, START + H, START - 3 * H, (), TIMES)
    assert [job for job, _ in jobs] == [
        MeetingJob.SECOND_REMINDER,
        MeetingJob.SUMMARY_ASK,
        MeetingJob.SUMMARY_NUDGE,
    ]


def test_jobs_that_already_ran_are_not_planned_again() -> None:
    done = {MeetingJob.FIRST_REMINDER, MeetingJob.SUMMARY_ASK}
    jobs = plan(START, START + H, START - 100 * H, done, TIMES)
    assert MeetingJob.FIRST_REMINDER not in dict(jobs)
    assert MeetingJob.SUMMARY_ASK not in dict(jobs)
    assert len(jobs) == 3


def test_each_job_is_the_column_that_records_it() -> None:
    assert [job.value for job in MeetingJob] == [
        "reminded_first_ms",
        "reminded_second_ms",
        "unconfirmed_ms",
        "summary_asked_ms",
        "summary_nudged_ms",
    ]
