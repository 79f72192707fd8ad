"""sync and reintegration tracking

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:21:23.637908+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_heartbeats",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("info", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_heartbeats")),
    )
    op.create_table(
        "feed_fetches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.Integer(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["marketplace_accounts.id"],
            name=op.f("fk_feed_fetches_account_id_marketplace_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_fetches")),
    )
    op.create_index(
        "ix_feed_fetches_account_created",
        "feed_fetches",
        ["account_id", "created_at"],
        unique=False,
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(sa.Column("putaway_version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reintegrated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("reintegrated_at")
        batch_op.drop_column("putaway_version")

    op.drop_index("ix_feed_fetches_account_created", table_name="feed_fetches")
    op.drop_table("feed_fetches")
    op.drop_table("job_heartbeats")
