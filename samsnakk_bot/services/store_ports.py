"""What the use cases need from the store, as small protocols (the store's repositories are
the adapters). They speak in the domain's records (``domain/room_records.py``,
``domain/records.py``), never in table rows. ``samsnakk_bot/port_conformance.py`` has mypy
check that every adapter fits its port. The Matrix and side-effect ports are in ``ports.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from samsnakk_bot.domain.directory import EntryIn
from samsnakk_bot.domain.lifecycle import (
    ParticipantEvent,
    ParticipantRole,
    RequestEvent,
    RoomEvent,
    RoomState,
)
from samsnakk_bot.domain.records import (
    Account,
    AgendaItem,
    Answer,
    DirectoryEntry,
    InboxEvent,
    InboxEventIn,
    Meeting,
    NewRoomNotice,
    NewVarsel,
    OnboardingCode,
    Poll,
    PollPurpose,
    Purged,
    RefusedReason,
    Role,
    RoomKind,
    RoomNotice,
    RoomRecord,
    VarselPrefs,
)
from samsnakk_bot.domain.report import Figure, Period
from samsnakk_bot.domain.room_records import Brukerrom, Participant, ParticipantRequest

# Each decision that changes who may be in a room is a conditional write in the adapter: the
# methods that take a lifecycle event return False when the row was no longer in a state that
# event leaves from (someone else got there first).


class BrukerromStore(Protocol):
    async def create(
        self,
        room_id: str,
        label: str,
        creator: str,
        bruker: str | None,
        state: RoomState,
        now_ms: int,
    ) -> None: ...

    async def label_taken(self, label: str) -> bool: ...

    async def get(self, room_id: str) -> Brukerrom | None: ...

    async def list_all(self, states: tuple[RoomState, ...] | None = None) -> list[Brukerrom]: ...

    async def set_bruker(self, room_id: str, bruker: str) -> bool: ...

    async def record_consent(self, room_id: str, version: str, now_ms: int) -> bool: ...

    async def touch(self, room_id: str, now_ms: int, min_gap_ms: int = 60_000) -> int | None: ...

    async def advance_retention(
        self, room_id: str, from_stage: int, to_stage: int, close_ms: int
    ) -> bool: ...

    async def mark_purge_requested(self, room_id: str, now_ms: int) -> None: ...

    async def close(
        self, room_id: str, now_ms: int, event: RoomEvent = RoomEvent.CLOSE
    ) -> bool: ...

    async def waiting_created_by(self, user_id: str) -> list[Brukerrom]: ...

    async def hand_over(self, room_id: str, from_user: str, to_user: str) -> bool: ...


class ParticipantStore(Protocol):
    async def approve(
        self,
        room_id: str,
        user_id: str,
        role: ParticipantRole,
        now_ms: int,
        proposed_by: str | None = None,
        proposed_ms: int | None = None,
        request_number: int | None = None,
    ) -> None: ...

    async def end(
        self, room_id: str, user_id: str, event: ParticipantEvent, now_ms: int
    ) -> bool: ...

    async def end_everywhere(
        self, user_id: str, event: ParticipantEvent, now_ms: int
    ) -> list[str]: ...

    async def get(self, room_id: str, user_id: str) -> Participant | None: ...

    async def is_approved(self, room_id: str, user_id: str) -> bool: ...

    async def in_room(self, room_id: str, only_approved: bool = True) -> list[Participant]: ...

    async def rooms_of(self, user_id: str) -> list[str]: ...


class RequestStore(Protocol):
    async def create(
        self,
        room_id: str,
        candidate: str,
        requested_by: str,
        note_enc: bytes | None,
        now_ms: int,
        expires_ms: int,
    ) -> ParticipantRequest: ...

    async def get(self, room_id: str, number: int) -> ParticipantRequest | None: ...

    async def by_id(self, request_id: int) -> ParticipantRequest | None: ...

    async def pending(self, room_id: str | None = None) -> list[ParticipantRequest]: ...

    async def pending_for(self, room_id: str, candidate: str) -> ParticipantRequest | None: ...

    async def decide(
        self, request_id: int, event: RequestEvent, by: str | None, now_ms: int
    ) -> bool: ...

    async def mark_reminded(self, request_id: int, now_ms: int) -> bool: ...

    async def set_prompt_event(self, request_id: int, event_id: str) -> None: ...


class RoomStore(Protocol):
    """Every room the bot knows: its kind and whether it is encrypted."""

    async def upsert_kind(
        self, room_id: str, kind: RoomKind, dm_user_id: str | None = None, *, now_ms: int
    ) -> None: ...

    async def set_encrypted(self, room_id: str, algorithm: str, now_ms: int) -> None: ...

    async def get(self, room_id: str) -> RoomRecord | None: ...

    async def is_encrypted(self, room_id: str) -> bool: ...

    async def dm_with(self, user_id: str) -> str | None: ...


class AccountStore(Protocol):
    async def upsert(
        self, user_id: str, role: Role, org: str | None, display_name: str | None, now_ms: int
    ) -> None: ...

    async def get(self, user_id: str) -> Account | None: ...

    async def list_all(self) -> list[Account]: ...

    async def with_role(self, role: Role) -> list[Account]: ...


class PollStore(Protocol):
    async def add(
        self, event_id: str, room_id: str, purpose: PollPurpose, request_id: int | None, now_ms: int
    ) -> None: ...

    async def has_consent_poll(self, room_id: str) -> bool: ...

    async def get(self, event_id: str) -> Poll | None: ...


class CodeStore(Protocol):
    """One-time onboarding codes, kept as keyed hashes, and the failed guesses."""

    async def create(
        self,
        room_id: str,
        code_hash: str,
        phone_enc: bytes | None,
        created_by: str,
        now_ms: int,
        expires_ms: int,
    ) -> None: ...

    async def find(self, code_hash: str) -> OnboardingCode | None: ...

    async def for_room(self, room_id: str) -> list[OnboardingCode]: ...

    async def use(self, code_id: int, user_id: str, now_ms: int) -> bool: ...

    async def void_created_by(self, user_id: str, now_ms: int) -> list[str]: ...

    async def add_failure(self, user_id: str, now_ms: int) -> None: ...

    async def failures_since(self, user_id: str, since_ms: int) -> tuple[int, int | None]: ...


class OffboardedStore(Protocol):
    async def add(self, user_id: str, org_id: str, by: str, now_ms: int) -> None: ...

    async def is_offboarded(self, user_id: str) -> bool: ...


class LookupCounter(Protocol):
    """Counts someone's lookups (e.g. by fødselsnummer) for rate limiting."""

    async def add(self, user_id: str, now_ms: int) -> None: ...

    async def since(self, user_id: str, since_ms: int) -> tuple[int, int | None]: ...


