"""billing: rate card lines, billable events (idempotency key), invoices and credit notes

Revision ID: 013a
Revises: 015a
Create Date: 2026-12-03 18:03:39.669260+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "013a"
down_revision = "015a"
branch_labels = None
depends_on = None

SERVICES = (
    "receipt_order",
    "receipt_unit",
    "inspection_unit",
    "repair_unit",
    "repair_hour",
    "repack",
    "putaway",
    "photo",
    "video_clip",
    "label",
    "storage_unit_day",
    "storage_bin_day",
    "disposal",
    "return_to_merchant",
    "claim_handling",
)


def _service() -> sa.Enum:
    # One CHECK-constrained string per table (no PostgreSQL ENUM type to create or drop).
    return sa.Enum(
        *SERVICES, name="billing_service", native_enum=False, create_constraint=True, length=32
    )


def upgrade() -> None:
    op.create_table(
        "billing_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "invoice",
                "credit_note",
                name="document_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "final",
                "paid",
                "cancelled",
                name="invoice_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("net", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("vat", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("total", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("credit_of_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("calculated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credit_of_id"],
            ["billing_invoices.id"],
            name=op.f("fk_billing_invoices_credit_of_id_billing_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_billing_invoices_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_billing_invoices_number")),
    )
    with op.batch_alter_table("billing_invoices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_billing_invoices_merchant_period", ["merchant_id", "period"], unique=False
        )

    op.create_table(
        "billing_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=True),
        sa.Column("service", _service(), nullable=False),
        sa.Column("qualifier", sa.String(length=40), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("first_qty", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("price_first", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("price_additional", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("min_charge", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("max_charge", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("percent", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("vat_percent", sa.Numeric(precision=7, scale=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("price_first >= 0", name=op.f("ck_billing_rates_price_first_positive")),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_billing_rates_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_rates")),
    )
    with op.batch_alter_table("billing_rates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_billing_rates_lookup", ["service", "merchant_id", "valid_from"], unique=False
        )

    op.create_table(
        "billable_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("service", _service(), nullable=False),
        sa.Column("qualifier", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("ref", sa.String(length=60), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["billing_invoices.id"],
            name=op.f("fk_billable_events_invoice_id_billing_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_billable_events_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billable_events")),
        sa.UniqueConstraint("key", name=op.f("uq_billable_events_key")),
    )
    with op.batch_alter_table("billable_events", schema=None) as batch_op:
        batch_op.create_index("ix_billable_events_invoice_id", ["invoice_id"], unique=False)
        batch_op.create_index(
            "ix_billable_events_merchant_day", ["merchant_id", "day"], unique=False
        )

    op.create_table(
        "billing_invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("service", _service(), nullable=False),
        sa.Column("qualifier", sa.String(length=40), nullable=False),
        sa.Column("rate_id", sa.Integer(), nullable=True),
        sa.Column("merchant_rate", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("first_qty", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("price_first", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("price_additional", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("min_charge", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("max_charge", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("percent", sa.Numeric(precision=7, scale=3), nullable=True),
        sa.Column("base_amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("net", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("vat_percent", sa.Numeric(precision=7, scale=3), nullable=False),
        sa.Column("vat", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("gross", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["billing_invoices.id"],
            name=op.f("fk_billing_invoice_lines_invoice_id_billing_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["rate_id"],
            ["billing_rates.id"],
            name=op.f("fk_billing_invoice_lines_rate_id_billing_rates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_invoice_lines")),
    )
    with op.batch_alter_table("billing_invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_billing_invoice_lines_invoice_id"), ["invoice_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("billing_invoice_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_invoice_lines_invoice_id"))

    op.drop_table("billing_invoice_lines")
    with op.batch_alter_table("billable_events", schema=None) as batch_op:
        batch_op.drop_index("ix_billable_events_merchant_day")
        batch_op.drop_index("ix_billable_events_invoice_id")

    op.drop_table("billable_events")
    with op.batch_alter_table("billing_rates", schema=None) as batch_op:
        batch_op.drop_index("ix_billing_rates_lookup")

    op.drop_table("billing_rates")
    with op.batch_alter_table("billing_invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_billing_invoices_merchant_period")

    op.drop_table("billing_invoices")
