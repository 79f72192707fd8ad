"""Demo data for a first run: merchants, SKUs, zones and bins, people, stations, logins.

Idempotent: running it again creates nothing twice. Demo tokens are derived from the server's
secret key (HMAC), so a second run can print the same working tokens without storing them.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.db.models import (
    Bin,
    IntegrationClient,
    Merchant,
    Operator,
    Product,
    Station,
    StationRole,
    StockLedgerEntry,
    User,
    UserRole,
    Zone,
)
from wms.domain.barcodes import ean_check_digit
from wms.domain.returns import Marketplace, ReturnReason, ReturnType
from wms.domain.stock import Channel, ZoneKind
from wms.services import accounts, billing_demo, catalog, inventory, receiving
from wms.services.receiving import AnnouncedLine, Announcement
from wms.services.stock import StockKey
from wms.services.sync import demo as sync_demo
from wms.services.uow import Actor, UnitOfWork
from wms.settings import Settings

DEMO = Actor("demo", kind="system")
OPENING_STOCK = "demo-opening-stock"


def ean13(base12: str) -> str:
    """An EAN-13 with its check digit."""
    return base12 + str(ean_check_digit(base12))


MERCHANTS = [
    ("ALTYN", "Алтын Электроникс", 7),
    ("KOKTEM", "Көктем Киім", 10),
]
# merchant, sku, title, category, price, marked, EAN base (12 digits)
PRODUCTS = [
    (
        "ALTYN",
        "ALT-HP-01",
        "Наушники беспроводные Qulaq Pro",
        "electronics",
        "24990",
        False,
        "487001000001",
    ),
    (
        "ALTYN",
        "ALT-KT-02",
        "Чайник электрический Samovar 1.7 л",
        "appliances",
        "15990",
        False,
        "487001000002",
    ),
    (
        "ALTYN",
        "ALT-PC-03",
        "Чехол для телефона, чёрный",
        "accessories",
        "3990",
        False,
        "487001000003",
    ),
    ("KOKTEM", "KKT-SN-42", "Кроссовки Дала, р. 42", "shoes", "32990", True, "487002000001"),
    ("KOKTEM", "KKT-TS-M", "Футболка хлопок, M", "apparel", "6990", True, "487002000002"),
    ("KOKTEM", "KKT-SC-01", "Шарф шерстяной", "apparel", "8990", False, "487002000003"),
]
BINS = {
    ZoneKind.RECEIVING: ["BIN-R-01"],
    ZoneKind.INSPECTION: ["BIN-I-01"],
    ZoneKind.REPAIR: ["BIN-RP-01"],
    ZoneKind.REPACK: ["BIN-PK-01"],
    ZoneKind.STOCK_MAIN: ["BIN-M-01-01", "BIN-M-01-02", "BIN-M-02-01"],
    ZoneKind.STOCK_RESALE: ["BIN-S-01-01", "BIN-S-01-02"],
    ZoneKind.HOLD: ["BIN-H-01"],
    ZoneKind.DISPOSAL: ["BIN-D-01"],
    ZoneKind.RETURN_TO_MERCHANT: ["BIN-RTM-01"],
}
ZONE_NAMES = {
    ZoneKind.RECEIVING: "Приёмка",
    ZoneKind.INSPECTION: "Инспекция",
    ZoneKind.REPAIR: "Ремонт",
    ZoneKind.REPACK: "Переупаковка",
    ZoneKind.STOCK_MAIN: "Склад: основной",
    ZoneKind.STOCK_RESALE: "Склад: ресейл",
    ZoneKind.HOLD: "Карантин (ждут решения)",
    ZoneKind.DISPOSAL: "Утилизация",
    ZoneKind.RETURN_TO_MERCHANT: "Возврат продавцу",
}
OPERATORS = [
    ("Айгуль Сапарова", "OP-0001"),
    ("Ерлан Жумабаев", "OP-0002"),
    ("Dmitry Kim", "OP-0003"),
]
STATIONS = [
    ("receipt-1", StationRole.RECEIPT),
    ("inspection-1", StationRole.INSPECTION),
    ("repair-1", StationRole.REPAIR),
    ("repack-1", StationRole.REPACK),
    ("putaway-1", StationRole.PUTAWAY),
    ("universal-1", StationRole.UNIVERSAL),
]
USERS = [
    ("supervisor", UserRole.SUPERVISOR, None, "supervisor-demo"),
    ("admin", UserRole.ADMIN, None, "admin-demo-pass"),
    ("altyn", UserRole.MERCHANT, "ALTYN", "altyn-demo-pass"),
    ("koktem", UserRole.MERCHANT, "KOKTEM", "koktem-demo-pass"),
]
# Returns announced by Kaspi that are on their way to the dock.
ANNOUNCED = [
    (
        "ALTYN",
        "512345678",
        ReturnType.CUSTOMER_RETURN,
        ReturnReason.DEFECTIVE,
        [("ALT-HP-01", 1), ("ALT-PC-03", 2)],
    ),
    ("KOKTEM", "512345679", ReturnType.CANCELLED_IN_DELIVERY, None, [("KKT-SN-42", 1)]),
    ("ALTYN", "512345680", ReturnType.NOT_PICKED_UP, None, [("ALT-KT-02", 1)]),
]


def demo_token(settings: Settings, prefix: str, name: str) -> str:
    """A token that is the same on every run for the same secret key (demo only)."""
    mac = hmac.new(
        settings.server.secret_key.encode(), f"demo:{prefix}:{name}".encode(), hashlib.sha256
    )
    return f"{prefix}_demo_{mac.hexdigest()[:40]}"


@dataclass
class DemoReport:
    """Everything the demo made, for `wms demo --json`."""

    data: dict[str, Any]


def _exists(session: Session, stmt: Any) -> Any:
    return session.execute(stmt).scalar_one_or_none()


def _merchants(uow: UnitOfWork) -> dict[str, int]:
    ids = {}
    for code, name, discount in MERCHANTS:
        merchant = _exists(uow.session, sa.select(Merchant).where(Merchant.code == code))
        if merchant is None:
            merchant = catalog.create_merchant(
                uow, DEMO, code, name, resale_discount_percent=discount, handling_fee=Decimal("350")
            )
        ids[code] = merchant.id
    return ids


def _products(uow: UnitOfWork, merchants: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for merchant, sku, title, category, price, marked, base in PRODUCTS:
        barcode = ean13(base)
        product = _exists(
            uow.session,
            sa.select(Product).where(
                Product.merchant_id == merchants[merchant], Product.sku == sku
            ),
        )
        if product is None:
            catalog.add_product(
                uow,
                DEMO,
                merchants[merchant],
                sku,
                title,
                barcodes_=[barcode],
                category=category,
                price=Decimal(price),
                marked=marked,
            )
        out.append(
            {
                "merchant": merchant,
                "sku": sku,
                "title": title,
                "barcodes": [barcode],
                "category": category,
                "price": price,
                "marked": marked,
            }
        )
    return out


def _bins(uow: UnitOfWork, settings: Settings) -> list[dict[str, str]]:
    warehouse = catalog.ensure_warehouse(uow, settings.warehouse.code, settings.warehouse.name)
    out = []
    for kind, codes in BINS.items():
        zone = catalog.ensure_zone(uow, warehouse, kind, ZONE_NAMES[kind])
        for code in codes:
            if _exists(uow.session, sa.select(Bin.id).where(Bin.code == code)) is None:
                catalog.add_bin(uow, DEMO, zone, code)
            out.append({"bin": code, "zone": kind.value})
    return out


def _people(uow: UnitOfWork, settings: Settings) -> dict[str, Any]:
    session = uow.session
    operators = []
    for name, badge in OPERATORS:
        if _exists(session, sa.select(Operator.id).where(Operator.badge == badge)) is None:
            accounts.create_operator(uow, DEMO, name, badge)
        operators.append({"name": name, "badge": badge})
    stations = []
    for name, station_role in STATIONS:
        token = demo_token(settings, "st", name)
        station = _exists(session, sa.select(Station).where(Station.name == name))
        if station is None:
            station = Station(name=name, role=station_role, token_hash="", created_at=uow.now())
            session.add(station)
        station.token_hash = accounts.hash_token(token)
        stations.append({"name": name, "role": station_role.value, "token": token})
    users = []
    for login, role, merchant, password in USERS:
        if _exists(session, sa.select(User.id).where(User.login == login)) is None:
            accounts.create_user(uow, DEMO, login, role, password, merchant)
        users.append(
            {"login": login, "role": role.value, "merchant": merchant, "password": password}
        )
    token = demo_token(settings, "it", "demo-integration")
    client = _exists(
        session, sa.select(IntegrationClient).where(IntegrationClient.name == "demo-integration")
    )
    if client is None:
        client, _ = accounts.create_integration_client(uow, DEMO, "demo-integration")
    client.token_hash = accounts.hash_token(token)
    integration = {"name": "demo-integration", "token": token}
    return {
        "operators": operators,
        "stations": stations,
        "users": users,
        "integration": integration,
    }


def _announced(uow: UnitOfWork, merchants: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for merchant, code, rtype, reason, lines in ANNOUNCED:
        order, _created = receiving.announce(
            uow,
            DEMO,
            Announcement(
                merchant_id=merchants[merchant],
                marketplace=Marketplace.KASPI,
                order_code=code,
                return_type=rtype,
                reason=reason,
                external_id=f"demo-{code}",
                lines=tuple(AnnouncedLine(sku, qty) for sku, qty in lines),
                reverse_logistics_cost=Decimal("1200"),
            ),
        )
        out.append(
            {
                "number": order.number,
                "order_code": code,
                "merchant": merchant,
                "state": order.state.value,
            }
        )
    return out


def _opening_stock(uow: UnitOfWork, merchants: dict[str, int]) -> None:
    # Regular stock so the marketplaces have something before the first return is put away.
    done = uow.session.execute(
        sa.select(StockLedgerEntry.id).where(StockLedgerEntry.reference == OPENING_STOCK).limit(1)
    ).first()
    if done:
        return
    for merchant, sku, *_rest in PRODUCTS:
        product = catalog.product_by_sku(uow.session, merchants[merchant], sku)
        key = StockKey(merchants[merchant], product.id, Channel.MAIN)
        inventory.inbound(uow, DEMO, key, "BIN-M-01-01", 5, OPENING_STOCK)


def seed(uow: UnitOfWork, settings: Settings) -> DemoReport:
    """Create (or complete) the demo data and describe it."""
    merchants = _merchants(uow)
    products = _products(uow, merchants)
    bins = _bins(uow, settings)
    people = _people(uow, settings)
    returns = _announced(uow, merchants)
    _opening_stock(uow, merchants)
    billing_demo.seed_rates(uow)
    marketplaces = sync_demo.seed_demo(uow, settings, [code for code, _name, _d in MERCHANTS])
    zones = sorted({z.value for z in uow.session.execute(sa.select(Zone.kind)).scalars()})
    data = {
        "merchants": [
            {"code": c, "name": n, "resale_discount_percent": d} for c, n, d in MERCHANTS
        ],
        "skus": products,
        "zones": zones,
        "bins": bins,
        **people,
        "announced_returns": returns,
        "server": settings.server.public_url,
        **marketplaces,
    }
    return DemoReport(data)
