"""iCalendar invitations for staff: REQUEST on planning and moves, CANCEL on cancellation.

Only neutral words travel by e-mail ("Samsnakk-møte"); no place, no names of others, no
agenda. Each invitation goes through the durable outbox like any varsel.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from samsnakk_bot.crypto.labels import email_aad
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.calendar_ics import CalendarEvent, ics_cancel, ics_request, stable_uid
from samsnakk_bot.domain.records import Meeting
from samsnakk_bot.services.people import People
from samsnakk_bot.services.store_ports import AccountStore, MeetingStore, ParticipantStore
from samsnakk_bot.services.varsler import VarselService
from samsnakk_bot.tasks import TaskGroup

log = logging.getLogger(__name__)


class MeetingCalendar:
    def __init__(
        self,
        varsler: VarselService,
        meetings: MeetingStore,
        accounts: AccountStore,
        people: People,
        organizer_email: str,
        tasks: TaskGroup,
        participants: ParticipantStore,
    ) -> None:
        self._participants = participants
        self._varsler = varsler
        self._meetings = meetings
        self._accounts = accounts
        self._people = people
        self._organizer = organizer_email
        self._tasks = tasks

    def __call__(self, meeting: Meeting, method: str) -> None:
        self._tasks.spawn(self.send(meeting, method), f"calendar {meeting.id}")

    async def send(self, meeting: Meeting, method: str) -> int:
        """Enqueue one invitation per staff participant with an e-mail address."""
        domain = self._organizer.rpartition("@")[2]
        uid = stable_uid(f"samsnakk-meeting:{meeting.id}:{meeting.created_ms}", domain)
        sent = 0
        for answer in await self._meetings.answers(meeting.id):
            if not await self._participants.is_approved(meeting.room_id, answer.user_id):
                continue
            account = await self._accounts.get(answer.user_id)
            if account is None or account.role == "bruker":
                continue  # brukere get their varsel in the app or by SMS, not a calendar file
            address = await self._address(answer.user_id)
            if address is None:
                continue
            event = CalendarEvent(
                uid=uid,
                sequence=meeting.sequence,
                start=datetime.fromtimestamp(meeting.start_ms / 1000, UTC),
                end=datetime.fromtimestamp(meeting.end_ms / 1000, UTC),
                title=texts.CALENDAR_TITLE,
                description=texts.CALENDAR_DESCRIPTION,
                location=None,  # the place can say which service it is: it stays in the app
                organizer_email=self._organizer,
                organizer_name="Samsnakk",
                # Their own invitation: the name they go by, no Matrix ID in a mail (D29).
                attendees=((address, await self._people.greeting_name(answer.user_id)),),
            )
            stamp = datetime.fromtimestamp(self._varsler.d.clock.now_ms() / 1000, UTC)
            ics = ics_cancel(event, stamp) if method == "CANCEL" else ics_request(event, stamp)
            key = f"meeting{meeting.id}:seq{meeting.sequence}:{method}"
            sent += await self._varsler.enqueue_calendar(answer.user_id, key, ics)
        return sent

    async def _address(self, user_id: str) -> str | None:
        _, stored = await self._varsler.settings(user_id)
        if stored is None or stored.email_enc is None:
            return None
        return self._varsler.d.cipher.decrypt(stored.email_enc, email_aad(user_id)).decode()
