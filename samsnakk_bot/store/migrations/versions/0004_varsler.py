"""Varsler: the durable outbox, personal preferences, and SMS delivery reports.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "varsler",
        sa.Column("id", _BIGINT_PK, nullable=False, autoincrement=True),
        sa.Column("idem_key", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=True),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("address_enc", sa.LargeBinary(), nullable=True),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before_ms", sa.BigInteger(), nullable=False),
        sa.Column("provider_ref", sa.String(255), nullable=True),
        sa.Column("last_error", sa.String(255), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("sent_ms", sa.BigInteger(), nullable=True),
        sa.Column("delivered_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_varsler")),
        sa.UniqueConstraint("idem_key", name=op.f("uq_varsler_idem_key")),
        sa.CheckConstraint("channel IN ('app', 'sms', 'epost')", name=op.f("ck_varsler_channel")),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'delivered', 'failed', 'dead')",
            name=op.f("ck_varsler_status"),
        ),
    )
    op.create_index(op.f("ix_varsler_provider_ref"), "varsler", ["provider_ref"])
    op.create_index(op.f("ix_varsler_due"), "varsler", ["status", "not_before_ms"])
    op.create_index(op.f("ix_varsler_thread"), "varsler", ["user_id", "room_id", "kind", "channel"])

    op.create_table(
        "varsel_prefs",
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("channels", sa.String(32), nullable=False),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("email_enc", sa.LargeBinary(), nullable=True),
        sa.Column("quiet_start", sa.Integer(), nullable=True),
        sa.Column("quiet_end", sa.Integer(), nullable=True),
        sa.Column("sms_summary", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_varsel_prefs")),
    )

    op.create_table(
        "delivery_reports",
        sa.Column("id", _BIGINT_PK, nullable=False, autoincrement=True),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("provider_ref", sa.String(255), nullable=False),
        sa.Column("ref_id", sa.String(255), nullable=True),
        sa.Column("result_code", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=True),
        sa.Column("received_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_reports")),
    )
    op.create_index(op.f("ix_delivery_reports_provider_ref"), "delivery_reports", ["provider_ref"])


def downgrade() -> None:
    for table in ("delivery_reports", "varsel_prefs", "varsler"):
        op.drop_table(table)
