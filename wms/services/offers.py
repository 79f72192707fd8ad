"""Offers: a SKU listed on a marketplace channel, with the marketplace's identifiers and price.

A price left empty is derived when read: main = the product's price, resale = the main price on
the same account × (1 − the merchant's resale discount), in whole tenge. Offers are upserted by
their marketplace identity (account, marketplace SKU, warehouse); every batch is validated as a
whole before anything is written. A new or re-activated offer queues a push of the current stock.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from wms.adapters.marketplaces.kaspi_feed import SKU_PATTERN
from wms.db.models import MarketplaceAccount, Merchant, Offer, Product, StockTotal
from wms.domain import stock as stock_rules
from wms.domain.returns import Marketplace
from wms.domain.stock import Channel
from wms.services.accounts_marketplace import PlainInputError
from wms.services.sync.outbox import queue_stock
from wms.services.uow import Actor, UnitOfWork

CSV_COLUMNS = (
    "merchant",
    "sku",
    "marketplace",
    "account",
    "channel",
    "marketplace_sku",
    "warehouse_ref",
    "marketplace_item_id",
    "price",
    "active",
)
REQUIRED_COLUMNS = CSV_COLUMNS[:7]
MAX_ERRORS = 20
TRUE, FALSE = {"", "1", "true", "yes", "y"}, {"0", "false", "no", "n"}
_REF = re.compile(r"^\S{1,100}$")


@dataclass(frozen=True)
class OfferInput:
    """One offer as given by the CSV, the API or the demo."""

    merchant: str
    sku: str
    marketplace: Marketplace
    account: str
    channel: Channel
    marketplace_sku: str
    warehouse_ref: str
    marketplace_item_id: str | None = None
    price: Decimal | None = None
    active: bool = True


@dataclass(frozen=True)
class _Resolved:
    data: OfferInput
    merchant_id: int
    product_id: int
    account_id: int


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert changed."""

    created: int
    updated: int
    unchanged: int
    offers: list[Offer]


def resale_price(main: Decimal, discount_percent: int) -> Decimal:
    """The resale channel's price: main × (1 − discount), rounded to whole tenge."""
    value = main * (Decimal(100) - Decimal(discount_percent)) / Decimal(100)
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def effective_price(
    channel: Channel,
    explicit: Decimal | None,
    main_offer_price: Decimal | None,
    product_price: Decimal | None,
    discount_percent: int,
) -> Decimal | None:
    """The price an offer is sold at (explicit, else derived as the module docstring says)."""
    if explicit is not None:
        return explicit
    main = main_offer_price if main_offer_price is not None else product_price
    if main is None or main <= 0:
        return None
    return main if channel is Channel.MAIN else resale_price(main, discount_percent)


def offer_stock() -> sa.ColumnElement[bool]:
    """Join condition of an offer with the stock total of its SKU and channel."""
    return sa.and_(
        StockTotal.merchant_id == Offer.merchant_id,
        StockTotal.product_id == Offer.product_id,
        StockTotal.channel == Offer.channel,
    )


def main_price_column() -> Any:
    """SQL: the highest explicit price of an active main offer of the same account and product."""
    main = aliased(Offer)
    return (
        sa.select(sa.func.max(main.price))
        .where(
            main.account_id == Offer.account_id,
            main.product_id == Offer.product_id,
            main.channel == Channel.MAIN,
            main.active,
        )
        .scalar_subquery()
    )


# -- validation ---------------------------------------------------------------------------------


def identity_problem(marketplace: Marketplace, marketplace_sku: str, warehouse: str) -> str | None:
    """Why these identifiers cannot name an offer on this marketplace (None when they can)."""
    if marketplace is Marketplace.KASPI:
        if not SKU_PATTERN.match(marketplace_sku):
            return "Kaspi offer SKU: 1-20 Latin letters, digits, '-', '_' or '.'"
        if not _REF.match(warehouse):
            return "Kaspi storeId: 1-100 characters without spaces"
    elif marketplace is Marketplace.WILDBERRIES:
        if not (_positive_int(marketplace_sku) and _positive_int(warehouse)):
            return "Wildberries chrtId and warehouseId must be positive integers"
    elif marketplace is Marketplace.OZON:
        if not _REF.match(marketplace_sku) or not _positive_int(warehouse):
            return "Ozon offer_id: 1-100 characters; warehouse_id: a positive integer"
    else:
        return f"{marketplace.value} has no API to list offers on"
    return None


