"""Every (state, action) pair of the invoice life cycle, allowed or refused with a named error."""

from __future__ import annotations

import itertools

import pytest

from wms.domain.errors import IllegalTransition
from wms.domain.invoices import (
    FROZEN_INVOICE_STATES,
    INVOICE_TRANSITIONS,
    DocumentKind,
    InvoiceAction,
    InvoiceState,
    allowed_invoice_actions,
    format_invoice_number,
    next_invoice_state,
)

S, A = InvoiceState, InvoiceAction

EXPECTED = {
    (S.DRAFT, A.RECALCULATE): S.DRAFT,
    (S.DRAFT, A.FINALISE): S.FINAL,
    (S.DRAFT, A.CANCEL): S.CANCELLED,
    (S.FINAL, A.PAY): S.PAID,
    (S.FINAL, A.CREDIT): S.FINAL,
    (S.FINAL, A.CANCEL): S.CANCELLED,
    (S.PAID, A.CREDIT): S.PAID,
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(S, A)))
def test_every_invoice_state_action_pair(state: InvoiceState, action: InvoiceAction) -> None:
    expected = EXPECTED.get((state, action))
    if expected is not None:
        assert next_invoice_state(state, action) is expected
        assert action in allowed_invoice_actions(state)
        return
    with pytest.raises(IllegalTransition) as err:
        next_invoice_state(state, action)
    assert err.value.params["state"]["en"] == state.value
    assert err.value.params["action"]["en"] == action.value
    ru = err.value.render("ru")
    assert err.value.params["state"]["ru"] in ru
    assert state.value not in ru
    assert err.value.params["state"]["kk"] in err.value.render("kk")
    assert action not in allowed_invoice_actions(state)


def test_table_is_exactly_the_design() -> None:
    assert dict(INVOICE_TRANSITIONS) == EXPECTED


def test_no_way_back_to_draft_and_nothing_after_cancel() -> None:
    assert all(nxt is not S.DRAFT for (st, _), nxt in EXPECTED.items() if st is not S.DRAFT)
    assert allowed_invoice_actions(S.CANCELLED) == []
    assert S.DRAFT not in FROZEN_INVOICE_STATES


def test_numbers() -> None:
    assert format_invoice_number(DocumentKind.INVOICE, 12) == "INV-0000012"
    assert format_invoice_number(DocumentKind.CREDIT_NOTE, 3) == "CN-0000003"
