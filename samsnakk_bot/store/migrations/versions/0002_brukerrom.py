"""Brukerrom, participants, approval requests, onboarding codes and the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "brukerrom",
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("bruker_user_id", sa.String(255), nullable=True),
        sa.Column("creator_user_id", sa.String(255), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("consent_version", sa.String(32), nullable=True),
        sa.Column("consent_ms", sa.BigInteger(), nullable=True),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("closed_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_brukerrom")),
        sa.UniqueConstraint("label", name=op.f("uq_brukerrom_label")),
        sa.CheckConstraint(
            "state IN ('awaiting_bruker', 'awaiting_consent', 'active', 'closed')",
            name=op.f("ck_brukerrom_state"),
        ),
    )
    op.create_index(op.f("ix_brukerrom_bruker_user_id"), "brukerrom", ["bruker_user_id"])

    op.create_table(
        "participants",
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("proposed_by", sa.String(255), nullable=True),
        sa.Column("proposed_ms", sa.BigInteger(), nullable=True),
        sa.Column("approved_ms", sa.BigInteger(), nullable=False),
        sa.Column("request_number", sa.Integer(), nullable=True),
        sa.Column("ended_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("room_id", "user_id", name=op.f("pk_participants")),
        sa.CheckConstraint(
            "role IN ('bruker', 'creator', 'deltaker')", name=op.f("ck_participants_role")
        ),
        sa.CheckConstraint(
            "status IN ('approved', 'removed', 'left')", name=op.f("ck_participants_status")
        ),
    )

    op.create_table(
        "participant_requests",
        sa.Column("id", _BIGINT_PK, nullable=False, autoincrement=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("candidate_user_id", sa.String(255), nullable=False),
        sa.Column("requested_by", sa.String(255), nullable=False),
        sa.Column("note_enc", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("reminded_ms", sa.BigInteger(), nullable=True),
        sa.Column("decided_ms", sa.BigInteger(), nullable=True),
        sa.Column("decided_by", sa.String(255), nullable=True),
        sa.Column("prompt_event_id", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_requests")),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'expired', 'cancelled')",
            name=op.f("ck_participant_requests_status"),
        ),
    )
    op.create_index(op.f("ix_participant_requests_status"), "participant_requests", ["status"])
    op.create_index(
        op.f("ix_participant_requests_room_number"),
        "participant_requests",
        ["room_id", "number"],
        unique=True,
    )

    op.create_table(
        "onboarding_codes",
        sa.Column("id", _BIGINT_PK, nullable=False, autoincrement=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("phone_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_ms", sa.BigInteger(), nullable=False),
        sa.Column("used_ms", sa.BigInteger(), nullable=True),
        sa.Column("used_by", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_onboarding_codes_code_hash")),
    )
    op.create_index(op.f("ix_onboarding_codes_room_id"), "onboarding_codes", ["room_id"])

    op.create_table(
        "code_attempts",
        sa.Column("id", _BIGINT_PK, nullable=False, autoincrement=True),
        sa.Column("user_id", sa.String(255), nullable=False),
        sa.Column("attempted_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_attempts")),
    )
    op.create_index(
        op.f("ix_code_attempts_user_time"), "code_attempts", ["user_id", "attempted_ms"]
    )

    op.create_table(
        "audit_log",
        sa.Column("id", _BIGINT_PK, nullable=False, autoincrement=True),
        sa.Column("ts_ms", sa.BigInteger(), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=True),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(255), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index(op.f("ix_audit_log_room_id"), "audit_log", ["room_id"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "code_attempts",
        "onboarding_codes",
        "participant_requests",
        "participants",
        "brukerrom",
    ):
        op.drop_table(table)
