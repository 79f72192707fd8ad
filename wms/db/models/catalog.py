"""Products (SKUs) and their barcodes."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wms.db.base import Base, CreatedAt

if TYPE_CHECKING:
    from wms.db.models.merchants import Merchant


class Product(CreatedAt, Base):
    """A merchant's article."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    sku: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(300))
    brand: Mapped[str | None] = mapped_column(sa.String(100))
    category: Mapped[str] = mapped_column(sa.String(100), default="general")
    price: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    #: Carries a marking code (Честный ЗНАК / ISMET DataMatrix) that must be scanned per unit.
    marked: Mapped[bool] = mapped_column(default=False)

    merchant: Mapped[Merchant] = relationship(lazy="select", viewonly=True)

    __table_args__ = (sa.UniqueConstraint("merchant_id", "sku"),)


class ProductBarcode(Base):
    """A barcode of a product, kept as printed and normalised to GTIN-14 for look-ups."""

    __tablename__ = "product_barcodes"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    merchant_id: Mapped[int] = mapped_column(sa.ForeignKey("merchants.id"))
    barcode: Mapped[str] = mapped_column(sa.String(64))
    gtin: Mapped[str] = mapped_column(sa.String(14), index=True)

    __table_args__ = (sa.UniqueConstraint("merchant_id", "gtin"),)
