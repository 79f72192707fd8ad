"""Stock rules: channels, zones, ledger kinds and the invariants of DESIGN 3.3."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum


class Channel(StrEnum):
    """Marketplace listing the stock goes to: new condition or discounted resale."""

    MAIN = "main"
    RESALE = "resale"


class ZoneKind(StrEnum):
    """What an area of the warehouse is for."""

    RECEIVING = "receiving"
    INSPECTION = "inspection"
    REPAIR = "repair"
    REPACK = "repack"
    STOCK_MAIN = "stock_main"
    STOCK_RESALE = "stock_resale"
    HOLD = "hold"
    DISPOSAL = "disposal"
    RETURN_TO_MERCHANT = "return_to_merchant"


class LedgerKind(StrEnum):
    """Why a stock ledger row was written."""

    RETURN_PUTAWAY = "return_putaway"
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    RESERVATION = "reservation"
    RELEASE = "release"
    MOVE = "move"
    ADJUSTMENT = "adjustment"
    DISPOSAL = "disposal"
    RETURN_TO_MERCHANT = "return_to_merchant"


SELLABLE_ZONES = frozenset({ZoneKind.STOCK_MAIN, ZoneKind.STOCK_RESALE})
ZONE_FOR_CHANNEL = {Channel.MAIN: ZoneKind.STOCK_MAIN, Channel.RESALE: ZoneKind.STOCK_RESALE}
# Ledger kinds that change the reserved quantity instead of the quantity on hand.
RESERVATION_KINDS = frozenset({LedgerKind.RESERVATION, LedgerKind.RELEASE})


def stock_zone(channel: Channel) -> ZoneKind:
    """The zone where stock of a channel is kept."""
    return ZONE_FOR_CHANNEL[channel]


def available(on_hand: int, reserved: int) -> int:
    """Available-to-sell: on hand in sellable zones minus reserved, never below zero."""
    return max(on_hand - reserved, 0)


@dataclass(frozen=True)
class LedgerEntry:
    """One ledger row as the invariant checker sees it."""

    key: Hashable  # (merchant, product, channel, bin)
    quantity: int


def ledger_violations(ledger: Iterable[LedgerEntry], levels: dict[Hashable, int]) -> list[str]:
    """List every key whose level is negative or differs from the sum of its ledger rows."""
    sums: dict[Hashable, int] = defaultdict(int)
    for entry in ledger:
        sums[entry.key] += entry.quantity
    problems = []
    for key in sorted(set(sums) | set(levels), key=repr):
        level = levels.get(key, 0)
        if level < 0:
            problems.append(f"{key!r}: negative level {level}")
        if sums.get(key, 0) != level:
            problems.append(f"{key!r}: ledger sums to {sums.get(key, 0)}, level is {level}")
    return problems
