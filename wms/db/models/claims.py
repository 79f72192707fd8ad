"""Claim cases against marketplaces, buyers and carriers, and their lines (issue 9)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.db.base import Base, CreatedAt, enum_type, utcnow
from wms.domain.claims import ClaimOrigin, ClaimReason, ClaimState, Counterparty, Remedy
from wms.domain.returns import Marketplace

if TYPE_CHECKING:
    from wms.db.models.merchants import Merchant
    from wms.db.models.returns import ReturnOrder


class Claim(CreatedAt, Base):
    """One claim case: who we claim from, about what, its state, deadlines and totals (tiyn)."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Our own number (`CL-0000123`).
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    #: kaspi / wildberries / ozon; NULL for a claim against a carrier.
    marketplace: Mapped[Marketplace | None] = mapped_column(enum_type(Marketplace, "marketplace"))
    #: The merchant's marketplace account an imported claim came from.
    account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("marketplace_accounts.id"))
    counterparty: Mapped[Counterparty] = mapped_column(enum_type(Counterparty, "counterparty"))
    reason: Mapped[ClaimReason] = mapped_column(enum_type(ClaimReason, "claim_reason"))
    origin: Mapped[ClaimOrigin] = mapped_column(enum_type(ClaimOrigin, "claim_origin"))
    state: Mapped[ClaimState] = mapped_column(enum_type(ClaimState, "claim_state"))
    #: What it is about: a return order, or a shipment (posting number) that never came back.
    return_order_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("return_orders.id"), index=True
    )
    shipment_ref: Mapped[str | None] = mapped_column(sa.String(100))
    #: The marketplace's id, status and the answers it allows (imported claims).
    external_id: Mapped[str | None] = mapped_column(sa.String(100))
    external_status: Mapped[str | None] = mapped_column(sa.String(60))
    external_actions: Mapped[list[Any]] = mapped_column(default=list)
    #: Photo and video URLs the marketplace holds (buyer's evidence).
    media: Mapped[list[Any]] = mapped_column(default=list)
    #: Everything else the marketplace said about it (raw, for the claim page).
    external_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: When the marketplace wants an answer, and our own deadline to submit.
    answer_due_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    description: Mapped[str | None] = mapped_column(sa.Text)
    #: Totals of the lines, kept with them in the same transaction (queue and KPIs read these).
    claimed_tiyn: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    offered_tiyn: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    recovered_tiyn: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: The last answer recorded (action, comment, amount, who, when).
    last_answer: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state_since: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    #: The evidence pack frozen at submit: where it is and its SHA-256.
    pack_path: Mapped[str | None] = mapped_column(sa.String(300))
    pack_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_by: Mapped[str] = mapped_column(sa.String(100))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    merchant: Mapped[Merchant] = relationship(lazy="select", viewonly=True)
    order: Mapped[ReturnOrder | None] = relationship(lazy="select", viewonly=True)
    lines: Mapped[list[ClaimLine]] = relationship(
        lazy="selectin", order_by="ClaimLine.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("marketplace", "account_id", "external_id"),
        sa.Index("ix_claims_merchant_state", "merchant_id", "state"),
        sa.Index("ix_claims_state_due", "state", "due_at"),
        sa.CheckConstraint(
            "claimed_tiyn >= 0 AND offered_tiyn >= 0 AND recovered_tiyn >= 0"
            " AND recovered_tiyn <= claimed_tiyn",
            name="amounts",
        ),
    )


class ClaimLine(Base):
    """A unit or a quantity of a SKU in a claim, with the remedy asked for and its amounts."""

    __tablename__ = "claim_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    #: The SKU as we or the marketplace name it (kept when it maps to no product).
    sku: Mapped[str | None] = mapped_column(sa.String(100))
    qty: Mapped[int] = mapped_column(default=1)
    remedy: Mapped[Remedy] = mapped_column(enum_type(Remedy, "remedy"))
    claimed_tiyn: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    offered_tiyn: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    recovered_tiyn: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    closed: Mapped[bool] = mapped_column(default=False)
    split_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claim_lines.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(
            "qty >= 1 AND claimed_tiyn >= 0 AND offered_tiyn >= 0 AND recovered_tiyn >= 0"
            " AND offered_tiyn <= claimed_tiyn AND recovered_tiyn <= claimed_tiyn",
            name="amounts",
        ),
    )
