"""dashboard: index of a period's unit transitions (processing time per stage)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 19:00:00.000000+00:00
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_events_entity_created", "audit_events", ["entity", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_entity_created", table_name="audit_events")
