"""Table definitions for the bot's own state.

Timestamps are integer milliseconds since the Unix epoch (UTC), the same unit Matrix uses for
``origin_server_ts``; integers compare and index the same way on SQLite and PostgreSQL.
Every change to these classes needs a new Alembic revision: ``test_models_match_migrations``
fails otherwise.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from samsnakk_bot.domain.lifecycle import (
    ParticipantRole,
    ParticipantStatus,
    RequestStatus,
    RoomState,
)
from samsnakk_bot.domain.varsler import CHANNELS

# Stable constraint names, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ROLES = ("ansatt", "bruker", "admin")
ROOM_KINDS = ("dm", "brukerrom", "admin", "other")

# SQLite only autoincrements a column declared exactly INTEGER PRIMARY KEY.
BigIntPK = BigInteger().with_variant(Integer, "sqlite")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InboxEventRow(Base):
    """An appservice transaction event, stored before Synapse gets its 200."""

    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # Synapse on SQLite restarts txnIds at 1, so the event ID is the de-duplication key.
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    txn_id: Mapped[str] = mapped_column(String(255))
    room_id: Mapped[str | None] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(255))
    sender: Mapped[str] = mapped_column(String(255))
    state_key: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[str] = mapped_column(Text)
    received_ms: Mapped[int] = mapped_column(BigInteger)
    processed_ms: Mapped[int | None] = mapped_column(BigInteger, index=True)

    __table_args__ = (
        # The worker's hot query: pending rows in arrival order. Stays small as rows are done.
        Index(
            "ix_inbox_events_pending",
            "id",
            sqlite_where=text("processed_ms IS NULL"),
            postgresql_where=text("processed_ms IS NULL"),
        ),
        # The rollup before a purge reads one day at a time (store/rollups.py).
        Index("ix_inbox_events_received", "received_ms"),
    )


class AccountRow(Base):
    __tablename__ = "accounts"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    org: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(255))
    created_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)


class RoomRow(Base):
    __tablename__ = "rooms"

    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    encryption_algorithm: Mapped[str | None] = mapped_column(String(64))
    # For the bot's DMs: the local user on the other side.
    dm_user_id: Mapped[str | None] = mapped_column(String(255))
    created_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (CheckConstraint(_one_of("kind", ROOM_KINDS), name="kind"),)


class BotSecretRow(Base):
    """Key material for the bot, already encrypted by FieldCipher before it gets here."""

    __tablename__ = "bot_secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    updated_ms: Mapped[int] = mapped_column(BigInteger)


# The lifecycle's states, as the CHECK constraints of the migrations spell them.
BRUKERROM_STATES = tuple(s.value for s in RoomState)
PARTICIPANT_ROLES = tuple(r.value for r in ParticipantRole)
PARTICIPANT_STATUSES = tuple(s.value for s in ParticipantStatus)
REQUEST_STATUSES = tuple(s.value for s in RequestStatus)


class BrukerromRow(Base):
    """One brukerrom: whose it is, who made it, and where its consent stands."""

    __tablename__ = "brukerrom"

    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    # The pseudonymous number in the room name ("Samsnakk · 4821"); never a person's name.
    label: Mapped[str] = mapped_column(String(16), unique=True)
    bruker_user_id: Mapped[str | None] = mapped_column(String(255), index=True)
    creator_user_id: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(32))
    consent_version: Mapped[str | None] = mapped_column(String(32))
    consent_ms: Mapped[int | None] = mapped_column(BigInteger)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    closed_ms: Mapped[int | None] = mapped_column(BigInteger)
    # Retention: the last message, and how many closing warnings have gone out (0-2).
    last_activity_ms: Mapped[int] = mapped_column(BigInteger)
    retention_stage: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    retention_close_ms: Mapped[int | None] = mapped_column(BigInteger)
    purge_requested_ms: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (CheckConstraint(_one_of("state", BRUKERROM_STATES), name="state"),)


class ParticipantRow(Base):
    """Who may be in a brukerrom. The guard and the antispam checks read only this table."""

    __tablename__ = "participants"

    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    proposed_by: Mapped[str | None] = mapped_column(String(255))
    proposed_ms: Mapped[int | None] = mapped_column(BigInteger)
    approved_ms: Mapped[int] = mapped_column(BigInteger)
    request_number: Mapped[int | None] = mapped_column(Integer)
    ended_ms: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint(_one_of("role", PARTICIPANT_ROLES), name="role"),
        CheckConstraint(_one_of("status", PARTICIPANT_STATUSES), name="status"),
    )


class ParticipantRequestRow(Base):
    """A proposal to add someone, waiting for the bruker's answer. Numbered per room."""

    __tablename__ = "participant_requests"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255))
    number: Mapped[int] = mapped_column(Integer)
    candidate_user_id: Mapped[str] = mapped_column(String(255))
    requested_by: Mapped[str] = mapped_column(String(255))
    # Free text ("rolle/notat") may hold health information: AES-GCM at field level.
    note_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), index=True)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    reminded_ms: Mapped[int | None] = mapped_column(BigInteger)
    decided_ms: Mapped[int | None] = mapped_column(BigInteger)
    decided_by: Mapped[str | None] = mapped_column(String(255))
    prompt_event_id: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (
        CheckConstraint(_one_of("status", REQUEST_STATUSES), name="status"),
        Index("ix_participant_requests_room_number", "room_id", "number", unique=True),
    )


