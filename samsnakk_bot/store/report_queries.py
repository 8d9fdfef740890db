"""The usage report's figures, read from the bot's own tables. Never any content.

An organisation's rooms are the brukerrom whose creator's account has that ``org``; ``org=None``
means every brukerrom (the helsefellesskap-level aggregate). Each :class:`Figure` carries the
number of rooms (or varsler) it rests on, so that :func:`shown` can suppress small numbers.
The figures, in this order:

``rooms_created``
    Rooms created in the period. Count: the same rooms.
``rooms_active``
    Rooms with at least one message event (``m.room.encrypted``, as received by the appservice)
    in the period. Count: the same rooms.
``median_hours_proposal_to_approval``
    Median hours from proposal to the bruker's approval, over requests approved in the period.
    Count: the rooms those requests belong to (not the requests: five requests in one room
    are one bruker's answers).
``median_days_room_to_first_meeting``
    For rooms created in the period that have a Det første møtet (``forste_mote``, not
    cancelled): median days from creation to the first one's start. A planned meeting counts
    with its planned start; rooms without one are left out. Count: those rooms.
``share_summary_within_24h``
    Meetings (any kind, not cancelled) that ended in the period: the percentage (0–100) with a
    summary within 24 h of the end. Count: the rooms of those meetings. *Approximation:* the
    summary's posting time is the ``summary_posted`` audit entry for the meeting's room, and it
    counts when it lies between the meeting's start and 24 h after its end; when the entry's
    details name the meeting number it must be this meeting's. Summaries posted during the
    meeting count; edits (``summary_edited``) do not move the time. With ``now_ms``, a meeting
    still inside its 24-h window and without a summary yet is left out, not counted as late.
``messages_per_room_per_week``
    Message events in the period / active rooms / weeks in the period. Encrypted events include
    edits and poll answers as well as messages; pass the bot's user ID in ``exclude_senders`` to
    leave its own out. The inbox is the source for days not yet rolled up, ``message_rollups``
    for the days before an inbox purge (``store/rollups.py``). Count: active rooms.
``varsler_sent_<channel>`` (app, sms, epost), ``varsler_failed``
    Varsler created in the period whose status is sent or delivered, per channel; and those
    that failed or went dead, all channels. With an ``org``, only varsler about that org's rooms
    (calendar e-mails carry no room and are left out); with ``org=None``, every varsel.
    Count: the same varsler.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from samsnakk_bot.domain.lifecycle import RequestStatus
from samsnakk_bot.domain.report import Figure, Period, median
from samsnakk_bot.store._dialect import table_of
from samsnakk_bot.store.database import Database
from samsnakk_bot.store.models import (
    VARSEL_CHANNELS,
    AccountRow,
    AuditRow,
    BrukerromRow,
    InboxEventRow,
    MeetingRow,
    MessageRollupRow,
    ParticipantRequestRow,
    VarselRow,
)
from samsnakk_bot.store.rollups import rollup_mark

MESSAGE_EVENT_TYPE = "m.room.encrypted"
SUMMARY_ACTION = "summary_posted"
SUMMARY_WINDOW_MS = 24 * 3600 * 1000
HOUR_MS = 3600 * 1000
DAY_MS = 24 * HOUR_MS
SENT_STATUSES = ("sent", "delivered")
FAILED_STATUSES = ("failed", "dead")

_rooms = table_of(BrukerromRow)
_accounts = table_of(AccountRow)
_requests = table_of(ParticipantRequestRow)
_meetings = table_of(MeetingRow)
_inbox = table_of(InboxEventRow)
_rollups = table_of(MessageRollupRow)
_varsler = table_of(VarselRow)
_audit = table_of(AuditRow)


_Conn = AsyncConnection


@dataclass(frozen=True, slots=True)
class _Meeting:
    room_id: str
    number: int
    start_ms: int
    end_ms: int


async def usage_figures(
    db: Database,
    org: str | None,
    period: Period,
    exclude_senders: Collection[str] = (),
    now_ms: int | None = None,
) -> list[Figure]:
    """The report's figures for ``org``'s rooms (every room if None) over ``period``.

    ``exclude_senders``: users whose message events are not counted (the bot). ``now_ms``:
    when given, a meeting whose 24-h summary window is still open and has no summary yet is
    left out of the summary share rather than counted as late.
    """
    scope = _scope(org)
    async with db.engine.connect() as conn:
        created = await _rooms_created(conn, scope, period)
        active, per_week = await _messages(conn, scope, period, exclude_senders)
        return [
            Figure("rooms_created", created, created),
            active,
            await _proposal_to_approval(conn, scope, period),
            await _room_to_first_meeting(conn, scope, period),
            await _summary_share(conn, scope, period, now_ms),
            per_week,
            *await _varsel_figures(conn, None if org is None else scope, period),
        ]


async def _rooms_created(conn: _Conn, scope: Select[tuple[str]], period: Period) -> int:
    stmt = select(func.count()).where(_rooms.c.room_id.in_(scope), _in(_rooms.c.created_ms, period))
    return int((await conn.execute(stmt)).scalar_one())


async def _messages(
    conn: _Conn, scope: Select[tuple[str]], period: Period, exclude: Collection[str]
) -> tuple[Figure, Figure]:
    """``rooms_active`` and ``messages_per_room_per_week``.

    Days before the rollup mark come from ``message_rollups`` (the inbox rows behind them may
    be purged), the rest from the inbox. Rolled-up days tell only the bot's messages apart, so
    ``exclude`` there leaves out the bot's and no one else's.
    """
    mark = await rollup_mark(conn)
    counts: dict[str, int] = defaultdict(int)
    stmt = select(_inbox.c.room_id, func.count().label("n")).where(
        _inbox.c.event_type == MESSAGE_EVENT_TYPE,
        _inbox.c.room_id.in_(scope),
        _in(_inbox.c.received_ms, period),
        _inbox.c.received_ms >= mark,
    )
    if exclude:
        stmt = stmt.where(_inbox.c.sender.not_in(list(exclude)))
    for r in await conn.execute(stmt.group_by(_inbox.c.room_id)):
        counts[r.room_id] += int(r.n)
    if mark > period.start_ms:
        counted = _rollups.c.messages if exclude else _rollups.c.messages + _rollups.c.bot_messages
        rolled = select(_rollups.c.room_id, func.sum(counted).label("n")).where(
            _rollups.c.room_id.in_(scope),
            _in(_rollups.c.day_ms, period),
            _rollups.c.day_ms < mark,
        )
        for r in await conn.execute(rolled.group_by(_rollups.c.room_id)):
            counts[r.room_id] += int(r.n)
    per_room = [n for n in counts.values() if n > 0]
    active, weeks = len(per_room), period.weeks
    per_week = sum(per_room) / active / weeks if active and weeks else None
    return (
        Figure("rooms_active", active, active),
        Figure("messages_per_room_per_week", per_week, active),
    )


async def _proposal_to_approval(conn: _Conn, scope: Select[tuple[str]], period: Period) -> Figure:
    stmt = select(_requests.c.room_id, _requests.c.created_ms, _requests.c.decided_ms).where(
        _requests.c.status == RequestStatus.APPROVED,
        _requests.c.room_id.in_(scope),
        _in(_requests.c.decided_ms, period),
    )
    approvals = list(await conn.execute(stmt))
    return Figure(
        "median_hours_proposal_to_approval",
        median((r.decided_ms - r.created_ms) / HOUR_MS for r in approvals),
        len({r.room_id for r in approvals}),
    )


async def _room_to_first_meeting(conn: _Conn, scope: Select[tuple[str]], period: Period) -> Figure:
    stmt = (
        select(_rooms.c.created_ms, func.min(_meetings.c.start_ms).label("first_ms"))
        .join(_meetings, _meetings.c.room_id == _rooms.c.room_id)
        .where(
            _rooms.c.room_id.in_(scope),
            _in(_rooms.c.created_ms, period),
            _meetings.c.kind == "forste_mote",
            _meetings.c.status != "cancelled",
        )
        .group_by(_rooms.c.room_id, _rooms.c.created_ms)
    )
    rooms = list(await conn.execute(stmt))
    return Figure(
        "median_days_room_to_first_meeting",
        median((r.first_ms - r.created_ms) / DAY_MS for r in rooms),
        len(rooms),
    )


async def _summary_share(
    conn: _Conn, scope: Select[tuple[str]], period: Period, now_ms: int | None
) -> Figure:
    ended_where = (
        _meetings.c.room_id.in_(scope),
        _meetings.c.status != "cancelled",
        _in(_meetings.c.end_ms, period),
    )
    columns = (_meetings.c.room_id, _meetings.c.number, _meetings.c.start_ms, _meetings.c.end_ms)
    ended = [_Meeting(*r) for r in await conn.execute(select(*columns).where(*ended_where))]
    posted: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    if ended:
        stmt = select(_audit.c.room_id, _audit.c.ts_ms, _audit.c.details).where(
            _audit.c.action == SUMMARY_ACTION,
            _audit.c.room_id.in_(select(_meetings.c.room_id).where(*ended_where)),
            _audit.c.ts_ms >= min(m.start_ms for m in ended),
            _audit.c.ts_ms <= period.end_ms + SUMMARY_WINDOW_MS,
        )
        for r in await conn.execute(stmt):
            posted[r.room_id].append((r.ts_ms, _number(r.details)))
    outcomes = [(m, _has_summary(m, posted[m.room_id])) for m in ended]
    if now_ms is not None:
        outcomes = [
            (m, done) for m, done in outcomes if done or m.end_ms + SUMMARY_WINDOW_MS <= now_ms
        ]
    share = 100 * sum(done for _, done in outcomes) / len(outcomes) if outcomes else None
    return Figure("share_summary_within_24h", share, len({m.room_id for m, _ in outcomes}))


async def _varsel_figures(
    conn: _Conn, scope: Select[tuple[str]] | None, period: Period
) -> list[Figure]:
    stmt = select(_varsler.c.channel, _varsler.c.status, func.count().label("n")).where(
        _in(_varsler.c.created_ms, period)
    )
    if scope is not None:
        stmt = stmt.where(_varsler.c.room_id.in_(scope))
    stmt = stmt.group_by(_varsler.c.channel, _varsler.c.status)
    counts = {(r.channel, r.status): int(r.n) for r in await conn.execute(stmt)}
    figures = []
    for channel in VARSEL_CHANNELS:
        sent = sum(counts.get((channel, s), 0) for s in SENT_STATUSES)
        figures.append(Figure(f"varsler_sent_{channel}", sent, sent))
    failed = sum(n for (_, status), n in counts.items() if status in FAILED_STATUSES)
    figures.append(Figure("varsler_failed", failed, failed))
    return figures


def _scope(org: str | None) -> Select[tuple[str]]:
    """The room IDs of ``org``'s brukerrom: those whose creator's account is in ``org``."""
    if org is None:
        return select(_rooms.c.room_id)
    return (
        select(_rooms.c.room_id)
        .join(_accounts, _accounts.c.user_id == _rooms.c.creator_user_id)
        .where(_accounts.c.org == org)
    )


def _in(column: ColumnElement[Any], period: Period) -> ColumnElement[bool]:
    return (column >= period.start_ms) & (column < period.end_ms)


def _has_summary(meeting: _Meeting, posted: list[tuple[int, int | None]]) -> bool:
    return any(
        meeting.start_ms <= ts_ms <= meeting.end_ms + SUMMARY_WINDOW_MS
        and number in (None, meeting.number)
        for ts_ms, number in posted
    )


def _number(details: str) -> int | None:
    try:
        value = json.loads(details).get("number")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


class UsageQueries:
    """The adapter the admin report uses (``services.ports.UsageReports``)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def usage_figures(
        self,
        org: str | None,
        period: Period,
        exclude_senders: Collection[str] = (),
        now_ms: int | None = None,
    ) -> list[Figure]:
        return await usage_figures(self._db, org, period, exclude_senders, now_ms)
