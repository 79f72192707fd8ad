"""Merchants (tenants), their marketplace accounts and offers, and their disposition rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from wms.db.base import Base, CreatedAt, enum_type
from wms.domain.returns import Marketplace
from wms.domain.stock import Channel


class Merchant(CreatedAt, Base):
    """A seller whose goods the fulfilment operator stores."""

    __tablename__ = "merchants"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short code used in CLI and exports, e.g. "TECHNODOM".
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Discount of the resale channel against the main price, percent (seed 002: 5–10 %).
    resale_discount_percent: Mapped[int] = mapped_column(default=7)
    #: What happens to a unit awaiting decision when the merchant does not decide in time.
    default_decision: Mapped[str | None] = mapped_column(sa.String(32))
    decision_sla_hours: Mapped[float | None]
    #: Handling fee charged per returned unit (billing export).
    handling_fee: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    webhook_url: Mapped[str | None] = mapped_column(sa.String(500))
    #: HMAC secret for webhooks, encrypted at rest (Fernet).
    webhook_secret_enc: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        sa.CheckConstraint(
            "resale_discount_percent >= 0 AND resale_discount_percent < 100", name="discount_range"
        ),
    )


class MarketplaceAccount(CreatedAt, Base):
    """A merchant's account on one marketplace (credentials encrypted at rest)."""

    __tablename__ = "marketplace_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"), index=True)
    marketplace: Mapped[Marketplace] = mapped_column(enum_type(Marketplace, "marketplace"))
    name: Mapped[str] = mapped_column(sa.String(100))
    #: JSON of the credentials (tokens, client ids), Fernet-encrypted.
    credentials_enc: Mapped[str | None] = mapped_column(sa.Text)
    #: Non-secret settings: Kaspi company/merchant id, default store ids, WB warehouse ids …
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: SHA-256 of the secret token in the Kaspi feed URL (`/feeds/kaspi/<token>.xml`).
    feed_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (sa.UniqueConstraint("merchant_id", "marketplace", "name"),)


class Offer(CreatedAt, Base):
    """A SKU listed on a marketplace channel, with the marketplace's identifiers."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("marketplace_accounts.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id"))
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"))
    #: Kaspi offer sku / Wildberries chrtId / Ozon offer_id.
    marketplace_sku: Mapped[str] = mapped_column(sa.String(100))
    #: Kaspi storeId / Wildberries warehouseId / Ozon warehouse_id.
    warehouse_ref: Mapped[str] = mapped_column(sa.String(100))
    #: The marketplace's article id that return notices name: WB nmId, Ozon sku, Kaspi product.
    marketplace_item_id: Mapped[str | None] = mapped_column(sa.String(100))
    price: Mapped[Decimal | None]
    active: Mapped[bool] = mapped_column(default=True)
    #: What the marketplace was last told, and when it confirmed it (reintegration speed).
    pushed_quantity: Mapped[int | None]
    pushed_version: Mapped[int | None]
    pushed_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    #: The sync worker pushing this offer right now, and until when (one pusher per offer).
    lease_owner: Mapped[str | None] = mapped_column(sa.String(100))
    lease_until: Mapped[datetime | None]

    __table_args__ = (
        sa.UniqueConstraint("account_id", "marketplace_sku", "warehouse_ref"),
        sa.Index("ix_offers_product_channel", "product_id", "channel"),
        sa.Index("ix_offers_merchant_id", "merchant_id"),
    )


class DispositionRule(CreatedAt, Base):
    """Grading/disposition rule override for a merchant, a category, or both (JSON)."""

    __tablename__ = "disposition_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("merchants.id"))
    category: Mapped[str | None] = mapped_column(sa.String(100))
    rules: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (sa.UniqueConstraint("merchant_id", "category"),)