class OnboardingCodeRow(Base):
    """A one-time code for a bruker without an account. Only a keyed hash is stored."""

    __tablename__ = "onboarding_codes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_by: Mapped[str] = mapped_column(String(255))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    used_ms: Mapped[int | None] = mapped_column(BigInteger)
    used_by: Mapped[str | None] = mapped_column(String(255))


class CodeAttemptRow(Base):
    """Failed code guesses, for the per-account rate limit."""

    __tablename__ = "code_attempts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(255))
    attempted_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_code_attempts_user_time", "user_id", "attempted_ms"),)


class AuditRow(Base):
    """Append-only, hash-chained audit log. Details never hold health information."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    ts_ms: Mapped[int] = mapped_column(BigInteger)
    room_id: Mapped[str | None] = mapped_column(String(255), index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


POLL_PURPOSES = ("consent", "request")


class PollRow(Base):
    """A poll the bot posted, so that an encrypted poll answer finds its question."""

    __tablename__ = "polls"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(255))
    purpose: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[int | None] = mapped_column(BigInteger)
    created_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (CheckConstraint(_one_of("purpose", POLL_PURPOSES), name="purpose"),)


VARSEL_CHANNELS = CHANNELS
VARSEL_STATUSES = ("pending", "sending", "sent", "delivered", "failed", "dead")


class VarselRow(Base):
    """The durable outbox: one row per notification, keyed before any attempt is made."""

    __tablename__ = "varsler"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    idem_key: Mapped[str] = mapped_column(String(255), unique=True)
    user_id: Mapped[str | None] = mapped_column(String(255))
    channel: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(32))
    room_id: Mapped[str | None] = mapped_column(String(255))
    count: Mapped[int] = mapped_column(Integer, default=1)
    # SMS number / e-mail address, and for onboarding the code: AES-GCM, never in clear.
    address_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before_ms: Mapped[int] = mapped_column(BigInteger)
    provider_ref: Mapped[str | None] = mapped_column(String(255), index=True)
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    sent_ms: Mapped[int | None] = mapped_column(BigInteger)
    delivered_ms: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint(_one_of("channel", VARSEL_CHANNELS), name="channel"),
        CheckConstraint(_one_of("status", VARSEL_STATUSES), name="status"),
        Index("ix_varsler_due", "status", "not_before_ms"),
        Index("ix_varsler_thread", "user_id", "room_id", "kind", "channel"),
    )


class VarselPrefsRow(Base):
    """A person's own choices. Absent row: the policy's defaults."""

    __tablename__ = "varsel_prefs"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    channels: Mapped[str] = mapped_column(String(32))
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    quiet_start: Mapped[int | None] = mapped_column(Integer)
    quiet_end: Mapped[int | None] = mapped_column(Integer)
    sms_summary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_ms: Mapped[int] = mapped_column(BigInteger)


class DeliveryReportRow(Base):
    """Every authenticated delivery report from an SMS provider, as received."""

    __tablename__ = "delivery_reports"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(32))
    provider_ref: Mapped[str] = mapped_column(String(255), index=True)
    ref_id: Mapped[str | None] = mapped_column(String(255), index=True)
    result_code: Mapped[int] = mapped_column(Integer)
    delivered: Mapped[bool | None] = mapped_column(Boolean)
    received_ms: Mapped[int] = mapped_column(BigInteger)


MEETING_STATUSES = ("planned", "cancelled")
MEETING_KINDS = ("forste_mote", "forberedelse")


class MeetingRow(Base):
    """A meeting in a brukerrom. Place and link are field-encrypted: they can say a lot."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    start_ms: Mapped[int] = mapped_column(BigInteger)
    end_ms: Mapped[int] = mapped_column(BigInteger)
    place_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    responsible: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(255))
    created_ms: Mapped[int] = mapped_column(BigInteger)
    # iCalendar SEQUENCE: +1 on every change that is e-mailed.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    summary_event_id: Mapped[str | None] = mapped_column(String(255))
    summary_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # When each one-off job has done its work (so a restart never repeats it).
    reminded_first_ms: Mapped[int | None] = mapped_column(BigInteger)
    reminded_second_ms: Mapped[int | None] = mapped_column(BigInteger)
    unconfirmed_ms: Mapped[int | None] = mapped_column(BigInteger)
    summary_asked_ms: Mapped[int | None] = mapped_column(BigInteger)
    summary_nudged_ms: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint(_one_of("status", MEETING_STATUSES), name="status"),
        CheckConstraint(_one_of("kind", MEETING_KINDS), name="kind"),
        Index("ix_meetings_room_number", "room_id", "number", unique=True),
    )


