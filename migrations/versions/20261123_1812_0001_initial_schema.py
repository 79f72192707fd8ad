"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:12:36.093668+00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", JSON_TYPE, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint("client", "key", name=op.f("uq_idempotency_records_client_key")),
    )
    op.create_table(
        "merchants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("resale_discount_percent", sa.Integer(), nullable=False),
        sa.Column("default_decision", sa.String(length=32), nullable=True),
        sa.Column("decision_sla_hours", sa.Double(), nullable=True),
        sa.Column("handling_fee", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("webhook_url", sa.String(length=500), nullable=True),
        sa.Column("webhook_secret_enc", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "resale_discount_percent >= 0 AND resale_discount_percent < 100",
            name=op.f("ck_merchants_discount_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merchants")),
        sa.UniqueConstraint("code", name=op.f("uq_merchants_code")),
    )
    op.create_table(
        "operators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("badge", sa.String(length=30), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operators")),
        sa.UniqueConstraint("badge", name=op.f("uq_operators_badge")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=60), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("payload", JSON_TYPE, nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "done",
                "parked",
                name="outbox_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_key", "outbox", ["key"], unique=False)
    op.create_index(
        "ix_outbox_status_available", "outbox", ["status", "available_at"], unique=False
    )
    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "receipt",
                "inspection",
                "repair",
                "repack",
                "putaway",
                "universal",
                name="station_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queued_scans", sa.Integer(), nullable=False),
        sa.Column("scanner_status", sa.String(length=40), nullable=True),
        sa.Column("printer_status", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("name", name=op.f("uq_stations_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_stations_token_hash")),
    )
    op.create_table(
        "warehouses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warehouses")),
        sa.UniqueConstraint("code", name=op.f("uq_warehouses_code")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=True),
        sa.Column("to_state", sa.String(length=40), nullable=True),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("payload", JSON_TYPE, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_audit_events_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_audit_events_station_id_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_created_at", "audit_events", ["created_at"], unique=False)
    op.create_index("ix_audit_events_entity", "audit_events", ["entity", "entity_id"], unique=False)
    op.create_table(
        "disposition_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("rules", JSON_TYPE, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_disposition_rules_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposition_rules")),
        sa.UniqueConstraint(
            "merchant_id", "category", name=op.f("uq_disposition_rules_merchant_id_category")
        ),
    )
    op.create_table(
        "integration_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_integration_clients_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_clients")),
        sa.UniqueConstraint("name", name=op.f("uq_integration_clients_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_integration_clients_token_hash")),
    )
    op.create_table(
        "lpn_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("first_number", sa.BigInteger(), nullable=False),
        sa.Column("last_number", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_lpn_blocks_station_id_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lpn_blocks")),
    )
    op.create_index(op.f("ix_lpn_blocks_station_id"), "lpn_blocks", ["station_id"], unique=False)
    op.create_table(
        "marketplace_accounts",
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
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("credentials_enc", sa.Text(), nullable=True),
        sa.Column("settings", JSON_TYPE, nullable=False),
        sa.Column("feed_token_hash", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_marketplace_accounts_merchant_id_merchants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_accounts")),
        sa.UniqueConstraint(
            "feed_token_hash", name=op.f("uq_marketplace_accounts_feed_token_hash")
        ),
        sa.UniqueConstraint(
            "merchant_id",
            "marketplace",
            "name",
            name=op.f("uq_marketplace_accounts_merchant_id_marketplace_name"),
        ),
    )
    op.create_index(
        op.f("ix_marketplace_accounts_merchant_id"),
        "marketplace_accounts",
        ["merchant_id"],
        unique=False,
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("brand", sa.String(length=100), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("marked", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_products_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("merchant_id", "sku", name=op.f("uq_products_merchant_id_sku")),
    )
    op.create_table(
        "return_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=True),
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
        sa.Column("order_code", sa.String(length=64), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column(
            "return_type",
            sa.Enum(
                "customer_return",
                "cancelled_in_delivery",
                "not_picked_up",
                "claim_return",
                name="return_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "reason",
            sa.Enum(
                "not_as_described",
                "wrong_item",
                "defective",
                "counterfeit",
                "changed_mind",
                "damaged_in_transit",
                "cancelled",
                "not_picked_up",
                "other",
                name="return_reason",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "expected",
                "receiving",
                "received",
                "completed",
                "cancelled",
                name="return_order_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("customer_ref", sa.String(length=100), nullable=True),
        sa.Column("order_value", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("reverse_logistics_cost", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("ordered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receiving_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("flags", JSON_TYPE, nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_return_orders_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_return_orders_station_id_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_orders")),
        sa.UniqueConstraint(
            "marketplace", "external_id", name=op.f("uq_return_orders_marketplace_external_id")
        ),
        sa.UniqueConstraint("number", name=op.f("uq_return_orders_number")),
    )
    op.create_index(
        "ix_return_orders_merchant_state", "return_orders", ["merchant_id", "state"], unique=False
    )
    op.create_index(
        op.f("ix_return_orders_order_code"), "return_orders", ["order_code"], unique=False
    )
    op.create_index(
        "ix_return_orders_state_created", "return_orders", ["state", "created_at"], unique=False
    )
    op.create_table(
        "scan_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("symbology", sa.String(length=8), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("response", JSON_TYPE, nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_scan_events_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_scan_events_station_id_stations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_events")),
        sa.UniqueConstraint(
            "station_id", "event_id", name=op.f("uq_scan_events_station_id_event_id")
        ),
    )
    op.create_index("ix_scan_events_received_at", "scan_events", ["received_at"], unique=False)
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "supervisor",
                "admin",
                "merchant",
                name="user_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("merchant_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role = 'merchant') = (merchant_id IS NOT NULL)", name=op.f("ck_users_merchant_scope")
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_users_merchant_id_merchants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("login", name=op.f("uq_users_login")),
    )
    op.create_table(
        "zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warehouse_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "receiving",
                "inspection",
                "repair",
                "repack",
                "stock_main",
                "stock_resale",
                "hold",
                "disposal",
                "return_to_merchant",
                name="zone_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_zones_warehouse_id_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("warehouse_id", "code", name=op.f("uq_zones_warehouse_id_code")),
    )
    op.create_table(
        "bins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["zone_id"], ["zones.id"], name=op.f("fk_bins_zone_id_zones")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bins")),
        sa.UniqueConstraint("code", name=op.f("uq_bins_code")),
    )
    op.create_index(op.f("ix_bins_zone_id"), "bins", ["zone_id"], unique=False)
    op.create_table(
        "offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "main",
                "resale",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("marketplace_sku", sa.String(length=100), nullable=False),
        sa.Column("warehouse_ref", sa.String(length=100), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("pushed_quantity", sa.Integer(), nullable=True),
        sa.Column("pushed_version", sa.Integer(), nullable=True),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["marketplace_accounts.id"],
            name=op.f("fk_offers_account_id_marketplace_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_offers_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_offers_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint(
            "account_id",
            "marketplace_sku",
            "warehouse_ref",
            name=op.f("uq_offers_account_id_marketplace_sku_warehouse_ref"),
        ),
    )
    op.create_index("ix_offers_merchant_id", "offers", ["merchant_id"], unique=False)
    op.create_index("ix_offers_product_channel", "offers", ["product_id", "channel"], unique=False)
    op.create_table(
        "product_barcodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("barcode", sa.String(length=64), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_product_barcodes_merchant_id_merchants"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_product_barcodes_product_id_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_barcodes")),
        sa.UniqueConstraint(
            "merchant_id", "gtin", name=op.f("uq_product_barcodes_merchant_id_gtin")
        ),
    )
    op.create_index(op.f("ix_product_barcodes_gtin"), "product_barcodes", ["gtin"], unique=False)
    op.create_table(
        "return_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_order_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("marketplace_sku", sa.String(length=100), nullable=True),
        sa.Column("expected_qty", sa.Integer(), nullable=False),
        sa.Column("received_qty", sa.Integer(), nullable=False),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.CheckConstraint(
            "expected_qty >= 0 AND received_qty >= 0", name=op.f("ck_return_lines_qty_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_return_lines_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["return_order_id"],
            ["return_orders.id"],
            name=op.f("fk_return_lines_return_order_id_return_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_lines")),
    )
    op.create_index(
        op.f("ix_return_lines_return_order_id"), "return_lines", ["return_order_id"], unique=False
    )
    op.create_table(
        "stock_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "main",
                "resale",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_stock_totals_on_hand_non_negative")),
        sa.CheckConstraint(
            "reserved <= on_hand", name=op.f("ck_stock_totals_reserved_within_on_hand")
        ),
        sa.CheckConstraint("reserved >= 0", name=op.f("ck_stock_totals_reserved_non_negative")),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_stock_totals_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_totals_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_totals")),
        sa.UniqueConstraint(
            "merchant_id",
            "product_id",
            "channel",
            name=op.f("uq_stock_totals_merchant_id_product_id_channel"),
        ),
    )
    op.create_table(
        "stock_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "main",
                "resale",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("bin_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_stock_levels_quantity_non_negative")),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_stock_levels_bin_id_bins")),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_stock_levels_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_levels_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_levels")),
        sa.UniqueConstraint(
            "merchant_id",
            "product_id",
            "channel",
            "bin_id",
            name=op.f("uq_stock_levels_merchant_id_product_id_channel_bin_id"),
        ),
    )
    op.create_index(op.f("ix_stock_levels_bin_id"), "stock_levels", ["bin_id"], unique=False)
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lpn", sa.String(length=20), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("return_order_id", sa.Integer(), nullable=False),
        sa.Column("return_line_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "awaiting_repack",
                "awaiting_putaway",
                "in_stock",
                "in_repair",
                "awaiting_decision",
                "claimed",
                "claim_settled",
                "disposed",
                "returned_to_merchant",
                "shipped",
                "voided",
                name="unit_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "grade",
            sa.Enum(
                "resellable",
                "repair",
                "non_returnable",
                name="grade",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "condition",
            sa.Enum(
                "new",
                "used",
                name="condition",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "main",
                "resale",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "disposition",
            sa.Enum(
                "restock_main",
                "repack_restock",
                "repair",
                "resale",
                "await_decision",
                "dispose",
                "return_to_merchant",
                "claim",
                name="disposition",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("checks", JSON_TYPE, nullable=False),
        sa.Column("marking_code", sa.Text(), nullable=True),
        sa.Column("marking_ki", sa.String(length=100), nullable=True),
        sa.Column("marking_active_ki", sa.String(length=100), nullable=True),
        sa.Column("needs_remarking", sa.Boolean(), nullable=False),
        sa.Column("bin_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("putaway_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("terminal_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_units_bin_id_bins")),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_units_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_units_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["return_line_id"],
            ["return_lines.id"],
            name=op.f("fk_units_return_line_id_return_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["return_order_id"],
            ["return_orders.id"],
            name=op.f("fk_units_return_order_id_return_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("lpn", name=op.f("uq_units_lpn")),
        sa.UniqueConstraint("marking_active_ki", name=op.f("uq_units_marking_active_ki")),
    )
    op.create_index(op.f("ix_units_bin_id"), "units", ["bin_id"], unique=False)
    op.create_index("ix_units_merchant_state", "units", ["merchant_id", "state"], unique=False)
    op.create_index(op.f("ix_units_product_id"), "units", ["product_id"], unique=False)
    op.create_index("ix_units_received_at", "units", ["received_at"], unique=False)
    op.create_index(op.f("ix_units_return_order_id"), "units", ["return_order_id"], unique=False)
    op.create_index("ix_units_state_since", "units", ["state", "state_since"], unique=False)
    op.create_table(
        "floor_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "resolved",
                name="exception_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("merchant_id", sa.Integer(), nullable=True),
        sa.Column("return_order_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("payload", JSON_TYPE, nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
            name=op.f("fk_floor_exceptions_merchant_id_merchants"),
        ),
        sa.ForeignKeyConstraint(
            ["return_order_id"],
            ["return_orders.id"],
            name=op.f("fk_floor_exceptions_return_order_id_return_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_floor_exceptions_station_id_stations")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_floor_exceptions_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floor_exceptions")),
    )
    op.create_index(
        "ix_floor_exceptions_status", "floor_exceptions", ["status", "created_at"], unique=False
    )
    op.create_table(
        "inspections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum(
                "resellable_new",
                "resellable_used",
                "repair",
                "non_returnable",
                name="grade_choice",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "suggested",
            sa.Enum(
                "resellable_new",
                "resellable_used",
                "repair",
                "non_returnable",
                name="suggested_choice",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("checks", JSON_TYPE, nullable=False),
        sa.Column(
            "disposition",
            sa.Enum(
                "restock_main",
                "repack_restock",
                "repair",
                "resale",
                "await_decision",
                "dispose",
                "return_to_merchant",
                "claim",
                name="disposition",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"], ["operators.id"], name=op.f("fk_inspections_operator_id_operators")
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_inspections_station_id_stations")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_inspections_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    op.create_index(op.f("ix_inspections_unit_id"), "inspections", ["unit_id"], unique=False)
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("thumb_path", sa.String(length=300), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_photos_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_photos_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    op.create_index(op.f("ix_photos_unit_id"), "photos", ["unit_id"], unique=False)
    op.create_table(
        "station_sessions",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("return_order_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("data", JSON_TYPE, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_station_sessions_operator_id_operators"),
        ),
        sa.ForeignKeyConstraint(
            ["return_order_id"],
            ["return_orders.id"],
            name=op.f("fk_station_sessions_return_order_id_return_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["station_id"], ["stations.id"], name=op.f("fk_station_sessions_station_id_stations")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_station_sessions_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("station_id", name=op.f("pk_station_sessions")),
    )
    op.create_table(
        "stock_ledger",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "main",
                "resale",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("bin_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "return_putaway",
                "inbound",
                "outbound",
                "reservation",
                "release",
                "move",
                "adjustment",
                "disposal",
                "return_to_merchant",
                name="ledger_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reserved_delta", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["bin_id"], ["bins.id"], name=op.f("fk_stock_ledger_bin_id_bins")),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name=op.f("fk_stock_ledger_merchant_id_merchants")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_stock_ledger_product_id_products")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_stock_ledger_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_ledger")),
    )
    op.create_index("ix_stock_ledger_created_at", "stock_ledger", ["created_at"], unique=False)
    op.create_index(
        "ix_stock_ledger_key",
        "stock_ledger",
        ["merchant_id", "product_id", "channel"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_stock_ledger_key", table_name="stock_ledger")
    op.drop_index("ix_stock_ledger_created_at", table_name="stock_ledger")
    op.drop_table("stock_ledger")
    op.drop_table("station_sessions")
    op.drop_index(op.f("ix_photos_unit_id"), table_name="photos")
    op.drop_table("photos")
    op.drop_index(op.f("ix_inspections_unit_id"), table_name="inspections")
    op.drop_table("inspections")
    op.drop_index("ix_floor_exceptions_status", table_name="floor_exceptions")
    op.drop_table("floor_exceptions")
    op.drop_index("ix_units_state_since", table_name="units")
    op.drop_index(op.f("ix_units_return_order_id"), table_name="units")
    op.drop_index("ix_units_received_at", table_name="units")
    op.drop_index(op.f("ix_units_product_id"), table_name="units")
    op.drop_index("ix_units_merchant_state", table_name="units")
    op.drop_index(op.f("ix_units_bin_id"), table_name="units")
    op.drop_table("units")
    op.drop_index(op.f("ix_stock_levels_bin_id"), table_name="stock_levels")
    op.drop_table("stock_levels")
    op.drop_table("stock_totals")
    op.drop_index(op.f("ix_return_lines_return_order_id"), table_name="return_lines")
    op.drop_table("return_lines")
    op.drop_index(op.f("ix_product_barcodes_gtin"), table_name="product_barcodes")
    op.drop_table("product_barcodes")
    op.drop_index("ix_offers_product_channel", table_name="offers")
    op.drop_index("ix_offers_merchant_id", table_name="offers")
    op.drop_table("offers")
    op.drop_index(op.f("ix_bins_zone_id"), table_name="bins")
    op.drop_table("bins")
    op.drop_table("zones")
    op.drop_table("users")
    op.drop_index("ix_scan_events_received_at", table_name="scan_events")
    op.drop_table("scan_events")
    op.drop_index("ix_return_orders_state_created", table_name="return_orders")
    op.drop_index(op.f("ix_return_orders_order_code"), table_name="return_orders")
    op.drop_index("ix_return_orders_merchant_state", table_name="return_orders")
    op.drop_table("return_orders")
    op.drop_table("products")
    op.drop_index(op.f("ix_marketplace_accounts_merchant_id"), table_name="marketplace_accounts")
    op.drop_table("marketplace_accounts")
    op.drop_index(op.f("ix_lpn_blocks_station_id"), table_name="lpn_blocks")
    op.drop_table("lpn_blocks")
    op.drop_table("integration_clients")
    op.drop_table("disposition_rules")
    op.drop_index("ix_audit_events_entity", table_name="audit_events")
    op.drop_index("ix_audit_events_created_at", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_table("warehouses")
    op.drop_table("stations")
    op.drop_index("ix_outbox_status_available", table_name="outbox")
    op.drop_index("ix_outbox_key", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("operators")
    op.drop_table("merchants")
    op.drop_table("idempotency_records")
    op.drop_table("counters")
