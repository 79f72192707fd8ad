"""Real-socket stand-ins for the hardware and the server: a fake Zebra on TCP, a fake WMS API."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

STX, ETX = b"\x02", b"\x03"


@dataclass
class ZebraState:
    """What the fake printer reports; `silent` mimics a Zebra that ignores ~HS (media out)."""

    paper_out: bool = False
    paused: bool = False
    head_open: bool = False
    ribbon_out: bool = False
    silent: bool = False
    labels_remaining: int = 0
    #: Answer `~HQOD` (newer firmware); otherwise the query is swallowed, like an unknown command.
    answers_odometer: bool = False
    #: Label length fed per printed format, for the odometer (inches, like the print meters).
    label_inches: float = 40 / 25.4


def odometer_answer(inches: int) -> bytes:
    """A `~HQOD` answer: the print meters, non-resettable total first."""
    body = (
        "PRINT METERS\r\n"
        f'   TOTAL NONRESETTABLE:   {inches} "\r\n'
        f'   USER RESETTABLE CNTR1: {inches} "\r\n'
        f'   USER RESETTABLE CNTR2: {inches} "\r\n'
    )
    return STX + b"\r\n" + body.encode() + ETX + b"\r\n"


def host_status_answer(state: ZebraState) -> bytes:
    """The documented three-line `~HS` answer, each line STX…ETX CR LF."""
    b = lambda flag: "1" if flag else "0"  # noqa: E731
    line1 = f"030,{b(state.paper_out)},{b(state.paused)},1245,000,0,0,0,000,0,0,0"
    remaining = f"{state.labels_remaining:08d}"
    line2 = f"000,0,{b(state.head_open)},{b(state.ribbon_out)},0,2,4,0,{remaining},1,000"
    line3 = "1234,0"
    return b"".join(STX + line.encode() + ETX + b"\r\n" for line in (line1, line2, line3))


@dataclass
class FakeZebra:
    """A TCP 9100 printer: answers `~HS`, records every other byte it receives as jobs."""

    state: ZebraState = field(default_factory=ZebraState)
    jobs: list[bytes] = field(default_factory=list)
    status_queries: int = 0
    #: After recording job number `hold_job` (1-based), keep its connection open this long.
    hold_job: int | None = None
    hold_seconds: float = 0.0
    printed_inches: float = 0.0

    def __post_init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._lock = threading.Lock()
        self._received = threading.Condition(self._lock)
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def wait_jobs(self, count: int, timeout: float = 5.0) -> list[bytes]:
        with self._received:
            self._received.wait_for(lambda: len(self.jobs) >= count, timeout)
            return list(self.jobs)

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        # One connection at a time, like the raw port of a real printer: jobs are recorded in
        # the order they were sent, not in the order concurrent readers happen to finish.
        while True:
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
            while chunk := conn.recv(4096):
                data += chunk
                while b"~HQOD" in data:
                    before, _, data = data.partition(b"~HQOD")
                    self._record(before)
                    if self.state.answers_odometer and not self.state.silent:
                        conn.sendall(odometer_answer(int(self.printed_inches)))
                while b"~HS" in data:
                    before, _, data = data.partition(b"~HS")
                    self._record(before)
                    self.status_queries += 1
                    if not self.state.silent:
                        conn.sendall(host_status_answer(self.state))
            if self._record(data) and len(self.jobs) == self.hold_job:
                time.sleep(self.hold_seconds)  # the job printed; the sender hears nothing yet

    def _record(self, data: bytes) -> bool:
        if not data:
            return False
        with self._received:
            self.jobs.append(data)
            self.printed_inches += data.count(b"^XZ") * self.state.label_inches
            self._received.notify_all()
        return True
