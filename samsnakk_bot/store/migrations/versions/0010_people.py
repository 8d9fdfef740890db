"""Offboarded staff, and «!rom ny fnr:» lookups for the per-ansatt rate limit (issue 12).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "offboarded_staff",
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("offboarded_by", sa.String(255), nullable=False),
        sa.Column("offboarded_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_offboarded_staff")),
    )
    op.create_table(
        "fnr_lookups",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("attempted_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fnr_lookups")),
    )
    op.create_index("ix_fnr_lookups_user_time", "fnr_lookups", ["user_id", "attempted_ms"])


def downgrade() -> None:
    op.drop_index("ix_fnr_lookups_user_time", table_name="fnr_lookups")
    op.drop_table("fnr_lookups")
    op.drop_table("offboarded_staff")
