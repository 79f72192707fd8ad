"""Printers and print jobs in the domain: the job table pair by pair, addresses, names, sizes."""

from __future__ import annotations

import itertools

import pytest

from wms.domain import barcodes
from wms.domain.barcodes import CodeKind
from wms.domain.errors import IllegalTransition
from wms.domain.printing import (
    JOB_TRANSITIONS,
    InFlight,
    JobAction,
    JobState,
    PrinterSetupError,
    next_job_state,
    normalise_name,
    parse_label_size,
    parse_uri,
    resolve_in_flight,
)

S, A = JobState, JobAction
EXPECTED = {
    (S.QUEUED, A.SEND): S.SENDING,
    (S.QUEUED, A.CANCEL): S.CANCELLED,
    (S.SENDING, A.CONFIRM): S.PRINTED,
    (S.SENDING, A.SEND_FAILED): S.QUEUED,
    (S.SENDING, A.NOT_PRINTED): S.QUEUED,
    (S.SENDING, A.RESEND): S.QUEUED,
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(JobState, JobAction)))
def test_every_job_state_action_pair(state: JobState, action: JobAction) -> None:
    if (state, action) in EXPECTED:
        assert next_job_state(state, action) is EXPECTED[(state, action)]
    else:
        with pytest.raises(IllegalTransition) as caught:
            next_job_state(state, action)
        assert caught.value.params == {"state": state.value, "action": action.value}


def test_job_table_is_exactly_the_design_and_printed_jobs_are_final() -> None:
    assert dict(JOB_TRANSITIONS) == EXPECTED
    assert not [a for (s, a) in JOB_TRANSITIONS if s in (S.PRINTED, S.CANCELLED)]


@pytest.mark.parametrize(
    ("before", "now", "expected"),
    [
        (100, 101, InFlight.PRINTED),
        (100, 103, InFlight.PRINTED),
        (100, 100, InFlight.NOT_PRINTED),
        (None, 100, InFlight.UNKNOWN),
        (100, None, InFlight.UNKNOWN),
    ],
)
def test_in_flight_job_is_resolved_by_the_odometer(
    before: int | None, now: int | None, expected: InFlight
) -> None:
    assert resolve_in_flight(before, now) is expected


def test_printer_addresses() -> None:
    assert parse_uri("tcp://10.0.0.21:9100").uri == "tcp://10.0.0.21:9100"
    assert parse_uri("tcp://zebra-2").uri == "tcp://zebra-2:9100"
    assert parse_uri("cups://Office_PDF").uri == "cups://Office_PDF"
    for bad in ("http://x", "tcp://", "tcp://h:99999", "cups://", "cups://a b", "10.0.0.1", ""):
        with pytest.raises(PrinterSetupError):
            parse_uri(bad)


def test_printer_names_and_label_sizes() -> None:
    assert normalise_name(" zebra-1 ") == "ZEBRA-1"
    assert normalise_name("PRN-Z2") == "Z2"
    for bad in ("", "-X", "ZEBRA 1", "Зебра", "X" * 31):
        with pytest.raises(PrinterSetupError):
            normalise_name(bad)
    assert parse_label_size("58x40") == (58, 40)
    assert parse_label_size("100X150") == (100, 150)
    for bad in ("58", "5x4", "58x40mm", "999x40"):
        with pytest.raises(PrinterSetupError):
            parse_label_size(bad)


def test_printer_label_code_is_its_own_kind() -> None:
    found = barcodes.classify("PRN-ZEBRA-1\r")
    assert (found.kind, found.value) == (CodeKind.PRINTER, "PRN-ZEBRA-1")
    assert barcodes.classify("]C0prn-zebra-1").kind is CodeKind.PRINTER  # Caps Lock
    assert barcodes.is_unique_code(found)
    assert barcodes.classify("PRN-").kind is CodeKind.UNKNOWN
