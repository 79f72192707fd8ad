"""Invoice life cycle as a transition table: draft → final (numbered) → paid / cancelled.

A draft is recalculated as often as events arrive; finalising freezes its lines and gives it the
next gapless number; after that the only correction is a credit note (a negative document that
refers to the invoice), never an edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from wms.domain.errors import IllegalTransition
from wms.domain.texts.billing import INVOICE_TERMS


class InvoiceState(StrEnum):
    """Where an invoice is in its life cycle."""

    DRAFT = "draft"
    FINAL = "final"
    PAID = "paid"
    CANCELLED = "cancelled"


class InvoiceAction(StrEnum):
    """Everything that can happen to an invoice."""

    RECALCULATE = "recalculate"
    FINALISE = "finalise"
    PAY = "pay"
    CANCEL = "cancel"
    CREDIT = "credit"  # issue a credit note against it


class DocumentKind(StrEnum):
    """An invoice or a credit note (which is born final)."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


S, A = InvoiceState, InvoiceAction

INVOICE_TRANSITIONS: Mapping[tuple[InvoiceState, InvoiceAction], InvoiceState] = {
    (S.DRAFT, A.RECALCULATE): S.DRAFT,
    (S.DRAFT, A.FINALISE): S.FINAL,
    (S.DRAFT, A.CANCEL): S.CANCELLED,
    (S.FINAL, A.PAY): S.PAID,
    (S.FINAL, A.CREDIT): S.FINAL,
    # Cancelling a final invoice is done by crediting it in full (the service issues the note).
    (S.FINAL, A.CANCEL): S.CANCELLED,
    (S.PAID, A.CREDIT): S.PAID,
}

#: States whose lines and totals never change again.
FROZEN_INVOICE_STATES = frozenset({S.FINAL, S.PAID, S.CANCELLED})


def next_invoice_state(state: InvoiceState, action: InvoiceAction) -> InvoiceState:
    """Return the state after `action`, or raise IllegalTransition naming both."""
    try:
        return INVOICE_TRANSITIONS[(state, action)]
    except KeyError:
        raise IllegalTransition(
            "invoice.illegal_transition", state=invoice_term(state), action=invoice_term(action)
        ) from None


def invoice_term(value: str) -> dict[str, str]:
    """An invoice state or action in ru/en/kk."""
    ru, en, kk = INVOICE_TERMS[value]
    return {"ru": ru, "en": en, "kk": kk}


def allowed_invoice_actions(state: InvoiceState) -> list[InvoiceAction]:
    """Actions allowed from a state, in table order."""
    return [action for (st, action) in INVOICE_TRANSITIONS if st is state]


def format_invoice_number(kind: DocumentKind, number: int) -> str:
    """`INV-0000001` for invoices, `CN-0000001` for credit notes (separate gapless series)."""
    prefix = "INV" if kind is DocumentKind.INVOICE else "CN"
    return f"{prefix}-{number:07d}"


def counter_name(kind: DocumentKind) -> str:
    """The gapless counter a document kind takes its numbers from."""
    return f"billing_{kind.value}"
