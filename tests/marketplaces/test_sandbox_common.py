"""What every sandbox shares: inspection, seed/reset, faults, latency, the CLI and process mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from tests.marketplaces.conftest import OZON_WAREHOUSE, Control
from tests.support import free_port
from wms.cli.sandbox import sandbox_cmd
from wms.sandbox import ozon as ozon_sandbox
from wms.sandbox.core import SandboxOptions
from wms.sandbox.ozon_data import DEFAULT_API_KEY, DEFAULT_CLIENT_ID

HEADERS = {"Client-Id": DEFAULT_CLIENT_ID, "Api-Key": DEFAULT_API_KEY}
PUSH = {"stocks": [{"offer_id": "OZ-001", "stock": 3, "warehouse_id": OZON_WAREHOUSE}]}
ROOT = Path(__file__).resolve().parents[2]


def test_the_sandbox_keeps_what_it_was_told_until_reset(ozon, ozon_control):
    with httpx.Client(base_url=ozon.url, headers=HEADERS) as http:
        assert http.post("/v2/products/stocks", json=PUSH).status_code == 200
    assert ozon_control.stock()["accounts"]["Demo seller"]["warehouses"][str(OZON_WAREHOUSE)] == {
        "OZ-001": 3
    }
    counts = ozon_control.requests()
    assert counts["total"] == 1
    assert counts["answers"] == {"POST /v2/products/stocks 200": 1}

    ozon_control.reset()
    assert ozon_control.stock()["accounts"]["Demo seller"]["warehouses"][str(OZON_WAREHOUSE)] == {}
    assert ozon_control.requests()["total"] == 0
    assert ozon_control.http.get("/_sandbox/health").json() == {"ok": True, "sandbox": "ozon"}


def test_a_bad_seed_is_refused_with_400(ozon_control):
    response = ozon_control.http.post("/_sandbox/seed", json={"accounts": [{"api_key": "x"}]})
    assert response.status_code == 400
    assert list(ozon_control.stock()["accounts"]) == ["Demo seller"]


def test_fail_rate_one_fails_every_api_call_but_never_the_control_routes():
    options = {"fail_rate": 1.0, "fault_kinds": ("500",)}
    with (
        ozon_sandbox.start_in_thread(**options) as handle,
        httpx.Client(base_url=handle.url) as http,
    ):
        answers = [http.post("/v2/products/stocks", json=PUSH, headers=HEADERS) for _ in range(3)]
        assert [r.status_code for r in answers] == [500, 500, 500]
        assert answers[0].json()["code"] == 13  # rpcStatus even for faults
        assert http.get("/_sandbox/requests").json()["faults"] == {"500": 3}


def test_random_faults_are_repeatable_with_a_seed():
    def run() -> list[int]:
        with (
            ozon_sandbox.start_in_thread(
                fail_rate=0.5, fault_kinds=("429", "503"), fault_seed=7
            ) as h,
            httpx.Client(base_url=h.url, headers=HEADERS) as http,
        ):
            return [http.post("/v1/returns/list", json={"limit": 1}).status_code for _ in range(12)]

    first = run()
    assert first == run()
    assert {429, 503} & set(first)
    assert 200 in first


def test_latency_delays_every_api_request():
    with (
        ozon_sandbox.start_in_thread(latency_ms=150) as handle,
        httpx.Client(base_url=handle.url) as http,
    ):
        started = time.monotonic()
        http.post("/v1/returns/list", json={"limit": 1}, headers=HEADERS)
        assert time.monotonic() - started >= 0.15


def test_a_timeout_fault_outlasts_the_client_and_stop_does_not_wait_for_it():
    handle = ozon_sandbox.start_in_thread(timeout_sleep=60)
    control = Control(handle)
    control.faults("timeout")
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{handle.url}/v1/returns/list", json={"limit": 1}, headers=HEADERS, timeout=0.3)
    control.close()
    started = time.monotonic()
    handle.stop()
    assert time.monotonic() - started < 5


def test_a_dropped_connection_is_a_disconnect_for_the_client(ozon, ozon_control):
    ozon_control.faults("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(f"{ozon.url}/v1/returns/list", json={"limit": 1}, headers=HEADERS)
    assert ozon_control.requests()["faults"] == {"drop": 1}


def test_options_are_checked():
    with pytest.raises(ValueError, match="fail rate"):
        SandboxOptions(fail_rate=1.5)
    with pytest.raises(ValueError, match="unknown fault kinds"):
        SandboxOptions(fault_kinds=("teapot",))


def test_the_cli_lists_the_sandboxes_and_their_options():
    runner = CliRunner()
    result = runner.invoke(sandbox_cmd, ["--help"])
    assert result.exit_code == 0
    assert all(name in result.output for name in ("kaspi", "wildberries", "ozon"))
    result = runner.invoke(sandbox_cmd, ["kaspi", "--help"])
    for option in ("--port", "--fail-rate", "--latency", "--time-scale", "--feed-url", "--seed"):
        assert option in result.output
    assert "--strict-contract" in runner.invoke(sandbox_cmd, ["wildberries", "--help"]).output


@pytest.mark.parametrize(
    "args",
    [["ozon", "--fail-rate", "2"], ["ozon", "--faults", "500,teapot"], ["ozon", "--port", "x"]],
)
def test_the_cli_refuses_bad_options(args):
    result = CliRunner().invoke(sandbox_cmd, args)
    assert result.exit_code == 2


@pytest.mark.e2e
def test_a_sandbox_runs_as_a_process_with_a_seed_file(tmp_path):
    seed = {"accounts": [{"client_id": "7", "api_key": "k7", "warehouses": [5],
                          "products": [{"offer_id": "P-1"}]}]}  # fmt: skip
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(seed), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wms.sandbox.ozon",
            "--port",
            str(port),
            "--seed",
            str(seed_file),
            "--time-scale",
            "10",
        ],  # fmt: skip
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/_sandbox/health")
        body = {"stocks": [{"offer_id": "P-1", "stock": 9, "warehouse_id": 5}]}
        answer = httpx.post(
            f"{url}/v2/products/stocks", json=body, headers={"Client-Id": "7", "Api-Key": "k7"}
        )
        assert answer.json()["result"][0]["updated"] is True
        assert httpx.get(f"{url}/_sandbox/stock").json()["accounts"]["7"]["warehouses"]["5"] == {
            "P-1": 9
        }
        assert httpx.get(f"{url}/_sandbox/config").json()["time_scale"] == 10
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert process.returncode == 0, output
    assert f"ozon sandbox listening on http://127.0.0.1:{port}" in output


def wait_for(url: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout} s")
