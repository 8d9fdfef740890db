"""Delivery reports found by our own reference (refId), so that a start can tell which of the
SMS varsler it was sending when it stopped the provider already had (D180).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_delivery_reports_ref_id"), "delivery_reports", ["ref_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_delivery_reports_ref_id"), table_name="delivery_reports")