class RefusedRooms(Protocol):
    """Rooms the bot will not serve again (a foreign successor, or one it upgraded away)."""

    async def add(
        self,
        room_id: str,
        related: str,
        now_ms: int,
        reason: RefusedReason = "foreign_successor",
    ) -> bool: ...

    async def contains(self, room_id: str) -> bool: ...

    async def reason(self, room_id: str) -> str | None: ...

    async def all(self) -> list[str]: ...


class FieldCrypto(Protocol):
    """Field-level AES-GCM for free text that may hold health information."""

    def encrypt(self, plaintext: bytes, associated_data: bytes) -> bytes: ...

    def decrypt(self, blob: bytes, associated_data: bytes) -> bytes: ...

    def encrypt_text(self, plaintext: str, associated_data: bytes) -> bytes: ...

    def decrypt_text(self, blob: bytes, associated_data: bytes) -> str: ...


class DirectoryStore(Protocol):
    """The katalog: who works where, searchable by name."""

    async def upsert(self, entry: EntryIn, by: str, now_ms: int) -> bool: ...

    async def get(self, user_id: str) -> DirectoryEntry | None: ...

    async def deactivate(self, user_id: str, by: str, now_ms: int) -> bool: ...

    async def search(self, query: str, limit: int = 10) -> list[DirectoryEntry]: ...

    async def by_org(self, org_id: str, include_inactive: bool = False) -> list[DirectoryEntry]: ...


class AdminRoomStore(Protocol):
    """Each organisation's admin room."""

    async def add(self, org_id: str, room_id: str, now_ms: int) -> None: ...

    async def room_for(self, org_id: str) -> str | None: ...

    async def org_of(self, room_id: str) -> str | None: ...

    async def all_rooms(self) -> list[str]: ...

    async def all(self) -> dict[str, str]:
        """Every organisation's admin room, by organisation."""
        ...


class PersonMeetings(Protocol):
    """A person's meetings, as offboarding hands them over."""

    async def for_person(self, user_id: str, from_ms: int) -> list[Meeting]: ...

    async def set_responsible(self, meeting_id: int, user_id: str) -> None: ...

    async def answers(self, meeting_id: int) -> list[Answer]: ...


