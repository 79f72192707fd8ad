"""Serve a sandbox on a real socket: on a background thread (tests) or until SIGTERM (CLI)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from wms.sandbox.core import Sandbox


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log_error(self, format: str, *args: Any) -> None:
        pass


@dataclass
class SandboxHandle:
    """A sandbox served on a background thread."""

    sandbox: Sandbox
    server: BaseWSGIServer
    thread: threading.Thread
    background: list[Callable[[], None]] = field(default_factory=list)  # stop hooks

    @property
    def port(self) -> int:
        """The TCP port it listens on."""
        return int(self.server.server_port)

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:8102."""
        return f"http://{self.sandbox.options.host}:{self.port}"

    def stop(self) -> None:
        """Stop serving, wake sleeping requests, stop background threads."""
        self.sandbox.stopping.set()
        for hook in self.background:
            hook()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> SandboxHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(sandbox: Sandbox) -> SandboxHandle:
    """Serve a sandbox on a daemon thread and return once it accepts connections."""
    handler = _QuietHandler if sandbox.options.quiet else WSGIRequestHandler
    server = make_server(
        sandbox.options.host,
        sandbox.options.port,
        sandbox.app,
        threaded=True,
        request_handler=handler,
    )
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        daemon=True,
        name=f"sandbox-{sandbox.name}",
    )
    thread.start()
    return SandboxHandle(sandbox, server, thread)


def serve_until_stopped(handle: SandboxHandle, announce: Callable[[str], None] = print) -> None:
    """Block until SIGINT/SIGTERM, then stop the sandbox (the process entry point)."""
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    announce(f"{handle.sandbox.name} sandbox listening on {handle.url}")
    done.wait()
    handle.stop()
