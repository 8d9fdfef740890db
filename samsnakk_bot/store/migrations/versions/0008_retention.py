"""Retention: when a brukerrom was last used, how far its closing warnings have come, and
whether the homeserver was asked to delete it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("brukerrom") as batch:
        batch.add_column(sa.Column("last_activity_ms", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("retention_stage", sa.SmallInteger(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("retention_close_ms", sa.BigInteger(), nullable=True))
        # Set when the homeserver was asked to delete the room (close_mode "delete").
        batch.add_column(sa.Column("purge_requested_ms", sa.BigInteger(), nullable=True))
    # Existing rooms count from when they were made: nobody is warned the day this runs.
    op.execute("UPDATE brukerrom SET last_activity_ms = created_ms")
    with op.batch_alter_table("brukerrom") as batch:
        batch.alter_column("last_activity_ms", existing_type=sa.BigInteger(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("brukerrom") as batch:
        batch.drop_column("purge_requested_ms")
        batch.drop_column("retention_close_ms")
        batch.drop_column("retention_stage")
        batch.drop_column("last_activity_ms")
