"""Real-socket stand-ins for the hardware and the server: a fake Zebra on TCP, a fake WMS API."""

from __future__ import annotations

import socket
import threading
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
                while b"~HS" in data:
                    before, _, data = data.partition(b"~HS")
                    self._record(before)
                    self.status_queries += 1
                    if not self.state.silent:
                        conn.sendall(host_status_answer(self.state))
        self._record(data)

    def _record(self, data: bytes) -> None:
        if data:
            with self._received:
                self.jobs.append(data)
                self._received.notify_all()
