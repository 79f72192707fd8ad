"""video clips of opened parcels (issue 10): one row per clip, attached to its return order

Revision ID: 010c
Revises: 012b
Create Date: 2026-12-03 18:02:29.265966+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "010c"
down_revision = "012b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clips",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("return_order_id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("order_code", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("hold", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_clips_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_clips_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["return_order_id"],
            ["return_orders.id"],
            name=op.f("fk_clips_return_order_id_return_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_clips_station_id_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clips")),
        # A retried upload finds the stored clip instead of adding one.
        sa.UniqueConstraint("station_id", "client_id", name=op.f("uq_clips_station_id_client_id")),
    )
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.create_index("ix_clips_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_clips_return_order_id"), ["return_order_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("clips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clips_return_order_id"))
        batch_op.drop_index("ix_clips_created_at")
    op.drop_table("clips")
