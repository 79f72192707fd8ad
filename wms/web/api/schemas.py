"""Pydantic schemas of every API body and response (the OpenAPI document is generated from them)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from wms.domain.grading import Decision
from wms.domain.limits import MAX_DB_INT, MAX_ORDER_CODE, to_utc
from wms.domain.orders import ReturnOrderState
from wms.domain.returns import Marketplace, ReturnReason, ReturnType
from wms.domain.stock import Channel


class Strict(BaseModel):
    """Request bodies refuse unknown fields (a typo is an error, not a silent no-op) and coerce
    nothing: `"2"`, `" 2 "` and `true` are not the number 2, `"yes"` is not a boolean. Bodies are
    validated from the JSON text (`model_validate_json`), where timestamps and decimals are
    strings by nature."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """Query parameters: strings by nature, converted to the field types; unknown ones refused."""

    model_config = ConfigDict(extra="forbid")


# An id or cursor that fits the database's integer columns.
DbId = Annotated[int, Field(ge=1, le=MAX_DB_INT)]
# An aware timestamp, stored in UTC; one whose conversion would overflow is refused (422).
Timestamp = Annotated[AwareDatetime, AfterValidator(to_utc)]
# Query parameters are documented inline (no $refs), so the enum is spelled as a Literal.
OrderStateName = Literal[tuple(state.value for state in ReturnOrderState)]  # type: ignore[valid-type]


class Prompt(BaseModel):
    """A message in the three interface languages."""

    ru: str
    en: str
    kk: str


# --- stations -------------------------------------------------------------------------------


class ScanIn(Strict):
    """A scan from a station."""

    event_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    code: str = Field(max_length=4096, description="raw scan; GS (\\u001d) separators kept")
    symbology: str | None = Field(default=None, pattern=r"^\][A-Za-z][0-9A-Za-z]$")
    scanned_at: Timestamp
    lpn: str | None = Field(
        default=None, pattern=r"^LPN[0-9]{10}$", description="LPN assigned offline from a block"
    )
    offline: bool = False
    printed_locally: bool = Field(
        default=False,
        description="the station printed this scan's label itself while offline: "
        "a server printer assigned to the station does not print it again",
    )


class ScanOut(BaseModel):
    """The three-way answer to a scan."""

    result: Literal["ok", "error", "action_required"]
    prompt: Prompt
    sound: Literal["ok", "error", "attention"]
    print: list[dict[str, Any]] = Field(description="LabelSpec objects to print, in order")
    context: dict[str, Any]


class LpnBlockIn(Strict):
    """How many LPNs to reserve."""

    size: int | None = Field(default=None, ge=1, le=10000)


class LpnBlockOut(BaseModel):
    """A reserved block of consecutive LPNs."""

    first: str
    last: str
    count: int


class StationInfo(BaseModel):
    """A station as it sees itself."""

    name: str
    role: str
    language: str


class StationMe(BaseModel):
    """Answer of `GET /stations/me`."""

    station: StationInfo
    api_version: int
    server_time: datetime
    lpn_block_size: int
    #: What the station asks for now (a badge, an order code, an LPN …), before any scan.
    prompt: dict[str, str] = Field(default_factory=dict)
    #: The command barcodes valid at the session's step (as in every scan answer's context).
    commands: list[str] = Field(default_factory=list)


class HeartbeatIn(Strict):
    """A station's periodic status report."""

    queued: int = Field(ge=0, le=10_000_000)
    scanner: str = Field(default="ok", max_length=40)
    printer: str = Field(default="ok", max_length=40)


class StationExceptionIn(Strict):
    """A journal entry the station could not replay."""

    event_id: str = Field(max_length=64)
    code: str = Field(max_length=4096)
    error: str = Field(max_length=200)
    detail: str | None = Field(default=None, max_length=4000)


class Created(BaseModel):
    """An object was created."""

    id: int


class ClassifyIn(Strict):
    """A code to classify without acting on it."""

    code: str = Field(max_length=20000)
    symbology: str | None = Field(default=None, max_length=8)


class ClassifyOut(BaseModel):
    """What the server makes of a scanned code."""

    kind: str
    value: str
    symbology: str | None
    gtin: str | None
    serial: str | None
    identification_code: str | None
    marketplace: str | None
    layout_fixed: str | None
    problem: str | None


