"""Schemathesis over every operation of our OpenAPI document, inside pytest, against the WSGI app.

Each (database, caller) pair is one test: the demo data is seeded once, then every operation gets
property-based requests — valid ones and, for each, deliberately invalid ones — checked for
server errors, documented status codes, content types and response schemas.

CI runs a small, derandomised budget (`WMS_FUZZ_EXAMPLES`, default 8 per operation and mode);
a longer hunt: `WMS_FUZZ_EXAMPLES=300 WMS_FUZZ_SEED=random pytest tests/integration/test_fuzz.py`.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("WMS_FUZZ_EXAMPLES", "8"))
SEED = os.environ.get("WMS_FUZZ_SEED", "11")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CALLERS = ["station", "integration", "anonymous"]
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@schemathesis.serializer("video/mp4")
def _video(ctx: Any, value: Any) -> bytes:
    """A clip body: whatever the fuzzer generated, sent as the raw bytes of a "video"."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8", "surrogatepass")


def _headers(caller: str, demo: dict[str, Any]) -> dict[str, str]:
    if caller == "station":
        token = next(s["token"] for s in demo["stations"] if s["role"] == "universal")
        return {"Authorization": f"Bearer {token}"}
    if caller == "integration":
        return {"Authorization": f"Bearer {demo['integration']['token']}"}
    return {}


def _fuzz(
    operation: Any, mode: GenerationMode, headers: dict[str, str], statuses: list[int]
) -> None:
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=SEED != "random",
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        # The caller's credentials win over any Authorization header the fuzzer generated.
        case.headers = {**(case.headers or {}), **headers}
        response = case.call()
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    if SEED != "random":
        run = seed(int(SEED))(run)
    run()


@pytest.mark.parametrize("caller", CALLERS)
def test_every_operation_survives_the_fuzzer(app: Any, demo: dict[str, Any], caller: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = _headers(caller, demo)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures: list[str] = []
    statuses: list[int] = []
    for operation in operations:
        for mode in MODES:
            try:
                _fuzz(operation, mode, headers, statuses)
            except Exception as exc:  # noqa: BLE001 - every operation is fuzzed, then reported
                failures.append(f"{operation.label} [{mode.value}]: {exc}"[:3000])
    assert not failures, "\n\n".join(failures)
    # The run did reach the views: requests were sent and some got past authentication.
    assert len(statuses) >= len(operations) * len(MODES)
    assert 500 not in statuses
    if caller != "anonymous":
        assert any(status < 300 for status in statuses), sorted(set(statuses))


def test_stateful_integration_runs_follow_the_api_links(app: Any, demo: dict[str, Any]) -> None:
    """Announce → read the return → list its state; book stock → read the stock (OpenAPI links)."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = _headers("integration", demo)
    statuses: list[int] = []

    class Integration(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, *args: Any, **kwargs: Any) -> None:
            statuses.append(response.status_code)
            case.validate_response(response, checks=CHECKS)

    Integration.run(
        settings=settings(
            max_examples=max(2, EXAMPLES // 2),
            stateful_step_count=6,
            deadline=None,
            database=None,
            derandomize=SEED != "random",
            suppress_health_check=list(HealthCheck),
        )
    )
    assert 500 not in statuses
    assert any(status < 300 for status in statuses), sorted(set(statuses))
