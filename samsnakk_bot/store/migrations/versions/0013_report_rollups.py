"""Report rollups, so the inbox can be purged (message counts per room and day, and the mark
up to which they are rolled up), and room notices kept until sent (offboarding).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_inbox_events_received", "inbox_events", ["received_ms"])
    op.create_table(
        "message_rollups",
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("day_ms", sa.BigInteger(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("bot_messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "day_ms", name=op.f("pk_message_rollups")),
    )
    op.create_index("ix_message_rollups_day", "message_rollups", ["day_ms"])
    op.create_table(
        "rollup_marks",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("until_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rollup_marks")),
    )
    op.create_table(
        "room_notices",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("idem_key", sa.String(255), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("wait_gone", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before_ms", sa.BigInteger(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("sent_ms", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'dead')", name=op.f("ck_room_notices_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_notices")),
        sa.UniqueConstraint("idem_key", name=op.f("uq_room_notices_idem_key")),
    )
    op.create_index("ix_room_notices_due", "room_notices", ["status", "not_before_ms"])


def downgrade() -> None:
    op.drop_index("ix_room_notices_due", table_name="room_notices")
    op.drop_table("room_notices")
    op.drop_table("rollup_marks")
    op.drop_index("ix_message_rollups_day", table_name="message_rollups")
    op.drop_table("message_rollups")
    op.drop_index("ix_inbox_events_received", table_name="inbox_events")
