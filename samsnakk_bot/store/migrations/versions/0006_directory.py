"""The staff directory (katalog): one entry per ansatt, e-mail and phone field-encrypted.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_entries",
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("org_id", sa.String(64), nullable=False),
        sa.Column("unit", sa.String(255), nullable=True),
        sa.Column("role", sa.String(128), nullable=False),
        sa.Column("help_text", sa.Text(), nullable=True),
        sa.Column("email_enc", sa.LargeBinary(), nullable=True),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("updated_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_directory_entries")),
    )
    op.create_index(op.f("ix_directory_entries_org_id"), "directory_entries", ["org_id"])


def downgrade() -> None:
    op.drop_table("directory_entries")
