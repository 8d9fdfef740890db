"""What the use cases need from the outside world, as small protocols.

The nio/HTTP adapter (matrix/room_actions.py) implements ``RoomActions``; tests and the
domain never see Matrix details beyond user and room IDs. The store's repositories implement
the ``*Store`` protocols below; they speak in the domain's records (``domain/room_records.py``,
``domain/records.py``), never in table rows. ``samsnakk_bot/port_conformance.py`` has mypy
check that every adapter fits its port.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

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
    NewAuditEntry,
    NewVarsel,
    OnboardingCode,
    Poll,
    PollPurpose,
    RefusedReason,
    Role,
    RoomKind,
    RoomRecord,
    VarselPrefs,
)
from samsnakk_bot.domain.replies import Reply
from samsnakk_bot.domain.report import Figure, Period
from samsnakk_bot.domain.room_records import Brukerrom, Participant, ParticipantRequest


@dataclass(frozen=True, slots=True)
class RoomMember:
    membership: str  # "join", "invite" or "leave"
    sender: str
    ts_ms: int


class RoomActions(Protocol):
    async def create_room(
        self,
        name: str,
        alias_localpart: str,
        initial_state: list[dict[str, Any]],
        power_levels: dict[str, Any],
        invite: list[str],
    ) -> str: ...

    async def invite(self, room_id: str, user_id: str) -> None: ...

    async def kick(self, room_id: str, user_id: str, reason: str) -> None: ...

    async def set_name(self, room_id: str, name: str) -> None: ...

    async def set_state(self, room_id: str, event_type: str, content: dict[str, Any]) -> None: ...

    async def say(self, room_id: str, reply: Reply) -> str: ...

    async def say_event(self, room_id: str, event_type: str, content: dict[str, Any]) -> str: ...

    async def edit(self, room_id: str, event_id: str, reply: Reply) -> str: ...

    async def pin(self, room_id: str, event_id: str) -> None: ...

    async def send_file(
        self, room_id: str, data: bytes, mime: str, filename: str, msgtype: str
    ) -> str: ...

    async def create_admin_room(self, name: str, invite: list[str]) -> str: ...

    async def joined_members(self, room_id: str) -> set[str]: ...

    async def current_members(self, room_id: str) -> dict[str, RoomMember]:
        """Everyone joined, invited or gone (who left or was removed, and by whom)."""
        ...

    async def redact(self, room_id: str, event_id: str, reason: str) -> None: ...

    async def upgrade_room(self, room_id: str, version: str) -> str: ...

    async def alias_target(self, alias: str) -> str | None: ...

    async def point_alias(self, alias: str, room_id: str) -> None:
        """Make ``alias`` resolve to ``room_id``, replacing wherever it points now."""
        ...

    async def wait_until_gone(
        self, room_ids: Collection[str], user_id: str, timeout: float = 10.0
    ) -> set[str]: ...

    async def display_name(self, user_id: str) -> str | None: ...

    async def user_exists(self, user_id: str) -> bool: ...


class AccountState(Enum):
    CREATED = "created"
    EXISTS = "exists"
    DEACTIVATED = "deactivated"


class AccountProvisioner(Protocol):
    """Makes a local account that logs in only through the homeserver's SSO (ID-porten)."""

    async def ensure_user(self, user_id: str, display_name: str) -> AccountState: ...


class AccountCloser(Protocol):
    """Deactivates a homeserver account (offboarding, when policy says so)."""

    async def deactivate(self, user_id: str) -> None: ...


class Audit(Protocol):
    async def append(
        self,
        *,
        ts_ms: int,
        actor: str,
        action: str,
        room_id: str | None = None,
        subject: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Any: ...

    async def append_many(self, entries: Sequence[NewAuditEntry]) -> list[Any]: ...

    async def for_room(self, room_id: str) -> list[Any]: ...

    async def for_actor(self, actor: str) -> list[Any]: ...


class AccessCache(Protocol):
    def expect_invite(self, invitee: str, ttl_s: float = 30) -> None: ...

    def invalidate(self, room_id: str) -> None: ...


class Notifier(Protocol):
    """Varsler: content-free notifications through the outbox."""

    async def notify(
        self,
        user_id: str,
        kind: Any,
        room_id: str | None,
        event_key: str,
        secret: str | None = None,
    ) -> int: ...

    async def notify_phone(self, phone_e164: str, code: str, room_id: str, key: str) -> bool: ...

    async def wants_summary_text(self, user_id: str) -> bool: ...


# -- the store ---------------------------------------------------------------------------
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
