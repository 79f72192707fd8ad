"""The HTTP client against a real local server: offline vs refused, token, API version."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from stations.client import (
    IncompatibleServer,
    RequestRejected,
    ServerUnreachable,
    StationClient,
    Unauthorized,
)
from tests.stations.fake_wms import TOKEN, FakeWms
from tests.support import free_port


@pytest.fixture
def wms() -> Iterator[FakeWms]:
    server = FakeWms().start()
    yield server
    server.stop()


def canned(status: int, body: bytes, delay: float = 0.0) -> tuple[str, ThreadingHTTPServer]:
    """A server that answers every request the same way (after `delay` seconds)."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            stop.wait(delay)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    httpd.stop_event = stop  # type: ignore[attr-defined]
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


def test_me_checks_the_api_version_and_sends_the_bearer_token(wms: FakeWms) -> None:
    client = StationClient(wms.url + "/", TOKEN)
    assert client.me()["station"]["role"] == "receipt"
    with pytest.raises(Unauthorized) as refused:
        StationClient(wms.url, "nope").me()
    assert refused.value.status == 401
    assert refused.value.code == "unauthorized"
    client.close()


def test_an_unknown_api_version_is_refused() -> None:
    url, httpd = canned(200, b'{"station": {}, "api_version": 2}')
    try:
        with pytest.raises(IncompatibleServer, match="2"):
            StationClient(url, TOKEN).me()
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, b"boom", ServerUnreachable),
        (503, b"", ServerUnreachable),
        (429, b"", ServerUnreachable),
        (302, b"", ServerUnreachable),
        (200, b"<html>proxy login</html>", ServerUnreachable),
        (422, b'{"error": {"code": "validation_error", "message": "bad", "details": []}}',
         RequestRejected),
        (404, b"not json", RequestRejected),
        (200, b'{"result": "maybe"}', RequestRejected),
    ],
)  # fmt: skip
def test_answers_are_sorted_into_offline_and_refused(
    status: int, body: bytes, error: type[Exception]
) -> None:
    url, httpd = canned(status, body)
    try:
        with pytest.raises(error) as caught:
            StationClient(url, TOKEN).scan({"event_id": "x"})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert not isinstance(caught.value, Unauthorized)
    if status == 422:
        assert isinstance(caught.value, RequestRejected)
        assert caught.value.code == "validation_error"


def test_connection_refused_and_timeouts_are_offline() -> None:
    with pytest.raises(ServerUnreachable):
        StationClient(f"http://127.0.0.1:{free_port()}", TOKEN, timeout=0.5).me()
    url, httpd = canned(200, b"{}", delay=2.0)
    try:
        with pytest.raises(ServerUnreachable):
            StationClient(url, TOKEN, timeout=0.3).me()
    finally:
        httpd.stop_event.set()  # type: ignore[attr-defined]
        httpd.shutdown()
        httpd.server_close()


def test_a_silent_listener_is_offline() -> None:
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    try:
        port = listener.getsockname()[1]
        with pytest.raises(ServerUnreachable):
            StationClient(f"http://127.0.0.1:{port}", TOKEN, timeout=0.3).heartbeat(
                queued=0, scanner="ok", printer="ok"
            )
    finally:
        listener.close()


def test_lpn_block_heartbeat_exceptions_and_classify(wms: FakeWms) -> None:
    client = StationClient(wms.url, TOKEN)
    assert client.lpn_block() == ("LPN0000000201", "LPN0000000400")
    assert client.lpn_block(10) == ("LPN0000000401", "LPN0000000410")
    client.heartbeat(queued=3, scanner="disconnected", printer="paper_out")
    assert wms.heartbeats == [{"queued": 3, "scanner": "disconnected", "printer": "paper_out"}]
    client.report_exception(event_id="e1", code="FAIL", error="error", detail="Unknown order")
    assert wms.exceptions == [
        {"event_id": "e1", "code": "FAIL", "error": "error", "detail": "Unknown order"}
    ]
    assert client.classify("LPN0000000001", "]C0")["kind"] == "lpn"
    client.close()
