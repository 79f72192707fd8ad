"""Demo marketplace accounts and offers, and sandbox seeds that match them.

`wms demo` gives every demo merchant a Kaspi, a Wildberries and an Ozon account with a main and
a resale offer per SKU; `wms serve --with-sandboxes` seeds the three sandboxes from the database
so that the demo's stock syncs and its returns import. Idempotent like the rest of the demo.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from wms.db.models import (
    MarketplaceAccount,
    Merchant,
    MerchantOrderCount,
    Offer,
    Product,
    ReturnOrder,
)
from wms.domain.returns import Marketplace, ReturnType
from wms.domain.stock import Channel
from wms.services import offers as offer_service
from wms.services.accounts_marketplace import (
    create_account,
    credentials_of,
    feed_url,
    hash_feed_token,
    set_feed_token,
)
from wms.services.crypto import SecretBox
from wms.services.offers import OfferInput
from wms.services.uow import Actor, UnitOfWork
from wms.settings import Settings

DEMO = Actor("demo", kind="system")
WB_WAREHOUSE = 658_434
OZON_WAREHOUSE = 22_142_605_386_000
KASPI_STORE = "PP1"
CHANNEL_CODE = {Channel.MAIN: 0, Channel.RESALE: 1}


def demo_feed_token(settings: Settings, merchant: str) -> str:
    """The demo Kaspi feed token: the same on every run for the same secret key."""
    key = settings.server.secret_key.encode()
    mac = hmac.new(key, f"demo:kaspi-feed:{merchant}".encode(), hashlib.sha256).hexdigest()
    return f"kf_demo_{mac[:40]}"


def _credentials(marketplace: Marketplace, merchant: str) -> dict[str, str]:
    if marketplace is Marketplace.OZON:
        return {"client_id": f"demo-{merchant}", "api_key": f"ozon-demo-{merchant}"}
    return {"token": f"{marketplace.value}-demo-{merchant}"}


def _settings(marketplace: Marketplace, index: int) -> dict[str, Any]:
    if marketplace is Marketplace.KASPI:
        return {"merchant_id": str(30_500_001 + index)}
    return {}


def seed_demo(uow: UnitOfWork, settings: Settings, merchant_codes: list[str]) -> dict[str, Any]:
    """Create the demo accounts and offers (idempotent) and describe them."""
    box = SecretBox(settings)
    accounts, feeds, items = [], [], []
    for index, code in enumerate(merchant_codes):
        merchant = uow.session.execute(
            sa.select(Merchant).where(Merchant.code == code)
        ).scalar_one()
        by_market = {}
        for marketplace in (Marketplace.KASPI, Marketplace.WILDBERRIES, Marketplace.OZON):
            account = _account(uow, box, merchant, marketplace, index)
            by_market[marketplace] = account
            accounts.append(
                {
                    "id": account.id,
                    "merchant": code,
                    "marketplace": marketplace.value,
                    "name": account.name,
                }
            )
        token = demo_feed_token(settings, code)
        if by_market[Marketplace.KASPI].feed_token_hash != hash_feed_token(token):
            set_feed_token(uow, by_market[Marketplace.KASPI], token)
        feeds.append({"merchant": code, "url": feed_url(settings.server.public_url, token)})
        items += _offers(uow.session, merchant, index)
    result = offer_service.upsert(uow, DEMO, items)
    return {"marketplace_accounts": accounts, "kaspi_feeds": feeds, "offers": len(result.offers)}


def _account(
    uow: UnitOfWork, box: SecretBox, merchant: Merchant, marketplace: Marketplace, index: int
) -> MarketplaceAccount:
    name = f"{merchant.code} {marketplace.value}"
    found = uow.session.execute(
        sa.select(MarketplaceAccount).where(
            MarketplaceAccount.merchant_id == merchant.id,
            MarketplaceAccount.marketplace == marketplace,
            MarketplaceAccount.name == name,
        )
    ).scalar_one_or_none()
    if found is not None:
        return found
    return create_account(
        uow,
        DEMO,
        box,
        merchant.code,
        marketplace,
        name,
        _credentials(marketplace, merchant.code),
        _settings(marketplace, index),
    )


def _offers(session: Session, merchant: Merchant, index: int) -> list[OfferInput]:
    products = session.execute(
        sa.select(Product).where(Product.merchant_id == merchant.id).order_by(Product.id)
    ).scalars()
    out = []
    for number, product in enumerate(products):
        for channel in (Channel.MAIN, Channel.RESALE):
            suffix = "" if channel is Channel.MAIN else "-R"
            chrt = 31_000_000 + index * 100_000 + number * 2 + CHANNEL_CODE[channel]
            ids = {
                Marketplace.KASPI: (product.sku + suffix, KASPI_STORE, None),
                Marketplace.WILDBERRIES: (str(chrt), str(WB_WAREHOUSE), str(chrt + 5_000_000)),
                Marketplace.OZON: (
                    product.sku + suffix,
                    str(OZON_WAREHOUSE),
                    str(chrt + 9_000_000),
                ),
            }
            for marketplace, (sku, warehouse, item_id) in ids.items():
                out.append(
                    OfferInput(
                        merchant=merchant.code,
                        sku=product.sku,
                        marketplace=marketplace,
                        account=f"{merchant.code} {marketplace.value}",
                        channel=channel,
                        marketplace_sku=sku,
                        warehouse_ref=warehouse,
                        marketplace_item_id=item_id,
                    )
                )
    return out


# -- sandbox seeds ------------------------------------------------------------------------------


def sandbox_seeds(
    session: Session, settings: Settings, server_url: str
) -> dict[str, dict[str, Any]]:
    """Seeds for the three sandboxes holding every active account and offer of the database.

    Kaspi merchants get the demo feed URL on `server_url` when their feed token is the demo one.
    """
    box = SecretBox(settings)
    seeds: dict[str, dict[str, Any]] = {
        "kaspi": {"merchants": []},
        "wildberries": {"accounts": []},
        "ozon": {"accounts": []},
    }
    offers: dict[int, list[Offer]] = defaultdict(list)
    for offer in session.execute(sa.select(Offer).where(Offer.active).order_by(Offer.id)).scalars():
        offers[offer.account_id].append(offer)
    rows = session.execute(
        sa.select(MarketplaceAccount, Merchant.code)
        .join(Merchant, Merchant.id == MarketplaceAccount.merchant_id)
        .where(MarketplaceAccount.active)
        .order_by(MarketplaceAccount.id)
    ).all()
    for account, code in rows:
        try:
            creds = credentials_of(account, box)
        except ValueError:
            continue  # written with another key: the sandbox cannot know it either
        mine = offers[account.id]
        if account.marketplace is Marketplace.KASPI:
            seeds["kaspi"]["merchants"].append(
                _kaspi(account, code, creds, mine, settings, server_url)
            )
        elif account.marketplace is Marketplace.WILDBERRIES:
            seeds["wildberries"]["accounts"].append(_wildberries(account, creds, mine))
        elif account.marketplace is Marketplace.OZON:
            seeds["ozon"]["accounts"].append(_ozon(account, creds, mine))
    return seeds


def _kaspi(
    account: MarketplaceAccount,
    code: str,
    creds: dict[str, str],
    offers: list[Offer],
    settings: Settings,
    server_url: str,
) -> dict[str, Any]:
    skus = sorted({o.marketplace_sku for o in offers if o.channel is Channel.MAIN})
    token = demo_feed_token(settings, code)
    demo_feed = account.feed_token_hash == hash_feed_token(token)
    return {
        "token": creds["token"],
        "merchant_id": str((account.settings or {}).get("merchant_id", "")),
        "name": account.name,
        "feed_url": feed_url(server_url, token) if demo_feed else None,
        "orders": _kaspi_returns(account),
        "generate": {
            "orders": 60,
            "days": 30,
            "seed": 100 + account.id,
            "skus": skus or ["X"],
            # As many everyday sales as the database already recorded (`wms demo --simulate`),
            # so the import does not replace them with a handful and skew the quality rate.
            "completed": _recorded_completed_orders(account),
        },
    }


def _kaspi_returns(account: MarketplaceAccount) -> list[dict[str, Any]]:
    """The database's Kaspi returns as sandbox orders on their way back (status by type)."""
    session = object_session(account)
    if session is None:
        return []
    orders = session.execute(
        sa.select(ReturnOrder).where(
            ReturnOrder.merchant_id == account.merchant_id,
            ReturnOrder.marketplace == Marketplace.KASPI,
            ReturnOrder.external_id.is_not(None),
            ReturnOrder.order_code.is_not(None),
        )
    ).scalars()
    return [
        {
            "id": order.external_id,
            "code": order.order_code,
            "status": "KASPI_DELIVERY_RETURN_REQUESTED"
            if order.return_type is ReturnType.CUSTOMER_RETURN
            else "CANCELLING",
            "age_days": 3,
        }
        for order in orders
    ]


