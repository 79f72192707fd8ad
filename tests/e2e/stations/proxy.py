"""A TCP relay between a station and the server that can lose the answer to one scan."""

from __future__ import annotations

import contextlib
import socket
import threading


class AnswerLosingProxy:
    """Relays every connection to the server; when armed, the next scan is applied by the server
    but its answer never reaches the station (the connection is cut instead): what a station
    sees when the server dies between committing a scan and answering it.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._armed = threading.Event()
        self.answer_lost = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lose_next_scan_answer(self) -> None:
        self.answer_lost.clear()
        self._armed.set()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()  # the server is down: the station sees a dropped connection
                continue
            upstream.settimeout(None)
            cut = threading.Event()
            threading.Thread(
                target=self._requests, args=(client, upstream, cut), daemon=True
            ).start()
            threading.Thread(
                target=self._answers, args=(upstream, client, cut), daemon=True
            ).start()

    def _requests(
        self, client: socket.socket, upstream: socket.socket, cut: threading.Event
    ) -> None:
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                if self._armed.is_set() and b"POST /api/v1/scan " in data:
                    self._armed.clear()
                    cut.set()
                upstream.sendall(data)
        _close(upstream)

    def _answers(
        self, upstream: socket.socket, client: socket.socket, cut: threading.Event
    ) -> None:
        with contextlib.suppress(OSError):
            while data := upstream.recv(65536):
                if cut.is_set():
                    self.answer_lost.set()  # the server answered: it applied the scan
                    break
                client.sendall(data)
        _close(client)
        _close(upstream)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