class AuditPruner(Protocol):
    async def prune(self, before_ms: int, actor: str, now_ms: int) -> int:
        """Delete the entries older than ``before_ms``, recording the cut; returns how many."""
        ...


class RoomMover(Protocol):
    async def move_brukerrom(self, old_room: str, new_room: str) -> None:
        """Point every row of ``old_room`` at its successor, all or nothing."""
        ...


class MeetingStore(PersonMeetings, Protocol):
    """Meetings in a brukerrom: the answers, the agenda and the oppskrift checklist."""

    async def create(
        self,
        room_id: str,
        kind: str,
        start_ms: int,
        end_ms: int,
        place_enc: bytes | None,
        responsible: str,
        created_by: str,
        participants: list[str],
        now_ms: int,
    ) -> Meeting: ...

    async def get(self, room_id: str, number: int) -> Meeting | None: ...

    async def by_id(self, meeting_id: int) -> Meeting | None: ...

    async def in_room(self, room_id: str, from_ms: int | None = None) -> list[Meeting]: ...

    async def planned(self) -> list[Meeting]: ...

    async def move(self, meeting_id: int, start_ms: int, end_ms: int) -> None: ...

    async def cancel(self, meeting_id: int) -> bool: ...

    async def mark_job(self, meeting_id: int, column: str, now_ms: int) -> bool: ...

    async def set_summary(self, meeting_id: int, event_id: str, text_enc: bytes) -> None: ...

    async def answer(
        self, meeting_id: int, user_id: str, answer: str, proposal_enc: bytes | None, now_ms: int
    ) -> bool: ...

    async def add_agenda(
        self, meeting_id: int, author: str, avoid: bool, text_enc: bytes, now_ms: int
    ) -> None: ...

    async def agenda(self, meeting_id: int) -> list[AgendaItem]: ...

    async def tick(self, meeting_id: int, step: str, by: str, now_ms: int) -> None: ...

    async def untick(self, meeting_id: int, step: str) -> None: ...

    async def checklist(self, meeting_id: int) -> dict[str, int]: ...


class Outbox(Protocol):
    """The varsel outbox: what is queued for the outbox worker to send."""

    async def enqueue(self, v: NewVarsel, now_ms: int) -> bool: ...

    async def exists(self, idem_key: str) -> bool: ...

    async def merge_into_pending(
        self, user_id: str, room_id: str, kind: str, channel: str
    ) -> bool: ...

    async def last_sent_ms(
        self, user_id: str, room_id: str, kind: str, channel: str
    ) -> int | None: ...


class PrefsStore(Protocol):
    """Each person's varsel settings; phone and e-mail encrypted at field level."""

    async def get(self, user_id: str) -> VarselPrefs | None: ...

    async def save(self, prefs: VarselPrefs, now_ms: int) -> None: ...


class InboxStore(Protocol):
    """The appservice transaction inbox: stored first, processed from here."""

    async def add_events(self, txn_id: str, events: Sequence[InboxEventIn]) -> int: ...

    async def fetch_pending(self, limit: int = 100) -> list[InboxEvent]: ...

    async def mark_processed(self, ids: Sequence[int], now_ms: int) -> None: ...


class UsageReports(Protocol):
    """The figures of the admin report, counted without reading a message."""

    async def usage_figures(
        self,
        org: str | None,
        period: Period,
        exclude_senders: Collection[str] = (),
        now_ms: int | None = None,
    ) -> list[Figure]: ...


class LanguageStore(Protocol):
    """Each person's chosen language (a code such as ``nn``)."""

    async def get(self, user_id: str) -> str | None: ...

    async def set(self, user_id: str, language: str, now_ms: int) -> None: ...


class RoomNoticeStore(Protocol):
    """The room-notice outbox: stored before the promise, settled after the send."""

    async def add_many(self, notices: Sequence[NewRoomNotice], now_ms: int) -> int: ...

    async def due(self, now_ms: int, limit: int = 500) -> list[RoomNotice]: ...

    async def sent(self, notice_id: int, now_ms: int) -> None: ...

    async def retry(self, notice_id: int, attempts: int, not_before_ms: int) -> None: ...

    async def dead(self, notice_id: int, attempts: int) -> None: ...

    async def pending(self) -> int: ...


class InboxRollupStore(Protocol):
    """Rolls the inbox's message counts up per room and day, then purges what is rolled up."""

    async def roll_up(self, until_ms: int, bot_user_id: str) -> tuple[int, int]: ...

    async def purge(self, bot_user_id: str, until_ms: int) -> Purged: ...
