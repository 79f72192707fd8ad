"""A station in this process on real devices: a pty scanner, a TCP Zebra, the real server."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labels.zpl import bc_data
from stations.journal import EventStatus, JournalEntry
from stations.loop import Station
from stations.settings import load_station_settings
from tests.e2e.stations.site import WmsServer
from tests.stations import station_kit
from tests.stations.fakes import FakeZebra
from tests.stations.ptys import Pty, open_pty, point_link
from tests.stations.station_kit import RecordingView
from tests.unit.labels.samples import check_zpl

__all__ = ["Label", "StationRig", "bc_data", "labels_of", "wait_for"]

# Generous: these tests share two cores with the rest of the suite; a timeout only ends a failure.
WAIT_SECONDS = 20.0


def wait_for(condition: Callable[[], bool], timeout: float = WAIT_SECONDS) -> None:
    """Poll until the condition holds (AssertionError after the timeout)."""
    station_kit.wait_for(condition, timeout)


# ^BC field data: start (>9 >: >;) and code-set switch (>5 >6 >7) codes around the text.
_CODE128_CODES = re.compile(r">[9:;567]")
_BARCODE_FIELD = re.compile(r"\^BC[^\^]*\^FD(.*?)\^FS", re.DOTALL)


@dataclass(frozen=True)
class Label:
    """One ZPL job the printer received, checked for structure and read back."""

    zpl: str
    texts: list[str]
    barcodes: list[str]  # Code 128 data, start and switch codes removed

    @property
    def kind(self) -> str:
        if "ВОЗВРАТНЫЙ ОРДЕР" in self.texts:
            return "return_slip"
        if any(t.startswith("Ресейл") for t in self.texts):
            return "resale_sticker"
        return "unit"

    @property
    def lpn(self) -> str | None:
        """The LPN of a unit label or resale sticker: barcode and caption must agree."""
        found = [b for b in self.barcodes if b.startswith("LPN")]
        if not found:
            return None
        (lpn,) = found
        assert lpn in self.texts, f"LPN {lpn} barcode without its caption"
        assert f"^FD{bc_data(lpn)}^FS" in self.zpl
        return lpn


def labels_of(jobs: list[bytes]) -> list[Label]:
    """Every printed job as a Label (each must be one well-formed UTF-8 ZPL format)."""
    out = []
    for job in jobs:
        zpl = job.decode("utf-8")
        texts = check_zpl(zpl)
        barcodes = [_CODE128_CODES.sub("", d) for d in _BARCODE_FIELD.findall(zpl)]
        out.append(Label(zpl, texts, barcodes))
    return out


class StationRig:
    """A Station object wired to a pty (behind a symlink, like /dev/serial/by-id) and a Zebra."""

    def __init__(
        self,
        directory: Path,
        server: WmsServer,
        role: str,
        *,
        zebra: FakeZebra | None = None,
        **station: Any,
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.role = role
        self.pty: Pty = open_pty()
        self.link = directory / "scanner"
        point_link(self.link, self.pty.path)
        self.zebra = zebra or FakeZebra()
        self.view = RecordingView()
        settings = load_station_settings(
            env={},
            overrides={
                "station": {
                    "server_url": server.url,
                    "token": server.site.token(role),
                    "role": role,
                    "journal_path": str(directory / "journal.sqlite"),
                    "heartbeat_seconds": 0.3,
                    "request_timeout_seconds": 3.0,
                    **station,
                },
                "printer": {"url": self.zebra.url, "retry_seconds": 0.1},
                "scanner": {"url": str(self.link), "frame_gap_ms": 100},
            },
        )
        self.station = Station.from_settings(settings, view=self.view)
        self._thread: threading.Thread | None = None

    def start(self) -> StationRig:
        """Connect, start the station's threads and its scan loop."""
        assert self.station.connect(), "the server did not answer /stations/me"
        self.station.start()
        self._thread = threading.Thread(target=self.station.run, daemon=True)
        self._thread.start()
        wait_for(lambda: self.station.scanner.state.value == "ok")
        return self

    def stop(self) -> None:
        self.station.stop()
        if self._thread is not None:
            self._thread.join(5)
        self.station.client.close()
        self.station.journal.close()
        if not self.pty.closed:
            self.pty.unplug()
        self.zebra.close()

    # -- scanning ----------------------------------------------------------------------------

    @property
    def journal_size(self) -> int:
        return self.station.journal.last_seq()

    def send(self, data: bytes) -> None:
        """Bytes from the scanner, exactly as given."""
        self.pty.send(data)

    def scan(self, code: str, *, aim: str = "") -> dict[str, Any]:
        """One frame (AIM prefix, code, CR LF); wait until the server answered it; the answer."""
        before, shown = self.journal_size, len(self.view.answers())
        self.send((aim + code + "\r\n").encode("utf-8"))
        (entry,) = self.wait_settled(before, 1)
        # The journal is written before the screen: wait for the answer to be shown too.
        wait_for(lambda: len(self.view.answers()) > shown)
        assert entry.response is not None, f"{code!r}: no answer ({entry.status}, {entry.error})"
        return entry.response

    def ok(self, code: str, *, aim: str = "") -> dict[str, Any]:
        """A scan the server must accept (ok or action_required)."""
        answer = self.scan(code, aim=aim)
        assert answer["result"] != "error", f"{code!r}: {answer['prompt']['en']}"
        return answer

    def offline(self, code: str, *, aim: str = "") -> str:
        """A scan while the server is away: journalled and told, not answered; the prompt shown."""
        shown = len(self.view.answers())
        self.send((aim + code + "\r\n").encode("utf-8"))
        wait_for(lambda: len(self.view.answers()) > shown)
        result, prompt, _sound = self.view.answers()[shown]
        assert result == "offline", (result, prompt)
        return prompt

    def wait_settled(
        self, after_seq: int, count: int, timeout: float = WAIT_SECONDS
    ) -> list[JournalEntry]:
        """Wait until `count` scans after `after_seq` are journalled and answered by the server."""

        def settled() -> list[JournalEntry]:
            return [e for e in self.station.journal.entries() if e.seq > after_seq]

        wait_for(
            lambda: (
                len(found := settled()) >= count
                and all(e.status is not EventStatus.PENDING for e in found)
            ),
            timeout,
        )
        return settled()

    def printed(self, count: int, timeout: float = WAIT_SECONDS) -> list[Label]:
        """Wait until the printer has `count` jobs in all; every job as a Label."""
        wait_for(lambda: len(self.zebra.jobs) >= count, timeout)
        return labels_of(self.zebra.jobs)
