"""Sandboxes on real sockets, adapters pointed at them, and the WB contract recorder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from wms.adapters.marketplaces.kaspi import KaspiAdapter, KaspiCredentials
from wms.adapters.marketplaces.ozon import OzonAdapter, OzonCredentials
from wms.adapters.marketplaces.wildberries import WildberriesAdapter, WildberriesCredentials
from wms.sandbox import kaspi as kaspi_sandbox
from wms.sandbox import ozon as ozon_sandbox
from wms.sandbox import wildberries as wb_sandbox
from wms.sandbox.kaspi_data import DEFAULT_TOKEN as KASPI_TOKEN
from wms.sandbox.openapi import OpenApiContract
from wms.sandbox.ozon_data import DEFAULT_API_KEY, DEFAULT_CLIENT_ID
from wms.sandbox.server import SandboxHandle
from wms.sandbox.wb_data import DEFAULT_TOKEN as WB_TOKEN

WB_WAREHOUSE = 658_434
OZON_WAREHOUSE = 22_142_605_386_000


class Control:
    """The `/_sandbox/*` routes of one sandbox."""

    def __init__(self, handle: SandboxHandle) -> None:
        self.handle = handle
        self.http = httpx.Client(base_url=handle.url, timeout=10)

    def seed(self, data: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post("/_sandbox/seed", json=data)
        assert response.status_code == 200, response.text
        return dict(response.json()["loaded"])

    def stock(self) -> dict[str, Any]:
        return dict(self.http.get("/_sandbox/stock").json())

    def requests(self, log: bool = False) -> dict[str, Any]:
        return dict(self.http.get("/_sandbox/requests", params={"log": "1" if log else "0"}).json())

    def log(self, route: str | None = None) -> list[dict[str, Any]]:
        entries = self.requests(log=True)["log"]
        return [e for e in entries if route is None or e["route"] == route]

    def faults(self, *kinds: str) -> None:
        assert self.http.post("/_sandbox/faults", json={"next": list(kinds)}).status_code == 200

    def reset(self) -> None:
        assert self.http.post("/_sandbox/reset").status_code == 200

    def close(self) -> None:
        self.http.close()


class ContractRecorder:
    """An httpx request hook checking every WB request against the official OpenAPI files."""

    def __init__(self, contract: OpenApiContract) -> None:
        self.contract = contract
        self.seen: list[str] = []
        self.violations: list[str] = []

    def __call__(self, request: httpx.Request) -> None:
        if request.url.path.startswith("/_sandbox/"):
            return
        body = json.loads(request.content) if request.content else None
        query: dict[str, list[str]] = {}
        for name, value in request.url.params.multi_items():
            query.setdefault(name, []).append(value)
        problems = self.contract.request_errors(request.method, request.url.path, query, body)
        self.seen.append(f"{request.method} {request.url.path}")
        self.violations.extend(f"{request.method} {request.url.path}: {p}" for p in problems)


@pytest.fixture(scope="session")
def strict_contract() -> OpenApiContract:
    return OpenApiContract.for_wildberries(strict=True)


@pytest.fixture
def contract_recorder(strict_contract: OpenApiContract) -> Iterator[ContractRecorder]:
    recorder = ContractRecorder(strict_contract)
    yield recorder
    assert not recorder.violations, "\n".join(recorder.violations)


@pytest.fixture
def wb() -> Iterator[SandboxHandle]:
    with wb_sandbox.start_in_thread(strict_contract=True) as handle:
        yield handle


@pytest.fixture
def wb_control(wb: SandboxHandle) -> Iterator[Control]:
    control = Control(wb)
    yield control
    control.close()


@pytest.fixture
def wb_http(contract_recorder: ContractRecorder) -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5, event_hooks={"request": [contract_recorder]}) as client:
        yield client


@pytest.fixture
def wb_adapter(wb: SandboxHandle, wb_http: httpx.Client) -> Iterator[WildberriesAdapter]:
    adapter = WildberriesAdapter(WildberriesCredentials(WB_TOKEN), base_url=wb.url, client=wb_http)
    yield adapter
    adapter.close()


@pytest.fixture
def ozon() -> Iterator[SandboxHandle]:
    with ozon_sandbox.start_in_thread() as handle:
        yield handle


@pytest.fixture
def ozon_control(ozon: SandboxHandle) -> Iterator[Control]:
    control = Control(ozon)
    yield control
    control.close()


@pytest.fixture
def ozon_adapter(ozon: SandboxHandle) -> Iterator[OzonAdapter]:
    credentials = OzonCredentials(DEFAULT_CLIENT_ID, DEFAULT_API_KEY)
    adapter = OzonAdapter(credentials, base_url=ozon.url, timeout=5)
    yield adapter
    adapter.close()


@pytest.fixture
def kaspi() -> Iterator[SandboxHandle]:
    # No demo seed: each test seeds exactly the orders it counts.
    with kaspi_sandbox.start_in_thread(seed={"merchants": []}, poll_interval=0) as handle:
        yield handle


@pytest.fixture
def kaspi_control(kaspi: SandboxHandle) -> Iterator[Control]:
    control = Control(kaspi)
    yield control
    control.close()


@pytest.fixture
def kaspi_adapter(kaspi: SandboxHandle) -> Iterator[KaspiAdapter]:
    adapter = KaspiAdapter(KaspiCredentials(KASPI_TOKEN), base_url=kaspi.url, timeout=5)
    yield adapter
    adapter.close()
