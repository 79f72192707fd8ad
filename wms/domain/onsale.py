"""Is it on sale? One offer's answer from what the WMS holds, pushed and read back (pure)."""

from __future__ import annotations

from enum import StrEnum


class OnSale(StrEnum):
    """The Sync page's answer for one offer."""

    ON_SALE = "on_sale"  # the marketplace confirmed a quantity above zero
    SOLD_OUT = "sold_out"  # confirmed, and the quantity is zero
    WAITING = "waiting"  # a change is on its way to the marketplace
    NOT_CONFIRMED = "not_confirmed"  # the marketplace never confirmed a quantity
    DRIFT = "drift"  # the last read-back found another quantity than the WMS's
    INACTIVE = "inactive"  # the offer is switched off in the WMS


def verdict(
    *,
    active: bool,
    pending: bool,
    confirmed_quantity: int | None,
    read_back: int | None,
    expected: int,
) -> OnSale:
    """The answer, most urgent first: switched off, in flight, never confirmed, drift, level."""
    if not active:
        return OnSale.INACTIVE
    if pending:
        return OnSale.WAITING
    if confirmed_quantity is None:
        return OnSale.NOT_CONFIRMED
    if read_back is not None and read_back != expected:
        return OnSale.DRIFT
    return OnSale.ON_SALE if confirmed_quantity > 0 else OnSale.SOLD_OUT
