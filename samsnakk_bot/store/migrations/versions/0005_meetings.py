"""Det første møtet: meetings, their participants' answers, agenda and oppskrift checklist.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", _BIGINT_PK, nullable=False, autoincrement=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("place_enc", sa.LargeBinary(), nullable=True),
        sa.Column("responsible", sa.String(255), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("summary_event_id", sa.String(255), nullable=True),
        sa.Column("summary_enc", sa.LargeBinary(), nullable=True),
        sa.Column("reminded_first_ms", sa.BigInteger(), nullable=True),
        sa.Column("reminded_second_ms", sa.BigInteger(), nullable=True),
        sa.Column("unconfirmed_ms", sa.BigInteger(), nullable=True),
        sa.Column("summary_asked_ms", sa.BigInteger(), nullable=True),
        sa.Column("summary_nudged_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.CheckConstraint("status IN ('planned', 'cancelled')", name=op.f("ck_meetings_status")),
        sa.CheckConstraint(
            "kind IN ('forste_mote', 'forberedelse')", name=op.f("ck_meetings_kind")
        ),
    )
    op.create_index(op.f("ix_meetings_status"), "meetings", ["status"])
    op.create_index(op.f("ix_meetings_room_number"), "meetings", ["room_id", "number"], unique=True)
    op.create_table(
        "meeting_participants",
        sa.Column("meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("answer", sa.String(16), nullable=True),
        sa.Column("proposal_enc", sa.LargeBinary(), nullable=True),
        sa.Column("answered_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", name=op.f("pk_meeting_participants")),
    )
    op.create_table(
        "agenda_items",
        sa.Column("id", _BIGINT_PK, nullable=False, autoincrement=True),
        sa.Column("meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("avoid", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_items")),
    )
    op.create_index(op.f("ix_agenda_items_meeting_id"), "agenda_items", ["meeting_id"])
    op.create_table(
        "meeting_checklist",
        sa.Column("meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("done_by", sa.String(255), nullable=False),
        sa.Column("done_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "step", name=op.f("pk_meeting_checklist")),
    )


def downgrade() -> None:
    for table in ("meeting_checklist", "agenda_items", "meeting_participants", "meetings"):
        op.drop_table(table)
