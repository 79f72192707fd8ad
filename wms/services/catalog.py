"""Merchants, products with barcodes, warehouse zones and bins."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import Bin, Merchant, Product, ProductBarcode, Warehouse, Zone
from wms.domain import barcodes
from wms.domain.errors import Conflict, InvalidInput, NotFound
from wms.domain.stock import ZoneKind
from wms.services.uow import Actor, UnitOfWork


def create_merchant(
    uow: UnitOfWork,
    actor: Actor,
    code: str,
    name: str,
    *,
    resale_discount_percent: int = 7,
    handling_fee: Decimal = Decimal("0"),
) -> Merchant:
    """Register a merchant (tenant)."""
    if not code or len(code) > 40 or not code.replace("-", "").replace("_", "").isalnum():
        raise InvalidInput("merchant.code_format", code=code)
    if not 0 <= resale_discount_percent < 100:
        raise InvalidInput("merchant.discount_range", value=resale_discount_percent)
    if uow.session.execute(sa.select(Merchant.id).where(Merchant.code == code)).first():
        raise Conflict("account.exists", what="merchant", value=code)
    merchant = Merchant(
        code=code,
        name=name,
        resale_discount_percent=resale_discount_percent,
        handling_fee=handling_fee,
        created_at=uow.now(),
    )
    uow.session.add(merchant)
    uow.session.flush()
    uow.audit("merchant", merchant.id, "create", actor, code=code)
    return merchant


def normalise_gtin(code: str) -> str:
    """The GTIN-14 of an EAN-8/EAN-13/UPC-A/GTIN-14 (InvalidInput when not a valid one)."""
    found = barcodes.classify(code)
    if found.kind is not barcodes.CodeKind.PRODUCT or found.gtin is None:
        raise InvalidInput("product.barcode_invalid", barcode=code)
    return found.gtin


def add_product(
    uow: UnitOfWork,
    actor: Actor,
    merchant_id: int,
    sku: str,
    title: str,
    *,
    barcodes_: Iterable[str] = (),
    category: str = "general",
    price: Decimal = Decimal("0"),
    marked: bool = False,
    brand: str | None = None,
) -> Product:
    """Add a product with its barcodes to a merchant's catalogue."""
    session = uow.session
    if not actor.may_access(merchant_id) or session.get(Merchant, merchant_id) is None:
        raise NotFound("merchant.not_found", merchant=str(merchant_id))
    if not sku or len(sku) > 64 or not title:
        raise InvalidInput("product.fields", sku=sku)
    if price < 0:
        raise InvalidInput("product.price", sku=sku)
    exists = session.execute(
        sa.select(Product.id).where(Product.merchant_id == merchant_id, Product.sku == sku)
    ).first()
    if exists:
        raise Conflict("account.exists", what="SKU", value=sku)
    product = Product(
        merchant_id=merchant_id,
        sku=sku,
        title=title,
        category=category,
        price=price,
        marked=marked,
        brand=brand,
        created_at=uow.now(),
    )
    session.add(product)
    session.flush()
    for code in barcodes_:
        add_barcode(uow, product, code)
    uow.audit("product", product.id, "create", actor, sku=sku)
    return product


def add_barcode(uow: UnitOfWork, product: Product, code: str) -> ProductBarcode:
    """Attach a barcode to a product (unique per merchant)."""
    gtin = normalise_gtin(code)
    taken = uow.session.execute(
        sa.select(ProductBarcode.id).where(
            ProductBarcode.merchant_id == product.merchant_id, ProductBarcode.gtin == gtin
        )
    ).first()
    if taken:
        raise Conflict("account.exists", what="barcode", value=code)
    barcode = ProductBarcode(
        product_id=product.id, merchant_id=product.merchant_id, barcode=code, gtin=gtin
    )
    uow.session.add(barcode)
    return barcode


def ensure_warehouse(uow: UnitOfWork, code: str, name: str) -> Warehouse:
    """The warehouse with this code, created when missing."""
    warehouse = uow.session.execute(
        sa.select(Warehouse).where(Warehouse.code == code)
    ).scalar_one_or_none()
    if warehouse is None:
        warehouse = Warehouse(code=code, name=name)
        uow.session.add(warehouse)
        uow.session.flush()
    return warehouse


def ensure_zone(uow: UnitOfWork, warehouse: Warehouse, kind: ZoneKind, name: str) -> Zone:
    """The zone of this kind in the warehouse, created when missing."""
    zone = uow.session.execute(
        sa.select(Zone).where(Zone.warehouse_id == warehouse.id, Zone.code == kind.value)
    ).scalar_one_or_none()
    if zone is None:
        zone = Zone(warehouse_id=warehouse.id, code=kind.value, kind=kind, name=name)
        uow.session.add(zone)
        uow.session.flush()
    return zone


def add_bin(uow: UnitOfWork, actor: Actor, zone: Zone, code: str) -> Bin:
    """Create a bin; `code` is what its label encodes and must start with `BIN-`."""
    found = barcodes.classify(code)
    if found.kind is not barcodes.CodeKind.BIN or found.layout_fixed:
        raise InvalidInput("bin.code_format", bin=code)
    if uow.session.execute(sa.select(Bin.id).where(Bin.code == code)).first():
        raise Conflict("account.exists", what="bin", value=code)
    bin_ = Bin(zone_id=zone.id, code=code)
    uow.session.add(bin_)
    uow.session.flush()
    uow.audit("bin", bin_.id, "create", actor, code=code, zone=zone.kind.value)
    return bin_


def product_by_sku(session: Session, merchant_id: int, sku: str) -> Product:
    """A merchant's product by SKU."""
    product = session.execute(
        sa.select(Product).where(Product.merchant_id == merchant_id, Product.sku == sku)
    ).scalar_one_or_none()
    if product is None:
        raise NotFound("product.not_found", sku=sku)
    return product