class MeetingParticipantRow(Base):
    __tablename__ = "meeting_participants"

    meeting_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    answer: Mapped[str | None] = mapped_column(String(16))
    proposal_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    answered_ms: Mapped[int | None] = mapped_column(BigInteger)


class AgendaItemRow(Base):
    """An agenda point; "ikke" points are what the bruker does not want to talk about."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(BigInteger, index=True)
    author: Mapped[str] = mapped_column(String(255))
    avoid: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    text_enc: Mapped[bytes] = mapped_column(LargeBinary)
    created_ms: Mapped[int] = mapped_column(BigInteger)


class ChecklistRow(Base):
    __tablename__ = "meeting_checklist"

    meeting_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    step: Mapped[str] = mapped_column(String(32), primary_key=True)
    done_by: Mapped[str] = mapped_column(String(255))
    done_ms: Mapped[int] = mapped_column(BigInteger)


class DirectoryEntryRow(Base):
    """A staff member in the katalog. E-mail and phone are field-encrypted; the rest is what
    every ansatt may search, and ``search_text`` is that, folded (domain.directory.fold)."""

    __tablename__ = "directory_entries"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    unit: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(128))
    help_text: Mapped[str | None] = mapped_column(Text)
    email_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    search_text: Mapped[str] = mapped_column(Text)
    updated_ms: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[str] = mapped_column(String(255))


class AdminRoomRow(Base):
    """The one admin room per organisation, where its kommune admins give bot commands."""

    __tablename__ = "admin_rooms"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(255), unique=True)
    created_ms: Mapped[int] = mapped_column(BigInteger)


class RefusedRoomRow(Base):
    """A room Samsnakk seals: nobody may join it, and the guard removes anyone who is in it.

    Either the successor named by a tombstone the bot did not send (``foreign_successor``;
    ``related_room_id`` is the guarded room it claims to replace), or a room Samsnakk upgraded
    itself (``upgraded``; ``related_room_id`` is its successor, where everyone moved).
    """

    __tablename__ = "refused_rooms"

    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    related_room_id: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(String(32))
    refused_ms: Mapped[int] = mapped_column(BigInteger)


class IdentityPinRow(Base):
    """The master key the bot first saw for a user (trust on first use, MSC4153).

    ``pending_key`` is a different master key seen later: that user is untrusted until a bruker
    or an admin confirms it, and then it becomes ``master_key``.
    """

    __tablename__ = "identity_pins"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    master_key: Mapped[str] = mapped_column(String(64))
    pending_key: Mapped[str | None] = mapped_column(String(64))
    pinned_ms: Mapped[int] = mapped_column(BigInteger)
    changed_ms: Mapped[int | None] = mapped_column(BigInteger)


class OffboardedRow(Base):
    """Staff an admin has offboarded: they may no longer create rooms or be let back in as a
    room's creator. Kept apart from the directory, which an admin may edit back."""

    __tablename__ = "offboarded_staff"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64))
    offboarded_by: Mapped[str] = mapped_column(String(255))
    offboarded_ms: Mapped[int] = mapped_column(BigInteger)


class FnrLookupRow(Base):
    """Each «!rom ny fnr:» with a valid number, for the per-ansatt rate limit. No number."""

    __tablename__ = "fnr_lookups"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(255))
    attempted_ms: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_fnr_lookups_user_time", "user_id", "attempted_ms"),)


class PersonLanguageRow(Base):
    """The written standard a person chose with «!språk» (``nb``, ``nn``, or any catalog code).

    A person without a row speaks their organisation's default (policies); see D131.
    """

    __tablename__ = "person_languages"

    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    updated_ms: Mapped[int] = mapped_column(BigInteger)


class MessageRollupRow(Base):
    """Message events per room and day (Oslo), kept when the inbox rows behind them are purged.

    The usage report's message figures read these for days before the rollup mark and the inbox
    after it. ``bot_messages``: the bot's own, which the report leaves out.
    """

    __tablename__ = "message_rollups"

    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    day_ms: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    messages: Mapped[int] = mapped_column(Integer)
    bot_messages: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_message_rollups_day", "day_ms"),)


class RollupMarkRow(Base):
    """How far a rollup has gone: everything received before ``until_ms`` is rolled up."""

    __tablename__ = "rollup_marks"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    until_ms: Mapped[int] = mapped_column(BigInteger)


ROOM_NOTICE_STATUSES = ("pending", "sent", "dead")


class RoomNoticeRow(Base):
    """A notice the bot owes a room (e.g. after an offboarding), kept until it is sent.

    ``idem_key`` is also the Matrix transaction ID, so a send repeated after a crash is the
    same event on the homeserver.
    """

    __tablename__ = "room_notices"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    idem_key: Mapped[str] = mapped_column(String(255), unique=True)
    room_id: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    # Someone the room's new key must not reach: the notice waits until they are out.
    wait_gone: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before_ms: Mapped[int] = mapped_column(BigInteger)
    created_ms: Mapped[int] = mapped_column(BigInteger)
    sent_ms: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        CheckConstraint(_one_of("status", ROOM_NOTICE_STATUSES), name="status"),
        Index("ix_room_notices_due", "status", "not_before_ms"),
    )
