"""dashboard: completed-order counts, failed logins, read indexes for a million units

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:26:06.043492+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# (index, table, columns): the dashboard's read paths (bench/README.md, "Dashboard").
INDEXES = [
    ("ix_return_orders_created_at", "return_orders", ["created_at"]),
    ("ix_return_orders_received_at", "return_orders", ["received_at"]),
    ("ix_return_orders_type_created", "return_orders", ["return_type", "created_at"]),
    ("ix_stock_ledger_unit_id", "stock_ledger", ["unit_id"]),
    ("ix_units_putaway_at", "units", ["putaway_at"]),
    ("ix_units_state_decision_due", "units", ["state", "decision_due_at"]),
    ("ix_units_terminal_at", "units", ["terminal_at"]),
]


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(
        "ix_login_attempts_login_failed_at", "login_attempts", ["login", "failed_at"], unique=False
    )
    op.create_table(
        "merchant_order_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column(
            "marketplace",
            sa.Enum(
                "kaspi",
                "wildberries",
                "ozon",
                "other",
                name="marketplace",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("completed_orders", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "completed_orders >= 0",
            name=op.f("ck_merchant_order_counts_completed_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_merchant_order_counts_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchant_order_counts")),
        sa.UniqueConstraint(
            "merchant_id",
            "marketplace",
            "day",
            name=op.f("uq_merchant_order_counts_merchant_id_marketplace_day"),
        ),
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table("merchant_order_counts")
    op.drop_index("ix_login_attempts_login_failed_at", table_name="login_attempts")
    op.drop_table("login_attempts")
