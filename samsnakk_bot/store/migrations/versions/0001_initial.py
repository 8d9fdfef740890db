"""Initial schema: inbox, accounts, rooms, bot secrets.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from models, so this revision never changes under us.
# Names go through op.f(): they are final and must not get the naming convention again.
_BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_PENDING = sa.text("processed_ms IS NULL")


def upgrade() -> None:
    op.create_table(
        "inbox_events",
        sa.Column("id", _BIGINT_PK, nullable=False, autoincrement=True),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("txn_id", sa.String(255), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=True),
        sa.Column("event_type", sa.String(255), nullable=False),
        sa.Column("sender", sa.String(255), nullable=False),
        sa.Column("state_key", sa.String(255), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_ms", sa.BigInteger(), nullable=False),
        sa.Column("processed_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_inbox_events_event_id")),
    )
    op.create_index(op.f("ix_inbox_events_processed_ms"), "inbox_events", ["processed_ms"])
    op.create_index(
        op.f("ix_inbox_events_pending"),
        "inbox_events",
        ["id"],
        sqlite_where=_PENDING,
        postgresql_where=_PENDING,
    )

    op.create_table(
        "accounts",
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("org", sa.String(255), nullable=True),
        sa.Column("display_name", sa.String(255), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_accounts")),
        sa.CheckConstraint("role IN ('ansatt', 'bruker', 'admin')", name=op.f("ck_accounts_role")),
    )

    op.create_table(
        "rooms",
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("encryption_algorithm", sa.String(64), nullable=True),
        sa.Column("dm_user_id", sa.String(255), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_rooms")),
        sa.CheckConstraint(
            "kind IN ('dm', 'brukerrom', 'admin', 'other')", name=op.f("ck_rooms_kind")
        ),
    )

    op.create_table(
        "bot_secrets",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_bot_secrets")),
    )


def downgrade() -> None:
    op.drop_table("bot_secrets")
    op.drop_table("rooms")
    op.drop_table("accounts")
    op.drop_index(op.f("ix_inbox_events_pending"), table_name="inbox_events")
    op.drop_index(op.f("ix_inbox_events_processed_ms"), table_name="inbox_events")
    op.drop_table("inbox_events")
