"""Which reminders a meeting gets, and when. Pure: the meeting jobs service schedules the plan.

Each job is recorded once when it runs (the store's column of the same name), so a restart
re-plans only what has not run.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum


class MeetingJob(StrEnum):
    """A one-off job of a meeting; the value is the column that records it ran."""

    FIRST_REMINDER = "reminded_first_ms"
    SECOND_REMINDER = "reminded_second_ms"
    UNCONFIRMED = "unconfirmed_ms"
    SUMMARY_ASK = "summary_asked_ms"
    SUMMARY_NUDGE = "summary_nudged_ms"


# Before the meeting: skipped when the meeting was planned after their time had passed.
BEFORE_START = frozenset(
    {MeetingJob.FIRST_REMINDER, MeetingJob.SECOND_REMINDER, MeetingJob.UNCONFIRMED}
)


@dataclass(frozen=True)
class ReminderTimes:
    first_reminder: timedelta
    second_reminder: timedelta
    unconfirmed_check: timedelta
    summary_nudge: timedelta


def plan(
    start_ms: int, end_ms: int, created_ms: int, done: Collection[MeetingJob], times: ReminderTimes
) -> list[tuple[MeetingJob, int]]:
    """The jobs still to run, each with when it is due (it may be due already)."""
    due = (
        (MeetingJob.FIRST_REMINDER, start_ms - ms(times.first_reminder)),
        (MeetingJob.SECOND_REMINDER, start_ms - ms(times.second_reminder)),
        (MeetingJob.UNCONFIRMED, start_ms - ms(times.unconfirmed_check)),
        (MeetingJob.SUMMARY_ASK, end_ms),
        (MeetingJob.SUMMARY_NUDGE, end_ms + ms(times.summary_nudge)),
    )
    return [
        (job, at)
        for job, at in due
        if job not in done and not (job in BEFORE_START and at < created_ms)
    ]


def ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)
