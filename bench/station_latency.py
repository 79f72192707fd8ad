"""Station latency: scan bytes into a pty → label bytes out of the printer socket.

A real `Station` reads EAN frames from a pseudo-terminal (pyserial), journals each scan, sends it
to the WMS (gunicorn on loopback, SQLite) during a receipt, renders the unit label it gets back
and sends it to a Zebra-like TCP printer that answers `~HS`. Each sample is the time from
writing a frame into the pty to the printer receiving the complete label; scans go one at a
time, as an operator scans.

Floors measured in the same run:
- `echo`: the same station, pty, journal, renderer and printer, but the client answers each scan
  itself with a ready-made unit label (no HTTP, no server): what the station costs on its own;
- `http_rtt`: a bare keep-alive HTTP round trip to the same server (`GET /healthz`).
`scan_http` is the part of each sample spent in `POST /api/v1/scan` (the server's share).
`camera_*`: the same server run with the station filming the receipt (ffmpeg's test picture,
640×360 at 15 fps, H.264 on this machine's CPU), as a receipt station with a camera does; the
clip is uploaded after the receipt. `p99_ratio_camera_vs_off` compares it with the run without.

Prints one JSON line on stdout (progress on stderr). `--quick` takes well under a minute.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tty
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# A sibling script is named like the `labels` package: keep this folder off the import path.
_HERE = Path(__file__).resolve().parent
_REPO = _HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_REPO))

import httpx  # noqa: E402

from labels.layouts import unit_label  # noqa: E402
from stations.client import ScanResponse, StationClient  # noqa: E402
from stations.loop import Station  # noqa: E402
from stations.settings import load_station_settings  # noqa: E402
from stations.ui import Screen  # noqa: E402

BIN = Path(sys.executable).parent
HS_LINES = (b"030,0,0,1245,000,0,0,0,000,0,0,0", b"000,0,0,0,0,2,4,0,00000000,1,000", b"1234,0")
HS_OK = b"".join(b"\x02" + line + b"\x03\r\n" for line in HS_LINES)  # ~HS: ready, no errors
_LPN = re.compile(rb"\^FDLPN(\d{10})\^FS")
CAMERA = "lavfi:testsrc=size=640x360:rate=15"


_T0 = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (linear between closest ranks), in milliseconds."""
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    value = ordered[low] + (ordered[high] - ordered[low]) * (position - low)
    return round(value * 1000, 2)


# -- the printer ---------------------------------------------------------------------------------


class Zebra:
    """TCP 9100 printer: answers `~HS` (ready), timestamps each complete job."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._server.getsockname()[1])
        self.jobs: list[tuple[float, bytes]] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def wait(self, count: int, timeout: float = 30.0) -> tuple[float, bytes]:
        """The arrival time and bytes of job number `count` (1-based)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.jobs) >= count, timeout):
                raise TimeoutError(f"label {count} never reached the printer")
            return self.jobs[count - 1]

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while True:  # one connection at a time, like a printer's raw port
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            try:
                self._serve(conn)
            except OSError:
                continue

    def _serve(self, conn: socket.socket) -> None:
        data = b""
        with conn:
            while chunk := conn.recv(65536):
                data += chunk
                if data == b"~HS":
                    conn.sendall(HS_OK)
                    data = b""
        if data:
            done = time.perf_counter()  # the job is complete when the station closes its side
            with self._cond:
                self.jobs.append((done, data))
                self._cond.notify_all()


