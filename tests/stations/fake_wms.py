"""A small WMS API on a real local HTTP server, speaking the station protocol (v1)."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from labels.layouts import return_slip, unit_label
from tests.support import free_port

TOKEN = "station-token"  # noqa: S105
LAYOUT_WARNING = {
    "ru": "Сканер печатает в русской раскладке: переключите его в режим USB-COM",
    "en": "The scanner types through a Russian layout: switch it to USB-COM",
    "kk": "Сканер орыс тілінде теріп жатыр: USB-COM режиміне ауыстырыңыз",
}
SCAN_KEYS = {"event_id", "code", "symbology", "scanned_at", "lpn", "offline", "printed_locally"}


class FakeWms:
    """Applies each event_id once, stores the answer, replays it for repeats; records everything.

    Codes: `OP-…` logs in; digits are product units (LPN from the body or the server's own);
    `CMD:CLOSE` prints a slip; `FAIL…` answers result "error"; `REJECT…` answers 422;
    anything else needs action.
    """

    def __init__(self, token: str = TOKEN, role: str = "receipt") -> None:
        self.token = token
        self.role = role
        self.port = free_port()
        self.applied: list[dict[str, Any]] = []  # bodies in the order they took effect
        self.requests: list[tuple[str, str]] = []
        self.heartbeats: list[dict[str, Any]] = []
        self.exceptions: list[dict[str, Any]] = []
        self.stored: dict[str, dict[str, Any]] = {}
        self.ignore_station_lpn = False
        self.drop_next_answer = False
        self.next_block = 201
        self.server_lpn = 9_000_000_000
        self.operator: dict[str, str] | None = None
        self.marked: set[str] = set()  # product codes that need their marking code first
        self.lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeWms:
        handler = type("Handler", (_Handler,), {"wms": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._httpd.daemon_threads = True
        threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def applied_codes(self) -> list[str]:
        return [body["code"] for body in self.applied]

    # -- endpoints -------------------------------------------------------------------------

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        with self.lock:
            self.requests.append((method, path))
            if method == "GET" and path == "/api/v1/stations/me":
                return 200, {
                    "station": {"name": "Dock 1", "role": self.role, "language": "ru"},
                    "api_version": 1,
                    "server_time": datetime.now().astimezone().isoformat(),
                }
            routes = {
                "/api/v1/scan": self._scan,
                "/api/v1/stations/lpn-block": self._lpn_block,
                "/api/v1/stations/heartbeat": self._heartbeat,
                "/api/v1/stations/exceptions": self._exception,
                "/api/v1/classify": self._classify,
            }
            if method != "POST" or path not in routes:
                return 404, error("not_found", path)
            return routes[path](body)

    def _scan(self, body: Any) -> tuple[int, Any]:
        problem = scan_problem(body)
        if problem:
            return 422, error("validation_error", problem)
        if body["event_id"] in self.stored:
            return 200, self.stored[body["event_id"]]
        if body["code"].startswith("REJECT"):
            return 422, error("bad_code", "this code cannot be accepted")
        answer = self._apply(body)
        self.applied.append(body)
        self.stored[body["event_id"]] = answer
        return 200, answer

    def _apply(self, body: dict[str, Any]) -> dict[str, Any]:
        code = body["code"]
        if code.startswith("OP-"):
            self.operator = {"name": "Айгерим", "badge": code}
            return answer(
                "ok", "Сканируйте заказ", "Scan the order", step="order", op=self.operator
            )
        if code.startswith("ЩЗ-"):  # typed through a Russian layout: repaired, with a warning
            self.operator = {"name": "Айгерим", "badge": "OP-" + code[3:]}
            hello = answer("ok", "Сканируйте заказ", "Scan the order", op=self.operator)
            hello["context"]["warnings"] = [LAYOUT_WARNING]
            return hello
        if code in self.marked:  # a marked product: no unit until its DataMatrix is scanned
            return answer("action_required", "Сканируйте DataMatrix", "Scan the DataMatrix")
        if code.startswith("FAIL"):
            return answer("error", "Неизвестный заказ", "Unknown order", op=self.operator)
        if code == "CMD:CLOSE":
            slip = return_slip(
                order_code="KSP-1",
                merchant="M",
                marketplace="kaspi",
                return_type="customer_return",
                reason="changed_mind",
                units=[],
            )
            return answer(
                "ok", "Приёмка закрыта", "Receipt closed", op=self.operator, prints=[slip]
            )
        if code.isdigit() or code.startswith("01"):
            lpn = body["lpn"]
            if lpn is None or self.ignore_station_lpn:
                self.server_lpn += 1
                lpn = f"LPN{self.server_lpn:010d}"
            label = unit_label(lpn=lpn, sku=code[:14], title="Кроссовки")
            return answer(
                "ok", "Следующий товар", "Next unit", op=self.operator, prints=[label],
                unit={"lpn": lpn},
            )  # fmt: skip
        return answer("action_required", "Сначала бейдж", "Badge first", op=self.operator)

    def _lpn_block(self, body: Any) -> tuple[int, Any]:
        size = int((body or {}).get("size") or 200)
        first, self.next_block = self.next_block, self.next_block + size
        return 200, {
            "first": f"LPN{first:010d}",
            "last": f"LPN{first + size - 1:010d}",
            "count": size,
        }

    def _heartbeat(self, body: Any) -> tuple[int, Any]:
        self.heartbeats.append(body)
        return 204, None

    def _exception(self, body: Any) -> tuple[int, Any]:
        self.exceptions.append(body)
        return 201, {"id": len(self.exceptions)}

    def _classify(self, body: Any) -> tuple[int, Any]:
        kind = "lpn" if body["code"].startswith("LPN") else "unknown"
        return 200, {"kind": kind, "value": body["code"], "gtin": None, "problem": None}


def answer(
    result: str,
    ru: str,
    en: str,
    *,
    step: str = "unit",
    op: dict[str, str] | None = None,
    prints: list[Any] | None = None,
    unit: dict[str, Any] | None = None,
) -> dict[str, Any]:
    sound = {"ok": "ok", "error": "error"}.get(result, "attention")
    return {
        "result": result,
        "prompt": {"ru": ru, "en": en, "kk": ru},
        "sound": sound,
        "print": [p.to_dict() for p in prints or []],
        "context": {
            "operator": op,
            "step": step,
            "return_order": None,
            "unit": unit,
            "warnings": [],
        },
    }


def error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": None}}


def scan_problem(body: Any) -> str | None:
    """What is wrong with a scan body (the real server validates with pydantic)."""
    if not isinstance(body, dict) or set(body) != SCAN_KEYS:
        return f"keys must be {sorted(SCAN_KEYS)}"
    try:
        uuid.UUID(body["event_id"], version=4)
        stamp = datetime.fromisoformat(body["scanned_at"])
    except (ValueError, TypeError):
        return "event_id or scanned_at malformed"
    if stamp.tzinfo is None:
        return "scanned_at needs a time zone"
    if not isinstance(body["offline"], bool) or not isinstance(body["code"], str):
        return "offline must be a boolean, code a string"
    return None


class _Handler(BaseHTTPRequestHandler):
    wms: FakeWms

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep test output quiet

    def _dispatch(self, method: str) -> None:
        if self.headers.get("Authorization") != f"Bearer {self.wms.token}":
            self._send(401, error("unauthorized", "bad station token"))
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._send(400, error("bad_json", "body is not JSON"))
            return
        status, payload = self.wms.handle(method, self.path, body)
        if self.wms.drop_next_answer and self.path == "/api/v1/scan":
            self.wms.drop_next_answer = False
            self.close_connection = True
            return  # applied, but the answer is lost on the way back
        self._send(status, payload)

    def _send(self, status: int, payload: Any) -> None:
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
