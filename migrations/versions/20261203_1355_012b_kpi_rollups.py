"""kpi rollups: per closed day counters, reasons, durations and their buckets

Revision ID: 012b
Revises: 012a
Create Date: 2026-12-03 13:55:29.924679+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "012b"
down_revision = "012a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=24), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("day", "merchant_id", "name", name=op.f("pk_kpi_counts")),
    )
    op.create_table(
        "kpi_duration_buckets",
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("bucket", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "day", "bucket", name=op.f("pk_kpi_duration_buckets")),
    )
    op.create_table(
        "kpi_durations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("metric", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.SmallInteger(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_durations")),
    )
    with op.batch_alter_table("kpi_durations", schema=None) as batch_op:
        batch_op.create_index("ix_kpi_durations_day", ["day"], unique=False)
        batch_op.create_index("ix_kpi_durations_merchant_day", ["merchant_id", "day"], unique=False)
        batch_op.create_index(
            "ix_kpi_durations_metric_bucket_day",
            ["metric", "bucket", "day", "seconds"],
            unique=False,
        )

    op.create_table(
        "kpi_reason_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "product_id", "reason", name=op.f("pk_kpi_reason_counts")),
    )
    with op.batch_alter_table("kpi_reason_counts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_kpi_reason_counts_merchant_day", ["merchant_id", "day"], unique=False
        )

    op.create_table(
        "kpi_rolled_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("through", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_kpi_rolled_days")),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index("ix_units_reintegrated_at", ["reintegrated_at"], unique=False)

    op.create_table(
        "kpi_reason_dims",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dim", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "dim", "key", "reason", name=op.f("pk_kpi_reason_dims")),
    )
    op.create_index("ix_kpi_reason_dims_dim_day", "kpi_reason_dims", ["dim", "day"], unique=False)
    op.create_index(
        "ix_kpi_reason_counts_product_day", "kpi_reason_counts", ["product_id", "day"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_kpi_reason_counts_product_day", table_name="kpi_reason_counts")
    op.drop_index("ix_kpi_reason_dims_dim_day", table_name="kpi_reason_dims")
    op.drop_table("kpi_reason_dims")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index("ix_units_reintegrated_at")

    op.drop_table("kpi_rolled_days")
    with op.batch_alter_table("kpi_reason_counts", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_reason_counts_merchant_day")

    op.drop_table("kpi_reason_counts")
    with op.batch_alter_table("kpi_durations", schema=None) as batch_op:
        batch_op.drop_index("ix_kpi_durations_metric_bucket_day")
        batch_op.drop_index("ix_kpi_durations_merchant_day")
        batch_op.drop_index("ix_kpi_durations_day")

    op.drop_table("kpi_durations")
    op.drop_table("kpi_duration_buckets")
    op.drop_table("kpi_counts")
