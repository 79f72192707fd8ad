"""Offers for integrations: list them, and upsert them by their marketplace identity."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from wms.db.models import UserRole
from wms.domain.returns import Marketplace
from wms.domain.stock import Channel
from wms.services import offers
from wms.services.offers import OfferInput
from wms.web.api import bp
from wms.web.api.routing import endpoint
from wms.web.api.schemas import DbId, Query, Strict
from wms.web.auth import INTEGRATION, STAFF_ROLES, USER, Access, Principal
from wms.web.context import run, wms

READERS = Access(frozenset({INTEGRATION, USER}), user_roles=STAFF_ROLES | {UserRole.MERCHANT})
WRITERS = Access(frozenset({INTEGRATION, USER}), user_roles=frozenset({UserRole.ADMIN}))


class OfferIn(Strict):
    """One offer, named by its marketplace identity (account, marketplace_sku, warehouse_ref)."""

    merchant: str = Field(min_length=1, max_length=40)
    sku: str = Field(min_length=1, max_length=64, description="our SKU")
    marketplace: Marketplace
    account: str = Field(min_length=1, max_length=100, description="marketplace account name")
    channel: Channel
    marketplace_sku: str = Field(
        min_length=1, max_length=100, description="Kaspi SKU / WB chrtId / Ozon offer_id"
    )
    warehouse_ref: str = Field(
        min_length=1,
        max_length=100,
        description="Kaspi storeId / WB warehouseId / Ozon warehouse_id",
    )
    marketplace_item_id: str | None = Field(
        default=None, max_length=100, description="WB nmId / Ozon sku: maps returned articles"
    )
    price: Decimal | None = Field(
        default=None, gt=0, max_digits=12, decimal_places=2, description="empty: derived"
    )
    active: bool = True


class OffersIn(Strict):
    """Offers to create or update, all or nothing."""

    offers: list[OfferIn] = Field(min_length=1, max_length=1000)


class OfferOut(BaseModel):
    """An offer with its effective price, the WMS stock and what the marketplace was told."""

    id: int
    merchant: str
    sku: str
    marketplace: str
    account: str
    channel: str
    marketplace_sku: str
    warehouse_ref: str
    marketplace_item_id: str | None
    price: Decimal | None
    effective_price: Decimal | None
    active: bool
    available: int
    pushed_quantity: int | None
    pushed_at: datetime | None
    confirmed_at: datetime | None


class OfferList(BaseModel):
    """A page of offers."""

    items: list[OfferOut]
    next_cursor: int | None


class OfferQuery(Query):
    """Filters of the offer list."""

    merchant: str | None = Field(default=None, max_length=40)
    # Literals rather than the enums: query parameters are documented inline (no $refs).
    marketplace: Literal["kaspi", "wildberries", "ozon"] | None = None
    sku: str | None = Field(default=None, max_length=64)
    channel: Literal["main", "resale"] | None = None
    limit: int = Field(default=100, ge=1, le=500)
    cursor: DbId | None = None


class OffersUpserted(BaseModel):
    """What an upsert changed, and the ids of the offers in the order given."""

    created: int
    updated: int
    unchanged: int
    ids: list[int]


@endpoint(
    bp,
    "/offers",
    "GET",
    access=READERS,
    query=OfferQuery,
    response=OfferList,
    summary="List offers with effective price, WMS stock and the last pushed quantity",
    tag="integration",
)
def list_offers(principal: Principal, query: OfferQuery) -> OfferList:
    """Offers visible to the caller, paged by id."""
    with wms().db.reading() as db:
        rows, cursor = offers.list_offers(
            db,
            principal.actor,
            merchant=query.merchant,
            marketplace=Marketplace(query.marketplace) if query.marketplace else None,
            sku=query.sku,
            channel=Channel(query.channel) if query.channel else None,
            limit=query.limit,
            cursor=query.cursor,
        )
    return OfferList(items=[OfferOut(**row) for row in rows], next_cursor=cursor)


@endpoint(
    bp,
    "/offers",
    "PUT",
    access=WRITERS,
    body=OffersIn,
    response=OffersUpserted,
    summary="Create or update offers (validated as a whole; new offers get the current stock)",
    tag="integration",
)
def upsert_offers(principal: Principal, body: OffersIn) -> OffersUpserted:
    """Upsert by (account, marketplace_sku, warehouse_ref)."""
    items = [OfferInput(**item.model_dump()) for item in body.offers]
    result = run(offers.upsert, principal.actor, items)
    return OffersUpserted(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        ids=[offer.id for offer in result.offers],
    )