def _positive_int(value: str) -> bool:
    return value.isdigit() and int(value) > 0


class _Lookups:
    """Caches of merchants, products and accounts while validating a batch."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session, self.actor = session, actor
        self._merchants: dict[str, Merchant | None] = {}
        self._products: dict[tuple[int, str], Product | None] = {}
        self._accounts: dict[tuple[int, Marketplace, str], MarketplaceAccount | None] = {}

    def merchant(self, code: str) -> Merchant | None:
        if code not in self._merchants:
            found = self.session.execute(
                sa.select(Merchant).where(Merchant.code == code)
            ).scalar_one_or_none()
            visible = found is not None and self.actor.may_access(found.id)
            self._merchants[code] = found if visible else None
        return self._merchants[code]

    def product(self, merchant_id: int, sku: str) -> Product | None:
        key = (merchant_id, sku)
        if key not in self._products:
            self._products[key] = self.session.execute(
                sa.select(Product).where(Product.merchant_id == merchant_id, Product.sku == sku)
            ).scalar_one_or_none()
        return self._products[key]

    def account(
        self, merchant_id: int, marketplace: Marketplace, name: str
    ) -> MarketplaceAccount | None:
        key = (merchant_id, marketplace, name)
        if key not in self._accounts:
            self._accounts[key] = self.session.execute(
                sa.select(MarketplaceAccount).where(
                    MarketplaceAccount.merchant_id == merchant_id,
                    MarketplaceAccount.marketplace == marketplace,
                    MarketplaceAccount.name == name,
                )
            ).scalar_one_or_none()
        return self._accounts[key]


def _resolve(look: _Lookups, item: OfferInput) -> _Resolved:
    merchant = look.merchant(item.merchant)
    if merchant is None:
        raise ValueError(f"no merchant {item.merchant!r}")
    product = look.product(merchant.id, item.sku)
    if product is None:
        raise ValueError(f"{item.merchant} has no SKU {item.sku!r}")
    account = look.account(merchant.id, item.marketplace, item.account)
    if account is None:
        raise ValueError(
            f"{item.merchant} has no {item.marketplace.value} account {item.account!r}"
        )
    problem = identity_problem(item.marketplace, item.marketplace_sku, item.warehouse_ref)
    if problem:
        raise ValueError(problem)
    if item.price is not None and item.price <= 0:
        raise ValueError("price must be positive (leave it empty to derive it)")
    if item.marketplace is Marketplace.KASPI and item.price is None and product.price <= 0:
        raise ValueError("Kaspi needs a price: give one or set the product's price")
    if item.marketplace_item_id is not None and not _REF.match(item.marketplace_item_id):
        raise ValueError("marketplace_item_id: 1-100 characters without spaces")
    return _Resolved(item, merchant.id, product.id, account.id)


def validate(
    session: Session, actor: Actor, items: Sequence[OfferInput], lines: Sequence[int] | None = None
) -> list[_Resolved]:
    """Resolve every item or raise one error listing the bad ones (by line when given)."""
    resolved, errors = _resolve_all(session, actor, items, lines)
    _raise(errors)
    return resolved


def _raise(errors: list[str]) -> None:
    if errors:
        more = f" (and {len(errors) - MAX_ERRORS} more)" if len(errors) > MAX_ERRORS else ""
        raise PlainInputError("; ".join(errors[:MAX_ERRORS]) + more)


def _resolve_all(
    session: Session, actor: Actor, items: Sequence[OfferInput], lines: Sequence[int] | None
) -> tuple[list[_Resolved], list[str]]:
    look = _Lookups(session, actor)
    resolved, errors = [], []
    seen: dict[tuple[int, str, str], int] = {}
    for index, item in enumerate(items):
        where = f"line {lines[index]}" if lines else f"offer {index + 1}"
        try:
            found = _resolve(look, item)
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
            continue
        identity = (found.account_id, item.marketplace_sku, item.warehouse_ref)
        if identity in seen:
            errors.append(f"{where}: the same offer as {seen[identity]}")
        seen.setdefault(identity, lines[index] if lines else index + 1)
        resolved.append(found)
    return resolved, errors


# -- writing ------------------------------------------------------------------------------------


def upsert(
    uow: UnitOfWork,
    actor: Actor,
    items: Sequence[OfferInput],
    *,
    lines: Sequence[int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> UpsertResult:
    """Create or update offers by (account, marketplace SKU, warehouse); all or nothing."""
    resolved = validate(uow.session, actor, items, lines)
    created = updated = unchanged = 0
    offers: list[Offer] = []
    push: set[tuple[int, int, Channel]] = set()
    for found in resolved:
        offer, change = _write(uow, actor, found)
        offers.append(offer)
        created += change == "created"
        updated += change in ("updated", "reactivated")
        unchanged += change == "unchanged"
        if change in ("created", "reactivated"):
            push.add((offer.merchant_id, offer.product_id, offer.channel))
        if progress is not None:
            progress(1)
    uow.session.flush()
    for merchant_id, product_id, channel in sorted(push):
        queue_stock(uow, merchant_id, product_id, channel)
    return UpsertResult(created, updated, unchanged, offers)


def _write(uow: UnitOfWork, actor: Actor, found: _Resolved) -> tuple[Offer, str]:
    data, session = found.data, uow.session
    offer = session.execute(
        sa.select(Offer).where(
            Offer.account_id == found.account_id,
            Offer.marketplace_sku == data.marketplace_sku,
            Offer.warehouse_ref == data.warehouse_ref,
        )
    ).scalar_one_or_none()
    if offer is None:
        offer = Offer(
            merchant_id=found.merchant_id,
            account_id=found.account_id,
            product_id=found.product_id,
            channel=data.channel,
            marketplace_sku=data.marketplace_sku,
            warehouse_ref=data.warehouse_ref,
            marketplace_item_id=data.marketplace_item_id,
            price=data.price,
            active=data.active,
            created_at=uow.now(),
        )
        session.add(offer)
        session.flush()
        uow.audit("offer", offer.id, "create", actor, sku=data.sku, channel=data.channel.value)
        return offer, "created"
    if (offer.product_id, offer.channel) != (found.product_id, data.channel):
        raise PlainInputError(
            f"offer {data.marketplace_sku}@{data.warehouse_ref} already lists another SKU or "
            "channel; deactivate it and list the new one under new identifiers"
        )
    wanted = (data.price, data.active, data.marketplace_item_id)
    if (offer.price, offer.active, offer.marketplace_item_id) == wanted:
        return offer, "unchanged"
    reactivated = data.active and not offer.active
    offer.price, offer.active, offer.marketplace_item_id = wanted
    uow.audit("offer", offer.id, "update", actor, price=str(data.price), active=data.active)
    return offer, "reactivated" if reactivated else "updated"


# -- reading ------------------------------------------------------------------------------------


def list_offers(
    session: Session,
    actor: Actor,
    *,
    merchant: str | None = None,
    marketplace: Marketplace | None = None,
    sku: str | None = None,
    channel: Channel | None = None,
    limit: int = 100,
    cursor: int | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """Offers with their effective price and WMS stock, by id; returns rows and the next cursor."""
    stmt = (
        sa.select(
            Offer,
            Merchant.code,
            Merchant.resale_discount_percent,
            Product.sku,
            Product.price,
            MarketplaceAccount.marketplace,
            MarketplaceAccount.name,
            main_price_column(),
            StockTotal.on_hand,
            StockTotal.reserved,
        )
        .join(Merchant, Merchant.id == Offer.merchant_id)
        .join(Product, Product.id == Offer.product_id)
        .join(MarketplaceAccount, MarketplaceAccount.id == Offer.account_id)
        .outerjoin(StockTotal, offer_stock())
        .order_by(Offer.id)
        .limit(limit + 1)
    )
    if actor.merchant_id is not None:
        stmt = stmt.where(Offer.merchant_id == actor.merchant_id)
    filters: Iterable[tuple[Any, Any]] = (
        (merchant, Merchant.code),
        (marketplace, MarketplaceAccount.marketplace),
        (sku, Product.sku),
        (channel, Offer.channel),
    )
    for value, column in filters:
        if value is not None:
            stmt = stmt.where(column == value)
    if cursor is not None:
        stmt = stmt.where(Offer.id > cursor)
    rows = session.execute(stmt).all()
    page = [_row(*row) for row in rows[:limit]]
    return page, (page[-1]["id"] if len(rows) > limit else None)


def _row(
    offer: Offer,
    merchant: str,
    discount: int,
    sku: str,
    product_price: Decimal,
    marketplace: Marketplace,
    account: str,
    main_price: Decimal | None,
    on_hand: int | None,
    reserved: int | None,
) -> dict[str, Any]:
    price = effective_price(offer.channel, offer.price, main_price, product_price, discount)
    return {
        "id": offer.id,
        "merchant": merchant,
        "sku": sku,
        "marketplace": marketplace.value,
        "account": account,
        "channel": offer.channel.value,
        "marketplace_sku": offer.marketplace_sku,
        "warehouse_ref": offer.warehouse_ref,
        "marketplace_item_id": offer.marketplace_item_id,
        "price": offer.price,
        "effective_price": price,
        "active": offer.active,
        "available": stock_rules.available(on_hand or 0, reserved or 0),
        "pushed_quantity": offer.pushed_quantity,
        "pushed_at": offer.pushed_at,
        "confirmed_at": offer.confirmed_at,
    }


# -- CSV ----------------------------------------------------------------------------------------


def load_csv(session: Session, actor: Actor, text: str) -> tuple[list[OfferInput], list[int]]:
    """Parse and validate an offers CSV; one error names every bad line, in line order."""
    items, lines, errors = parse_csv(text)
    _resolved, problems = _resolve_all(session, actor, items, lines)
    _raise(sorted(errors + problems, key=_line_number))
    return items, lines


def _line_number(error: str) -> int:
    return int(error.split(":", 1)[0].removeprefix("line "))


def parse_csv(text: str) -> tuple[list[OfferInput], list[int], list[str]]:
    """Read an offers CSV (header row first): the offers, their lines, and the bad lines."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        raise PlainInputError(
            "line 1: "
            + "; ".join(
                ([f"missing columns: {', '.join(missing)}"] if missing else [])
                + ([f"unknown columns: {', '.join(unknown)}"] if unknown else [])
            )
        )
    items, lines, errors = [], [], []
    for record in reader:
        line = reader.line_num
        values = {(k or "").strip(): (v or "").strip() for k, v in record.items()}
        if not any(values.values()):
            continue
        try:
            items.append(_csv_item(values))
            lines.append(line)
        except ValueError as exc:
            errors.append(f"line {line}: {exc}")
    return items, lines, errors


def _csv_item(values: dict[str, str]) -> OfferInput:
    empty = [c for c in REQUIRED_COLUMNS if not values.get(c)]
    if empty:
        raise ValueError(f"empty {', '.join(empty)}")
    try:
        marketplace = Marketplace(values["marketplace"].lower())
    except ValueError:
        raise ValueError(f"unknown marketplace {values['marketplace']!r}") from None
    try:
        channel = Channel(values["channel"].lower())
    except ValueError:
        raise ValueError(f"channel must be main or resale, not {values['channel']!r}") from None
    active = values.get("active", "").lower()
    if active not in TRUE | FALSE:
        raise ValueError(f"active must be yes or no, not {values['active']!r}")
    return OfferInput(
        merchant=values["merchant"],
        sku=values["sku"],
        marketplace=marketplace,
        account=values["account"],
        channel=channel,
        marketplace_sku=values["marketplace_sku"],
        warehouse_ref=values["warehouse_ref"],
        marketplace_item_id=values.get("marketplace_item_id") or None,
        price=_price(values.get("price", "")),
        active=active in TRUE,
    )


def _price(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"price {text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"price {text!r} is not a number")
    return value