# -- the server ----------------------------------------------------------------------------------


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WMS_")}
    env.update(
        WMS_CONFIG="",
        WMS_DATABASE__URL=f"sqlite:///{db}",
        WMS_SERVER__SECRET_KEY="bench-" + uuid.uuid4().hex,
        WMS_SECURITY__ARGON2_TIME_COST="1",
        WMS_SECURITY__ARGON2_MEMORY_KIB="8192",
        PYTHONPATH=str(_REPO),
    )
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def wms_server(workdir: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Migrate, seed the demo data, serve with gunicorn; yields (URL, `wms demo --json`)."""
    env = _env(workdir / "wms.sqlite")
    wms = str(BIN / "wms")
    subprocess.run([wms, "db", "upgrade"], env=env, check=True, capture_output=True)
    demo = subprocess.run([wms, "demo", "--json"], env=env, check=True, capture_output=True)
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
        "--worker-class", "gthread", "--workers", "1", "--threads", "4",
        "--keep-alive", "30", "--chdir", str(_REPO), "wms:create_app()",
    ]  # fmt: skip
    out = (workdir / "server.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((workdir / "server.log").read_text()[-2000:])
            time.sleep(0.1)
        yield url, json.loads(demo.stdout)
    finally:
        server.terminate()
        server.wait(15)
        out.close()


# -- the station ---------------------------------------------------------------------------------


class QuietView:
    """The station's screen, not drawn: the bench measures the work, not a terminal."""

    def show(self, screen: Screen, sound: str | None) -> None:
        pass

    def close(self) -> None:
        pass


class EchoClient(StationClient):
    """Answers every call itself: a unit label for each product scan, like the server would."""

    def __init__(self) -> None:
        super().__init__("http://echo.invalid", "st_echo")
        self._next = 1

    def request(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        if path == "/stations/me":
            station = {"name": "echo", "role": "receipt", "language": "ru"}
            return {"station": station, "api_version": 1}
        if path == "/stations/lpn-block":
            return {"first": "LPN9000000000", "last": "LPN9000000199", "count": 200}
        if path != "/scan" or body is None:
            return None
        lpn = f"LPN{self._next:010d}"
        self._next += 1
        label = unit_label(
            lpn=lpn, sku="ALT-HP-01", title="Наушники беспроводные Qulaq Pro",
            order_code="RO-0000001", received_on="2025-01-31", merchant="ALTYN",
        )  # fmt: skip
        return {
            "result": "ok",
            "prompt": {"ru": f"{lpn}: принято", "en": f"{lpn}: received", "kk": lpn},
            "sound": "ok",
            "print": [label.to_dict()],
            "context": {"unit": {"lpn": lpn}},
        }


class TimedClient(StationClient):
    """The real HTTP client, timing each scan's round trip to the server."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(url, token, timeout=10)
        self.samples: list[float] = []

    def scan(self, payload: Mapping[str, Any]) -> ScanResponse:
        began = time.perf_counter()
        try:
            return super().scan(payload)
        finally:
            self.samples.append(time.perf_counter() - began)


class Rig:
    """A running Station on a pty scanner and the bench's printer."""

    def __init__(
        self,
        workdir: Path,
        url: str,
        token: str,
        client: StationClient | None,
        camera: str = "",
    ) -> None:
        master, slave = os.openpty()
        tty.setraw(master)
        self.master, self.slave = master, slave
        self.printer = Zebra()
        settings = load_station_settings(
            env={},
            overrides={
                "station": {
                    "server_url": url,
                    "token": token,
                    "role": "receipt",
                    "journal_path": str(workdir / f"journal-{uuid.uuid4().hex[:8]}.sqlite"),
                },
                "printer": {"url": f"tcp://127.0.0.1:{self.printer.port}", "retry_seconds": 0.05},
                "scanner": {"url": os.ttyname(slave), "frame_gap_ms": 300},
                "camera": {"source": camera, "dir": str(workdir / "clips")},
            },
        )
        self.station = Station.from_settings(settings, client=client, view=QuietView())
        self.printed = 0

    def __enter__(self) -> Rig:
        if not self.station.connect():
            raise RuntimeError("the server did not answer /stations/me")
        self.station.start()
        threading.Thread(target=self.station.run, daemon=True).start()
        deadline = time.monotonic() + 10
        while self.station.scanner.state.value != "ok":
            if time.monotonic() > deadline:
                raise RuntimeError("the scanner did not open")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.station.stop()
        self.station.client.close()
        self.station.journal.close()
        os.close(self.master)
        os.close(self.slave)
        self.printer.close()

    def command(self, code: str) -> None:
        """A scan that prints nothing (badge, CMD:BLIND): wait until the server answered it."""
        seq = self.station.journal.last_seq()
        os.write(self.master, code.encode() + b"\r\n")
        deadline = time.monotonic() + 10
        while True:
            entries = [e for e in self.station.journal.entries() if e.seq > seq]
            if entries and entries[-1].response is not None:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer to {code}")
            time.sleep(0.005)

    def scan_to_label(self, code: str) -> float:
        """Seconds from the frame entering the pty to its label leaving the printer socket."""
        frame = code.encode() + b"\r\n"
        began = time.perf_counter()
        os.write(self.master, frame)
        self.printed += 1
        done, job = self.printer.wait(self.printed)
        if not _LPN.search(job):
            raise RuntimeError(f"label without an LPN: {job[:80]!r}")
        return done - began


def measure(rig: Rig, ean: str, warmup: int, count: int) -> list[float]:
    """Warm up, then time `count` scans one after the other."""
    for _ in range(warmup):
        rig.scan_to_label(ean)
    return [rig.scan_to_label(ean) for _ in range(count)]


def http_round_trips(url: str, count: int) -> list[float]:
    """A bare keep-alive HTTP round trip to the same server."""
    samples = []
    with httpx.Client(base_url=url) as http:
        for _ in range(20):
            http.get("/healthz")
        for _ in range(count):
            began = time.perf_counter()
            http.get("/healthz").raise_for_status()
            samples.append(time.perf_counter() - began)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 scans instead of 1000")
    parser.add_argument("--scans", type=int, help="how many scans to time")
    parser.add_argument(
        "--camera", default=CAMERA, help="camera source of the filmed run ('' to skip it)"
    )
    args = parser.parse_args()
    count = args.scans or (100 if args.quick else 1000)
    warmup = 10 if args.quick else 30
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="station-latency-") as tmp:
        workdir = Path(tmp)
        with wms_server(workdir) as (url, demo):
            token = next(s["token"] for s in demo["stations"] if s["role"] == "receipt")
            ean = next(s["barcodes"][0] for s in demo["skus"] if s["sku"] == "ALT-HP-01")
            log(f"server up at {url}; echo floor: {count} scans")
            with Rig(workdir, url, "st_echo", EchoClient()) as rig:
                echo = measure(rig, ean, warmup, count)
            log(f"server: {count} scans of a blind receipt")
            client = TimedClient(url, token)
            with Rig(workdir, url, token, client) as rig:
                rig.command("OP-0001")
                rig.command("CMD:BLIND")
                real = measure(rig, ean, warmup, count)
                rig.command("CMD:CLOSE")  # its slip prints here, not in the next run
            scan_http = client.samples[-count:]
            filmed: list[float] = []
            if args.camera:
                log(f"server, filmed by {args.camera}: {count} scans of a blind receipt")
                with Rig(workdir, url, token, TimedClient(url, token), args.camera) as rig:
                    rig.command("CMD:BLIND")
                    filmed = measure(rig, ean, warmup, count)
                    if rig.station.camera is None or not rig.station.camera.recording:
                        raise RuntimeError("the camera was not recording the receipt")
            rtt = http_round_trips(url, count)
    p50, p99 = percentile(real, 50), percentile(real, 99)
    echo_p50, echo_p99 = percentile(echo, 50), percentile(echo, 99)
    result = {
        "bench": "station_latency",
        "quick": args.quick,
        "scans": count,
        "p50_ms": p50,
        "p99_ms": p99,
        "max_ms": round(max(real) * 1000, 2),
        "mean_ms": round(statistics.fmean(real) * 1000, 2),
        "echo_p50_ms": echo_p50,
        "echo_p99_ms": echo_p99,
        "scan_http_p50_ms": percentile(scan_http, 50),
        "scan_http_p99_ms": percentile(scan_http, 99),
        "http_rtt_p50_ms": percentile(rtt, 50),
        "http_rtt_p99_ms": percentile(rtt, 99),
        "p50_ratio_vs_echo": round(p50 / echo_p50, 2) if echo_p50 else None,
        "p99_ratio_vs_echo": round(p99 / echo_p99, 2) if echo_p99 else None,
        "camera_p50_ms": percentile(filmed, 50) if filmed else None,
        "camera_p99_ms": percentile(filmed, 99) if filmed else None,
        "p99_ratio_camera_vs_off": round(percentile(filmed, 99) / p99, 2) if filmed else None,
        "camera": args.camera or None,
        "server": "gunicorn gthread 1x4, SQLite, loopback",
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
