"""The Kaspi price list of one account, streamed from the database, and the log of its fetches.

Kaspi pulls `/feeds/kaspi/<token>.xml`; the file is always a full snapshot of the account's
active offers with the stock as it is at that moment (zero stock stays in as
`available="no"`: an offer missing from the file is taken off sale). Rows are read with
`yield_per` and written offer by offer, so memory stays flat for 100 000 offers. After a
complete fetch the offers record what Kaspi was shown, and units put away before the fetch
started count as back on sale (reintegration).
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.adapters.marketplaces.kaspi_feed import FeedAvailability, FeedOffer, FeedStats, iter_feed
from wms.db.base import utcnow
from wms.db.models import FeedFetch, Merchant, Offer, Product, StockTotal
from wms.db.session import Database
from wms.domain import stock as stock_rules
from wms.services.accounts_marketplace import account_by_feed_token
from wms.services.offers import effective_price, main_price_column, offer_stock
from wms.services.sync.leases import reintegrate_served
from wms.services.sync.outbox import chunks
from wms.services.uow import UnitOfWork, execute

log = logging.getLogger(__name__)
YIELD_PER = 2000
UPDATE_CHUNK = 5000
_OFFERS = cast(sa.Table, Offer.__table__)


@dataclass(frozen=True)
class FeedSource:
    """The account a feed token opens, with what the file's header needs."""

    account_id: int
    merchant_id: int
    company: str
    kaspi_merchant_id: str
    discount: int


@dataclass
class FeedProgress:
    """What a fetch served so far; complete once the last byte was produced."""

    source: FeedSource
    started_at: datetime = field(default_factory=utcnow)
    stats: FeedStats = field(default_factory=FeedStats)
    bytes: int = 0
    skipped: int = 0
    complete: bool = False
    offer_ids: array[int] = field(default_factory=lambda: array("q"))
    quantities: array[int] = field(default_factory=lambda: array("q"))
    versions: array[int] = field(default_factory=lambda: array("q"))


def open_source(session: Session, token: str) -> FeedSource | None:
    """The feed behind a secret token (None for unknown or inactive accounts)."""
    account = account_by_feed_token(session, token)
    if account is None:
        return None
    merchant = session.get(Merchant, account.merchant_id)
    assert merchant is not None
    settings = account.settings or {}
    return FeedSource(
        account_id=account.id,
        merchant_id=merchant.id,
        company=str(settings.get("company") or merchant.name),
        kaspi_merchant_id=str(settings.get("merchant_id") or merchant.code),
        discount=merchant.resale_discount_percent,
    )


def stream(db: Database, progress: FeedProgress) -> Iterator[bytes]:
    """The price list as UTF-8 chunks, read from the database while it is written."""
    source = progress.source
    with db.reading() as session:
        rows = session.execute(_query(source.account_id).execution_options(yield_per=YIELD_PER))
        try:
            for text in iter_feed(
                _offers(rows, progress),
                company=source.company,
                merchant_id=source.kaspi_merchant_id,
                generated_at=progress.started_at,
                stats=progress.stats,
            ):
                chunk = text.encode()
                progress.bytes += len(chunk)
                yield chunk
        finally:
            rows.close()  # a client that leaves mid-file must not leave a server-side cursor
    progress.complete = True


def _query(account_id: int) -> sa.Select[Any]:
    return (
        sa.select(
            Offer.id,
            Offer.marketplace_sku,
            Offer.warehouse_ref,
            Offer.channel,
            Offer.price,
            main_price_column(),
            Product.title,
            Product.brand,
            Product.price,
            StockTotal.on_hand,
            StockTotal.reserved,
            StockTotal.version,
        )
        .join(Product, Product.id == Offer.product_id)
        .outerjoin(StockTotal, offer_stock())
        .where(Offer.account_id == account_id, Offer.active)
        .order_by(Offer.marketplace_sku, Offer.warehouse_ref)
    )


def _offers(rows: Any, progress: FeedProgress) -> Iterator[FeedOffer]:
    """Group rows by Kaspi SKU into offers with one availability per storeId."""
    for sku, group in groupby(rows, key=lambda row: row[1]):
        lines = list(group)
        first = lines[0]
        price = effective_price(first[3], first[4], first[5], first[8], progress.source.discount)
        if price is None or price < 1:
            progress.skipped += 1  # validated when listed; a product price set to 0 since
            continue
        places = []
        for offer_id, _sku, store, *_mid, on_hand, reserved, version in lines:
            quantity = stock_rules.available(on_hand or 0, reserved or 0)
            places.append(FeedAvailability(store, quantity))
            progress.offer_ids.append(offer_id)
            progress.quantities.append(quantity)
            progress.versions.append(version or 0)
        yield FeedOffer(
            sku=sku,
            model=first[6],
            brand=first[7] or "",
            availabilities=tuple(places),
            price=int(price.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        )


def record_fetch(
    uow: UnitOfWork, progress: FeedProgress, remote_addr: str | None, user_agent: str | None
) -> int:
    """Log one fetch; a complete one updates what Kaspi saw. Returns units reintegrated."""
    source, now = progress.source, uow.now()
    uow.session.add(
        FeedFetch(
            account_id=source.account_id,
            remote_addr=(remote_addr or "")[:64] or None,
            user_agent=(user_agent or "")[:200] or None,
            offers=progress.stats.offers,
            bytes=progress.bytes,
            status=200 if progress.complete else 499,  # 499: the client left mid-file
            created_at=progress.started_at,
        )
    )
    if not progress.complete:
        return 0
    stmt = (
        sa.update(_OFFERS)
        .where(
            _OFFERS.c.id == sa.bindparam("offer_id"),
            sa.or_(
                _OFFERS.c.pushed_version.is_(None),
                _OFFERS.c.pushed_version <= sa.bindparam("version"),
            ),
        )
        .values(
            pushed_quantity=sa.bindparam("quantity"),
            pushed_version=sa.bindparam("version"),
            pushed_at=progress.started_at,
            confirmed_at=now,
        )
    )
    triples = zip(progress.offer_ids, progress.quantities, progress.versions, strict=True)
    for part in chunks(list(triples), UPDATE_CHUNK):
        params = [{"offer_id": i, "quantity": q, "version": v} for i, q, v in part]
        uow.session.execute(stmt, params)
    return reintegrate_served(uow, source.account_id, source.merchant_id, progress.started_at, now)


def log_fetch(
    db: Database, progress: FeedProgress, remote_addr: str | None, user_agent: str | None
) -> None:
    """Record a fetch after the response ended (never raises: the file was already sent)."""
    try:
        execute(db, record_fetch, progress, remote_addr, user_agent)
    except Exception:
        account = progress.source.account_id
        log.exception("could not record the Kaspi feed fetch of account %s", account)
