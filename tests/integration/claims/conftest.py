"""Helpers for claim tests: actors, a received and inspected unit, an imported WB claim."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from wms.db.models import Claim, MarketplaceAccount, Merchant
from wms.db.session import Database, open_database
from wms.domain.returns import Marketplace
from wms.services.claims_intake import ImportedClaim, ImportedLine, import_marketplace_claim
from wms.services.uow import Actor, UnitOfWork
from wms.settings import Settings

SUPERVISOR = Actor("supervisor", kind="user", role="supervisor")


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """The test database opened with every test setting (packs go under the test photo dir)."""
    db = open_database(settings)
    yield db
    db.dispose()


def merchant_actor(database: Any, code: str) -> Actor:
    """A merchant user's actor (scoped to its own goods)."""
    with database.reading() as s:
        merchant_id = s.execute(sa.select(Merchant.id).where(Merchant.code == code)).scalar_one()
    return Actor(code.lower(), kind="user", merchant_id=merchant_id, role="merchant")


def wb_account(database: Any, merchant: str = "ALTYN") -> int:
    """The id of a merchant's demo Wildberries account."""
    with database.reading() as s:
        return int(
            s.execute(
                sa.select(MarketplaceAccount.id)
                .join(Merchant, Merchant.id == MarketplaceAccount.merchant_id)
                .where(
                    Merchant.code == merchant,
                    MarketplaceAccount.marketplace == Marketplace.WILDBERRIES,
                )
            ).scalar_one()
        )


def wb_claim(external_id: str = "fe3e9337-e9f9-423c-8930-946a8ebef80", **kw: Any) -> ImportedClaim:
    """A WB buyer claim as the adapter would read it."""
    fields: dict[str, Any] = {
        "external_id": external_id,
        "external_status": "0",
        "actions": ["autorefund1", "approve1", "rejectcustom"],
        "lines": [ImportedLine(sku="ALT-HP-01", claimed_tiyn=1_599_000)],
        "answer_due_at": datetime.now(UTC) + timedelta(days=2),
        "media": ["https://photos.wbstatic.net/claim/1.webp"],
        "description": "Наушники не работают",
    }
    fields.update(kw)
    return ImportedClaim(**fields)


def import_claim(database: Any, data: ImportedClaim, merchant: str = "ALTYN") -> tuple[int, bool]:
    """Import one claim in its own transaction; its id and whether it was new."""
    account_id = wb_account(database, merchant)
    with UnitOfWork(database) as uow:
        account = uow.session.get(MarketplaceAccount, account_id)
        assert account is not None
        claim, created = import_marketplace_claim(uow, SUPERVISOR, account, data)
        uow.commit()
        return claim.id, created


def claim_row(database: Any, claim_id: int) -> Claim:
    """A claim with its lines, detached for assertions."""
    with database.reading() as s:
        claim = s.get(Claim, claim_id)
        assert claim is not None
        _ = list(claim.lines)
        s.expunge_all()
        return claim


@pytest.fixture
def wb_claim_id(database: Any, demo: dict[str, Any]) -> int:
    """An imported WB claim of ALTYN, under review."""
    claim_id, created = import_claim(database, wb_claim())
    assert created
    return claim_id
