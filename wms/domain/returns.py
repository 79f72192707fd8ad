"""Return types, customer reasons and marketplaces (DESIGN 1)."""

from __future__ import annotations

from enum import StrEnum


class Marketplace(StrEnum):
    """Where the goods were sold."""

    KASPI = "kaspi"
    WILDBERRIES = "wildberries"
    OZON = "ozon"
    OTHER = "other"


class ReturnType(StrEnum):
    """Why the parcel travels back."""

    CUSTOMER_RETURN = "customer_return"
    CANCELLED_IN_DELIVERY = "cancelled_in_delivery"
    NOT_PICKED_UP = "not_picked_up"
    CLAIM_RETURN = "claim_return"


class ReturnReason(StrEnum):
    """The customer's reason, as the marketplace reports it."""

    NOT_AS_DESCRIBED = "not_as_described"
    WRONG_ITEM = "wrong_item"
    DEFECTIVE = "defective"
    COUNTERFEIT = "counterfeit"
    CHANGED_MIND = "changed_mind"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"
    CANCELLED = "cancelled"
    NOT_PICKED_UP = "not_picked_up"
    OTHER = "other"


# Reasons that count toward Kaspi's "quality returns" metric (seed 003).
QUALITY_REASONS = frozenset(
    {
        ReturnReason.NOT_AS_DESCRIBED,
        ReturnReason.WRONG_ITEM,
        ReturnReason.DEFECTIVE,
        ReturnReason.COUNTERFEIT,
    }
)
# Return types whose cost is a loss from a cancellation or a buyer who never collected (seed 000).
LOSS_RETURN_TYPES = frozenset({ReturnType.CANCELLED_IN_DELIVERY, ReturnType.NOT_PICKED_UP})


def is_quality_reason(reason: ReturnReason | str) -> bool:
    """Whether a customer reason counts toward the quality-returns metric."""
    return ReturnReason(reason) in QUALITY_REASONS


def default_reason(return_type: ReturnType) -> ReturnReason:
    """The reason to assume when the marketplace gives none."""
    return {
        ReturnType.CANCELLED_IN_DELIVERY: ReturnReason.CANCELLED,
        ReturnType.NOT_PICKED_UP: ReturnReason.NOT_PICKED_UP,
    }.get(return_type, ReturnReason.OTHER)
