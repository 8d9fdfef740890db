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
    String,
    Text,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

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
