"""All models, imported so that `Base.metadata` knows every table."""

from wms.db.models.access import (
    IdempotencyRecord,
    IntegrationClient,
    Operator,
    ScanEvent,
    Station,
    StationRole,
    StationSession,
    User,
    UserRole,
    UserSession,
)
from wms.db.models.billing import (
    BillableEvent,
    Invoice,
    InvoiceLine,
    RateCardLine,
)
from wms.db.models.catalog import Product, ProductBarcode
from wms.db.models.claims import Claim, ClaimLine
from wms.db.models.clips import Clip
from wms.db.models.dashboard import LoginAttempt, MerchantOrderCount
from wms.db.models.jobs import AccountCheck, Alarm, JobRun, JobState, OfferCheck
from wms.db.models.kpi import (
    KpiCount,
    KpiDuration,
    KpiDurationBucket,
    KpiReasonCount,
    KpiReasonDim,
    KpiRolledDay,
)
from wms.db.models.merchants import DispositionRule, MarketplaceAccount, Merchant, Offer
from wms.db.models.ops import (
    AuditEvent,
    Counter,
    ExceptionStatus,
    FeedFetch,
    FloorException,
    JobHeartbeat,
    LpnBlock,
    OutboxMessage,
    OutboxStatus,
)
from wms.db.models.printing import Printer, PrintJob
from wms.db.models.returns import Inspection, Photo, ReturnLine, ReturnOrder, Unit
from wms.db.models.stock import StockLedgerEntry, StockLevel, StockTotal
from wms.db.models.sync import SyncAccount
from wms.db.models.warehouse import Bin, Warehouse, Zone

__all__ = [
    "AccountCheck",
    "Alarm",
    "JobRun",
    "JobState",
    "KpiCount",
    "KpiDuration",
    "KpiDurationBucket",
    "KpiReasonCount",
    "KpiReasonDim",
    "KpiRolledDay",
    "OfferCheck",
    "AuditEvent",
    "BillableEvent",
    "Invoice",
    "InvoiceLine",
    "RateCardLine",
    "Bin",
    "Claim",
    "ClaimLine",
    "Clip",
    "Counter",
    "DispositionRule",
    "ExceptionStatus",
    "FeedFetch",
    "FloorException",
    "IdempotencyRecord",
    "Inspection",
    "IntegrationClient",
    "JobHeartbeat",
    "LoginAttempt",
    "LpnBlock",
    "MarketplaceAccount",
    "Merchant",
    "MerchantOrderCount",
    "Offer",
    "Operator",
    "OutboxMessage",
    "OutboxStatus",
    "Photo",
    "PrintJob",
    "Printer",
    "Product",
    "ProductBarcode",
    "ReturnLine",
    "ReturnOrder",
    "ScanEvent",
    "Station",
    "StationRole",
    "StationSession",
    "StockLedgerEntry",
    "StockLevel",
    "StockTotal",
    "SyncAccount",
    "Unit",
    "User",
    "UserRole",
    "UserSession",
    "Warehouse",
    "Zone",
]
