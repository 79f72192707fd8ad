"""claim cases (issue 9): claims and claim_lines, amounts in tiyn, unique marketplace id per account

Revision ID: 009a
Revises: 013a
Create Date: 2026-12-03 18:03:07.807432+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "009a"
down_revision = "013a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
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
            nullable=True,
        ),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column(
            "counterparty",
            sa.Enum(
                "marketplace",
                "buyer",
                "carrier",
                name="counterparty",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "reason",
            sa.Enum(
                "swapped_item",
                "foreign_marking",
                "damaged_in_transit",
                "missing_parts",
                "counterfeit",
                "not_delivered",
                "buyer_claim",
                "other",
                name="claim_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "origin",
            sa.Enum(
                "manual",
                "inspection",
                "receipt_shortage",
                "imported",
                name="claim_origin",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "under_review",
                "approved",
                "partially_approved",
                "rejected",
                "escalated",
                "settled",
                "closed",
                "cancelled",
                name="claim_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("return_order_id", sa.Integer(), nullable=True),
        sa.Column("shipment_ref", sa.String(length=100), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("external_status", sa.String(length=60), nullable=True),
        sa.Column(
            "external_actions",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "media", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "external_data",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("answer_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("claimed_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("offered_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("recovered_tiyn", sa.BigInteger(), nullable=False),
        sa.Column(
            "last_answer", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("state_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pack_path", sa.String(length=300), nullable=True),
        sa.Column("pack_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "claimed_tiyn >= 0 AND offered_tiyn >= 0 AND recovered_tiyn >= 0"
            " AND recovered_tiyn <= claimed_tiyn",
            name=op.f("ck_claims_amounts"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["marketplace_accounts.id"],
            name=op.f("fk_claims_account_id_marketplace_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_claims_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["return_order_id"],
            ["return_orders.id"],
            name=op.f("fk_claims_return_order_id_return_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint(
            "marketplace",
            "account_id",
            "external_id",
            name=op.f("uq_claims_marketplace_account_id_external_id"),
        ),
        sa.UniqueConstraint("number", name=op.f("uq_claims_number")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_merchant_state", ["merchant_id", "state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_claims_return_order_id"), ["return_order_id"], unique=False
        )
        batch_op.create_index("ix_claims_state_due", ["state", "due_at"], unique=False)

    op.create_table(
        "claim_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("sku", sa.String(length=100), nullable=True),
        sa.Column("qty", sa.Integer(), nullable=False),
        sa.Column(
            "remedy",
            sa.Enum(
                "refund",
                "compensation_no_return",
                "replacement",
                "settlement",
                "goods_back",
                name="remedy",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("claimed_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("offered_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("recovered_tiyn", sa.BigInteger(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("split_from_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "qty >= 1 AND claimed_tiyn >= 0 AND offered_tiyn >= 0 AND recovered_tiyn >= 0"
            " AND offered_tiyn <= claimed_tiyn AND recovered_tiyn <= claimed_tiyn",
            name=op.f("ck_claim_lines_amounts"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_lines_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_claim_lines_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["split_from_id"],
            ["claim_lines.id"],
            name=op.f("fk_claim_lines_split_from_id_claim_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_claim_lines_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_lines")),
    )
    with op.batch_alter_table("claim_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_lines_claim_id"), ["claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_lines_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_lines_unit_id"))
        batch_op.drop_index(batch_op.f("ix_claim_lines_claim_id"))

    op.drop_table("claim_lines")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_state_due")
        batch_op.drop_index(batch_op.f("ix_claims_return_order_id"))
        batch_op.drop_index("ix_claims_merchant_state")

    op.drop_table("claims")
