"""Identity pins: the master key the bot first saw for each user, and an unconfirmed change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_pins",
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("master_key", sa.String(64), nullable=False),
        sa.Column("pending_key", sa.String(64), nullable=True),
        sa.Column("pinned_ms", sa.BigInteger(), nullable=False),
        sa.Column("changed_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_identity_pins")),
    )


def downgrade() -> None:
    op.drop_table("identity_pins")