def _recorded_completed_orders(account: MarketplaceAccount) -> int:
    session = object_session(account)
    if session is None:
        return 0
    total = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(MerchantOrderCount.completed_orders), 0)).where(
            MerchantOrderCount.merchant_id == account.merchant_id,
            MerchantOrderCount.marketplace == Marketplace.KASPI,
        )
    ).scalar_one()
    return min(int(total), 20_000)


def _wildberries(
    account: MarketplaceAccount, creds: dict[str, str], offers: list[Offer]
) -> dict[str, Any]:
    warehouses = sorted({int(o.warehouse_ref) for o in offers})
    items = sorted({o.marketplace_item_id for o in offers if o.marketplace_item_id})
    claims = [
        {"nm_id": int(item), "user_comment": comment, "age_hours": 6 + n * 20}
        for n, (item, comment) in enumerate(
            zip(items[:2], ("Брак: не включается", "Не тот товар"), strict=False)
        )
    ]
    if items:
        # One claim still waiting for the merchant's answer, with the buyer's photos and video
        # (a stable id: restarting the demo's sandbox must not open the claim case again).
        claim_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"wms-demo:{account.name}:open-claim"))
        media = f"//photos.wbbasket.ru/claims/{claim_id}"
        claims.append(
            {
                "id": claim_id,
                "nm_id": int(items[-1]),
                "status": 0,
                "status_ex": 0,
                "user_comment": "Пришёл с царапиной на корпусе, фото прилагаю",
                "photos": [f"{media}/1.webp", f"{media}/2.webp"],
                "video_paths": [f"{media}/1.mp4"],
                "actions": ["approve1", "approve2", "autorefund1", "reject1", "rejectcustom"],
                "price": 14_990,
                "currency_code": "398",
                "age_hours": 3,
            }
        )
    return {
        "token": creds["token"],
        "name": account.name,
        "warehouses": [{"id": w, "name": f"FBS {w}", "cargoType": 1} for w in warehouses],
        "sizes": [{"chrtId": int(o.marketplace_sku), "cargoType": 1} for o in offers],
        "claims": claims,
    }