# --- returns ----------------------------------------------------------------------------------


class LineIn(Strict):
    """A line of an announced return."""

    sku: str = Field(min_length=1, max_length=100)
    quantity: int = Field(default=1, ge=1, le=10000)
    price: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)


class AnnounceIn(Strict):
    """A return announced before it arrives."""

    merchant: str = Field(min_length=1, max_length=40, description="merchant code")
    marketplace: Marketplace
    order_code: str = Field(
        min_length=1, max_length=MAX_ORDER_CODE, description="printed as Code 128 on the slip"
    )
    return_type: ReturnType
    reason: ReturnReason | None = None
    external_id: str | None = Field(default=None, max_length=100)
    customer_ref: str | None = Field(default=None, max_length=100)
    reverse_logistics_cost: Decimal = Field(
        default=Decimal("0"), ge=0, max_digits=12, decimal_places=2
    )
    ordered_at: Timestamp | None = None
    expected_at: Timestamp | None = None
    lines: list[LineIn] = Field(default_factory=list, max_length=500)


class ReturnLineOut(BaseModel):
    """A line of a return order."""

    sku: str | None
    expected: int
    received: int


class ReturnOut(BaseModel):
    """A return order."""

    id: int
    number: str
    merchant: str | None
    marketplace: str
    order_code: str | None
    return_type: str
    reason: str
    state: ReturnOrderState
    announced: bool
    created_at: datetime
    received_at: datetime | None
    completed_at: datetime | None
    flags: dict[str, Any]
    lines: list[ReturnLineOut] | None = None
    units: list[dict[str, Any]] | None = None


class ReturnList(BaseModel):
    """A page of return orders, newest first."""

    items: list[ReturnOut]
    next_cursor: int | None


class ReturnQuery(Query):
    """Filters of the return list."""

    state: OrderStateName | None = None
    merchant: str | None = Field(default=None, max_length=40)
    q: str | None = Field(default=None, max_length=100, description="order code, number or LPN")
    limit: int = Field(default=50, ge=1, le=500)
    cursor: DbId | None = None


class HistoryEvent(BaseModel):
    """One entry of a unit's history."""

    at: datetime
    action: str
    from_state: str | None
    to_state: str | None
    actor: str
    payload: dict[str, Any]


class UnitOut(BaseModel):
    """A unit with its history."""

    unit: dict[str, Any]
    history: list[HistoryEvent]
    inspections: list[dict[str, Any]]
    photos: list[dict[str, Any]]


class DecisionIn(Strict):
    """A decision on a unit awaiting decision."""

    decision: Decision
    note: str | None = Field(default=None, max_length=1000)


# --- stock ------------------------------------------------------------------------------------


class StockQuery(Query):
    """Which stock to show."""

    sku: str = Field(min_length=1, max_length=64)
    merchant: str | None = Field(default=None, max_length=40)


class StockBin(BaseModel):
    """Quantity in one bin."""

    bin: str
    zone: str
    quantity: int


class StockChannel(BaseModel):
    """Stock of a SKU in one channel."""

    channel: str
    on_hand: int
    reserved: int
    available: int
    bins: list[StockBin]


class StockOut(BaseModel):
    """Stock of a SKU."""

    merchant: str
    sku: str
    title: str
    channels: list[StockChannel]


class StockMoveIn(Strict):
    """A stock movement booked by an integration (inbound, outbound, reservation …)."""

    merchant: str = Field(min_length=1, max_length=40)
    sku: str = Field(min_length=1, max_length=64)
    channel: Channel = Channel.MAIN
    quantity: int = Field(ge=1, le=1_000_000)
    reference: str = Field(min_length=1, max_length=100)
    bin: str | None = Field(default=None, max_length=40)
    from_reservation: bool = False


class AdjustmentIn(Strict):
    """A cycle count result for one bin."""

    merchant: str = Field(min_length=1, max_length=40)
    sku: str = Field(min_length=1, max_length=64)
    channel: Channel = Channel.MAIN
    bin: str = Field(min_length=1, max_length=40)
    counted: int = Field(ge=0, le=1_000_000)
    reference: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=200)


class StockTotalOut(BaseModel):
    """Sellable totals after a booking."""

    merchant: str
    sku: str
    channel: str
    on_hand: int
    reserved: int
    available: int
