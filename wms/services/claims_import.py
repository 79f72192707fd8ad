"""`wms claims import`: buyer claims of Wildberries and Ozon become claim cases.

Every active WB and Ozon account is read in full (open claims, then the archive: WB keeps 14
days) through its own token bucket at the published limits; claims are recorded 200 to a
transaction (the recorder gives each its own savepoint: one bad claim does not lose its page),
on a writer thread while the next page is on the wire, so the marketplace's limits, not the
database, set the pace. Recording is idempotent on the claim's id (the claim core's
`claims_intake.import_marketplace_claim`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import chain

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session

from wms.adapters.marketplaces.base import MarketplaceError
from wms.adapters.marketplaces.factory import claim_limits
from wms.adapters.marketplaces.throttle import TokenBucket
from wms.db.models import MarketplaceAccount
from wms.db.session import Database
from wms.domain.claim_exchange import ExternalClaim
from wms.domain.returns import Marketplace
from wms.services.accounts_marketplace import claim_channel_for, enabled, endpoint_for
from wms.services.crypto import SecretBox
from wms.services.uow import UnitOfWork, execute
from wms.settings import Settings

log = logging.getLogger(__name__)
BATCH = 200  # claims per transaction: one WB page
MAX_ERRORS = 20
CLAIM_MARKETPLACES = (Marketplace.WILDBERRIES, Marketplace.OZON)

#: Records a page of claims for an account in the caller's transaction.
Recorder = Callable[[UnitOfWork, MarketplaceAccount, Sequence[ExternalClaim]], "Recorded"]


@dataclass
class ClaimImportReport:
    """What the import did for one account."""

    account_id: int
    account: str
    marketplace: str
    seen: int = 0
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Recorded:
    """What recording one page did."""

    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def import_claims(
    db: Database,
    settings: Settings,
    box: SecretBox,
    record: Recorder,
    *,
    marketplace: Marketplace | None = None,
    client: httpx.Client | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> list[ClaimImportReport]:
    """Import every active WB/Ozon account (of one marketplace if given); a report per account."""
    with db.reading() as session:
        accounts = _accounts(session, settings, marketplace)
    reports = []
    for account in accounts:
        report = ClaimImportReport(account.id, account.name, account.marketplace.value)
        reports.append(report)
        try:
            _import_account(db, settings, box, account, record, report, client, progress)
        except MarketplaceError as exc:
            report.errors.append(f"{exc.code}: {exc.message}")
    return reports


def _accounts(
    session: Session, settings: Settings, marketplace: Marketplace | None
) -> list[MarketplaceAccount]:
    wanted = [marketplace] if marketplace is not None else list(CLAIM_MARKETPLACES)
    found = session.execute(
        sa.select(MarketplaceAccount)
        .where(MarketplaceAccount.active, MarketplaceAccount.marketplace.in_(wanted))
        .order_by(MarketplaceAccount.id)
    ).scalars()
    return [
        a for a in found if a.marketplace in CLAIM_MARKETPLACES and enabled(settings, a.marketplace)
    ]


def bucket_for(account: MarketplaceAccount, settings: Settings) -> TokenBucket:
    """A token bucket at the account's claim limits (full burst, a little under the rate)."""
    limits = claim_limits(account.marketplace, endpoint_for(account, settings).time_scale)
    assert limits is not None
    return TokenBucket(limits.rate_per_second * settings.sync.rate_safety, limits.burst)


def _import_account(
    db: Database,
    settings: Settings,
    box: SecretBox,
    account: MarketplaceAccount,
    record: Recorder,
    report: ClaimImportReport,
    client: httpx.Client | None,
    progress: Callable[[str, int], None] | None,
) -> None:
    channel = claim_channel_for(
        account, settings, box, throttle=bucket_for(account, settings), client=client
    )
    claims = chain(channel.list_claims(), channel.list_claims(archived=True))
    writing: Future[Recorded] | None = None
    with ThreadPoolExecutor(1, thread_name_prefix=f"claims-{account.id}") as writer:
        try:
            for batch in batches(claims, BATCH):
                report.seen += len(batch)
                if writing is not None:
                    _add(report, writing.result(), progress)
                writing = writer.submit(execute, db, record_batch, account.id, batch, record)
        finally:
            if writing is not None:
                _add(report, writing.result(), progress)
            channel.close()


def record_batch(
    uow: UnitOfWork, account_id: int, claims: Sequence[ExternalClaim], record: Recorder
) -> Recorded:
    """Record one page of claims in one transaction."""
    account = uow.session.get(MarketplaceAccount, account_id)
    assert account is not None
    return record(uow, account, claims)


def _add(
    report: ClaimImportReport, done: Recorded, progress: Callable[[str, int], None] | None
) -> None:
    report.created += done.created
    report.updated += done.updated
    room = MAX_ERRORS - len(report.errors)
    report.errors += done.errors[: max(room, 0)]
    if progress is not None:
        progress(report.account, done.created + done.updated)


def batches(items: Iterable[ExternalClaim], size: int) -> Iterator[list[ExternalClaim]]:
    """Consecutive lists of at most `size` items, as the items arrive."""
    batch: list[ExternalClaim] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
