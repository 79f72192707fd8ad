"""`wms returns import`: announce the returns and cancellations marketplaces report, and record
Kaspi's completed-order counts (the denominator of the quality-returns rate).

Each notice becomes an expected return order through `receiving.announce`, idempotent by
(marketplace, external id), in a transaction of its own: one bad notice does not lose the rest.
Lines name the marketplace's article; they are mapped to our SKU through the account's offers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.adapters.marketplaces.base import MarketplaceError, ReturnLine, ReturnNotice
from wms.adapters.marketplaces.kaspi import KaspiAdapter
from wms.db.base import utcnow
from wms.db.models import MarketplaceAccount, Offer, Product, SyncAccount
from wms.db.session import Database, dialect_insert
from wms.domain.errors import DomainError
from wms.domain.returns import Marketplace
from wms.services import dashboard, receiving
from wms.services.accounts_marketplace import adapter_for, enabled
from wms.services.crypto import SecretBox
from wms.services.receiving import AnnouncedLine, Announcement
from wms.services.uow import SYSTEM, UnitOfWork, execute
from wms.settings import Settings

log = logging.getLogger(__name__)
FIRST_WINDOW = timedelta(days=14)  # the marketplaces keep about two weeks of returns at hand
OVERLAP = timedelta(days=1)  # statuses change late; re-reading a day costs nothing (idempotent)
COUNT_DAYS = 30
MAX_ERRORS = 20


@dataclass
class ImportReport:
    """What the import did for one account."""

    account_id: int
    account: str
    marketplace: str
    since: datetime
    until: datetime
    seen: int = 0
    created: int = 0
    existing: int = 0
    count_days: int = 0
    errors: list[str] = field(default_factory=list)


def import_returns(
    db: Database,
    settings: Settings,
    box: SecretBox,
    *,
    marketplace: Marketplace | None = None,
    since: datetime | None = None,
    client: httpx.Client | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[ImportReport]:
    """Import every active account (of one marketplace if given); returns a report per account."""
    now = utcnow()
    reports = []
    with db.reading() as session:
        accounts = _accounts(session, settings, marketplace)
        cursors = {a.id: _cursor(session, a.id) for a in accounts}
    for account in accounts:
        cursor = cursors[account.id]
        start = since or (cursor - OVERLAP if cursor is not None else now - FIRST_WINDOW)
        report = ImportReport(account.id, account.name, account.marketplace.value, start, now)
        reports.append(report)
        try:
            adapter = adapter_for(account, settings, box, client=client)
        except MarketplaceError as exc:
            report.errors.append(f"{exc.code}: {exc.message}")
            continue
        try:
            _import_account(db, account, adapter.list_returns(start, now), report, progress)
            if isinstance(adapter, KaspiAdapter):
                _count_orders(db, account, adapter, now, report)
            if not report.errors:
                execute(db, _advance, account.id, now, report.count_days > 0)
        except MarketplaceError as exc:
            report.errors.append(f"{exc.code}: {exc.message}")
        finally:
            adapter.close()
    return reports


def _accounts(
    session: Session, settings: Settings, marketplace: Marketplace | None
) -> list[MarketplaceAccount]:
    stmt = sa.select(MarketplaceAccount).where(MarketplaceAccount.active)
    if marketplace is not None:
        stmt = stmt.where(MarketplaceAccount.marketplace == marketplace)
    found = session.execute(stmt.order_by(MarketplaceAccount.id)).scalars()
    return [a for a in found if enabled(settings, a.marketplace)]


def _cursor(session: Session, account_id: int) -> datetime | None:
    state = session.get(SyncAccount, account_id)
    return state.returns_synced_at if state else None


def _import_account(
    db: Database,
    account: MarketplaceAccount,
    notices: Iterable[ReturnNotice],
    report: ImportReport,
    progress: Callable[[str, int], None] | None,
) -> None:
    for notice in notices:
        report.seen += 1
        try:
            created = execute(db, announce_notice, account.id, notice)
        except DomainError as exc:
            if len(report.errors) < MAX_ERRORS:
                report.errors.append(f"{notice.order_code}: {exc}")
            continue
        report.created += created
        report.existing += not created
        if progress is not None:
            progress(account.name, 1)


def announce_notice(uow: UnitOfWork, account_id: int, notice: ReturnNotice) -> bool:
    """Announce one notice for the account's merchant; True when a new order was created."""
    account = uow.session.get(MarketplaceAccount, account_id)
    assert account is not None
    lines = tuple(
        AnnouncedLine(our_sku(uow.session, account, line), line.quantity)
        for line in notice.lines
        if line.quantity > 0 and line.sku
    )
    announcement = Announcement(
        merchant_id=account.merchant_id,
        marketplace=notice.marketplace,
        order_code=notice.order_code,
        return_type=notice.return_type,
        reason=notice.reason,
        external_id=notice.external_id,
        customer_ref=notice.customer_id,
        lines=lines,
        ordered_at=notice.ordered_at,
    )
    _order, created = receiving.announce(uow, SYSTEM, announcement)
    return created


def our_sku(session: Session, account: MarketplaceAccount, line: ReturnLine) -> str:
    """Our SKU for a marketplace article: through the account's offers, else as named."""
    names = {line.sku} | ({line.marketplace_item_id} if line.marketplace_item_id else set())
    sku = session.execute(
        sa.select(Product.sku)
        .join(Offer, Offer.product_id == Product.id)
        .where(
            Offer.account_id == account.id,
            sa.or_(Offer.marketplace_sku.in_(names), Offer.marketplace_item_id.in_(names)),
        )
        .order_by(Offer.channel)
        .limit(1)
    ).scalar_one_or_none()
    return sku or line.sku


def _count_orders(
    db: Database,
    account: MarketplaceAccount,
    adapter: KaspiAdapter,
    now: datetime,
    report: ImportReport,
) -> None:
    """Completed Kaspi orders per day over the last 30 days (UTC days, today so far)."""
    today = now.date()
    for back in range(COUNT_DAYS):
        day = today - timedelta(days=back)
        start = datetime(day.year, day.month, day.day, tzinfo=now.tzinfo)
        count = adapter.count_orders("COMPLETED", start, min(start + timedelta(days=1), now))
        execute(db, _record_count, account.merchant_id, day, count)
        report.count_days += 1


def _record_count(uow: UnitOfWork, merchant_id: int, day: date, count: int) -> None:
    dashboard.record_order_count(uow, merchant_id, Marketplace.KASPI, day, count, source="kaspi")


def _advance(uow: UnitOfWork, account_id: int, until: datetime, counted: bool) -> None:
    """Remember how far this account's returns (and order counts) were read."""
    insert = dialect_insert(uow.session)
    values: dict[str, object] = {"returns_synced_at": until, "updated_at": uow.now()}
    if counted:
        values["orders_counted_at"] = until
    uow.session.execute(
        insert(SyncAccount)
        .values(account_id=account_id, pauses=0, **values)
        .on_conflict_do_update(index_elements=["account_id"], set_=values)
    )
