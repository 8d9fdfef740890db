"""Rooms Samsnakk seals: successors named by a tombstone the bot did not send, and rooms it
upgraded itself.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refused_rooms",
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("related_room_id", sa.String(255), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("refused_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_refused_rooms")),
    )


def downgrade() -> None:
    op.drop_table("refused_rooms")