def _ozon(
    account: MarketplaceAccount, creds: dict[str, str], offers: list[Offer]
) -> dict[str, Any]:
    products = [
        {
            "offer_id": o.marketplace_sku,
            "product_id": int(o.marketplace_item_id or 0) or 1_000_000 + o.id,
        }
        for o in offers
    ]
    mains = [o.marketplace_sku for o in offers if o.channel is Channel.MAIN]
    returns = [
        {"offer_id": offer_id, "reason": reason, "status": status, "age_hours": 4 + n * 24}
        for n, (offer_id, reason, status) in enumerate(
            zip(
                mains[:2],
                ("Брак", "Не подошел размер"),
                ("MovingToSeller", "ArrivedAtReturnPlace"),
                strict=False,
            )
        )
    ]
    return {
        "client_id": creds["client_id"],
        "api_key": creds["api_key"],
        "name": account.name,
        "warehouses": sorted({int(o.warehouse_ref) for o in offers}),
        "products": products,
        "returns": returns,
        # An rFBS return request waiting for the merchant (stable id, like the WB claim).
        "rfbs": [
            {
                "return_id": 80_000_000 + account.id,
                "offer_id": mains[0],
                "name": mains[0],
                "price": "8990",
                "currency_code": "KZT",
                "comment": "Не работает одна из функций",
                "client_photo": [f"https://cdn.ozon.ru/rfbs/{80_000_000 + account.id}/1.jpg"],
                "age_hours": 5,
            }
        ]
        if mains
        else [],
    }
