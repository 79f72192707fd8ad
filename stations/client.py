"""Thin HTTP client for the station API: one request path, bearer token, offline vs refused."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

log = logging.getLogger(__name__)

SUPPORTED_API_VERSIONS = frozenset({1})
RESULTS = ("ok", "error", "action_required")
SOUNDS = ("ok", "error", "attention")
# Statuses that say "try again later" rather than "this request is wrong".
_TRANSIENT_4XX = frozenset({408, 425, 429})


class ServerUnreachable(Exception):
    """No verdict from the server (connection error, timeout, 5xx): the station works offline."""


class RequestRejected(Exception):
    """The server answered 4xx: this request is wrong and sending it again will not help."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details


class TooEarly(ServerUnreachable):
    """425: the server needs something else first (a clip's opening scan); ask again later."""


class Unauthorized(RequestRejected):
    """401/403: the station token is wrong or revoked; nothing will work until it is fixed."""


class IncompatibleServer(Exception):
    """The server speaks an API version this station does not."""


@dataclass(frozen=True)
class ScanResponse:
    """The server's answer to one scan."""

    result: str
    prompt: Mapping[str, str]
    sound: str
    print: list[Mapping[str, Any]] = field(default_factory=list)
    context: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Any) -> ScanResponse:
        """Validate the wire form; ValueError if it is not a scan response."""
        if not isinstance(data, Mapping) or data.get("result") not in RESULTS:
            raise ValueError(f"malformed scan response: {str(data)[:200]}")
        prompt = data.get("prompt") or {}
        labels = data.get("print") or []
        if not isinstance(prompt, Mapping) or not isinstance(labels, list):
            raise ValueError("malformed scan response: prompt or print")
        sound = data.get("sound")
        return cls(
            result=str(data["result"]),
            prompt={str(k): str(v) for k, v in prompt.items()},
            sound=str(sound) if sound in SOUNDS else _default_sound(str(data["result"])),
            print=[x for x in labels if isinstance(x, Mapping)],
            context=data.get("context") or {},
        )

    def to_json(self) -> dict[str, Any]:
        """Plain form (stored in the journal)."""
        return {
            "result": self.result,
            "prompt": dict(self.prompt),
            "sound": self.sound,
            "print": [dict(x) for x in self.print],
            "context": dict(self.context),
        }

    def text(self, language: str) -> str:
        """The prompt in this language, falling back to Russian, then English."""
        return self.prompt.get(language) or self.prompt.get("ru") or self.prompt.get("en") or ""


def _default_sound(result: str) -> str:
    return {"ok": "ok", "error": "error"}.get(result, "attention")


class StationClient:
    """Talks to `{server}/api/v1`; every call goes through `request()`."""

    def __init__(
        self,
        server_url: str,
        token: str,
        *,
        timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self._http = httpx.Client(
            base_url=f"{self.server_url}/api/v1",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def request(
        self, method: str, path: str, body: Mapping[str, Any] | None = None, **send: Any
    ) -> Any:
        """Send one request; JSON answer (None for 204). Raises the three errors above."""
        try:
            response = self._http.request(method, path, json=body, **send)
        except httpx.TransportError as exc:  # connect/read errors and timeouts
            raise ServerUnreachable(f"{method} {path}: {exc!r}") from exc
        if response.status_code == 425:
            raise TooEarly(f"{method} {path}: HTTP 425 {response.text[:300]}")
        if response.status_code >= 500 or response.status_code in _TRANSIENT_4XX:
            raise ServerUnreachable(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise _rejection(response)
        if response.status_code >= 300:
            # A redirect means a proxy or a wrong URL, not a verdict on the request.
            raise ServerUnreachable(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            # A proxy's HTML page, not our server: treat like no answer at all.
            raise ServerUnreachable(f"{method} {path}: answer is not JSON") from exc

    def me(self) -> dict[str, Any]:
        """`GET /stations/me`: who this token belongs to; checks the API version."""
        data = self.request("GET", "/stations/me")
        version = data.get("api_version") if isinstance(data, dict) else None
        if version not in SUPPORTED_API_VERSIONS:
            raise IncompatibleServer(
                f"server API version {version!r}, station supports {sorted(SUPPORTED_API_VERSIONS)}"
            )
        return dict(data)

    def scan(self, payload: Mapping[str, Any]) -> ScanResponse:
        """`POST /scan` (idempotent by event_id)."""
        data = self.request("POST", "/scan", payload)
        try:
            return ScanResponse.from_json(data)
        except ValueError as exc:
            # The server stored this answer for the event id: asking again returns it again, so
            # treat it as a verdict (the event fails and is reported) instead of retrying forever.
            raise RequestRejected(200, "malformed_response", str(exc)) from exc

    def lpn_block(self, size: int | None = None) -> tuple[str, str]:
        """`POST /stations/lpn-block`: (first, last) LPN of a freshly reserved block."""
        data = self.request("POST", "/stations/lpn-block", {"size": size} if size else {})
        return str(data["first"]), str(data["last"])

    def heartbeat(self, *, queued: int, scanner: str, printer: str) -> None:
        """`POST /stations/heartbeat`."""
        self.request(
            "POST",
            "/stations/heartbeat",
            {"queued": queued, "scanner": scanner, "printer": printer},
        )

    def report_exception(self, *, event_id: str, code: str, error: str, detail: str) -> None:
        """`POST /stations/exceptions`: a journal entry that could not be replayed."""
        self.request(
            "POST",
            "/stations/exceptions",
            {"event_id": event_id, "code": code, "error": error, "detail": detail},
        )

    def upload_clip(
        self, clip_id: str, path: Path, meta: Mapping[str, str], *, timeout: float
    ) -> dict[str, Any]:
        """`PUT /clips/{clip_id}`: the MP4 streamed from disk (idempotent by clip id)."""
        size = path.stat().st_size

        def chunks() -> Iterator[bytes]:
            with path.open("rb") as fp:
                while chunk := fp.read(1024 * 1024):
                    yield chunk

        return dict(
            self.request(
                "PUT",
                f"/clips/{clip_id}",
                params=dict(meta),
                content=chunks(),
                headers={"Content-Type": "video/mp4", "Content-Length": str(size)},
                timeout=httpx.Timeout(timeout, connect=3.0),
            )
        )

    def classify(self, code: str, symbology: str | None) -> dict[str, Any]:
        """`POST /classify`: what the server makes of a code (scan-echo)."""
        return dict(self.request("POST", "/classify", {"code": code, "symbology": symbology}))


def _rejection(response: httpx.Response) -> RequestRejected:
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        error = {}
    code = str(error.get("code") or f"http_{response.status_code}")
    message = str(error.get("message") or response.reason_phrase)
    kind = Unauthorized if response.status_code in (401, 403) else RequestRejected
    return kind(response.status_code, code, message, error.get("details"))
