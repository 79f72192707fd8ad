"""HTTP plumbing shared by the adapters: one session per account, throttling, error mapping."""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx

from wms.adapters.marketplaces.base import Throttle, TransientError
from wms.adapters.marketplaces.throttle import NoThrottle

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_TIMEOUT = 30.0
USER_AGENT = "returns-wms/0.1"


class HttpApi:
    """Send requests for one seller account: base URL, auth headers, throttle, transport errors.

    Credentials travel as per-request headers, never as client defaults, so a shared
    `httpx.Client` (injected by tests or the worker) never carries one account's token into
    another's request, and nothing here ever logs a header.
    """

    def __init__(
        self,
        base_url: str,
        auth_headers: Mapping[str, str],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        throttle: Throttle | None = None,
        client: httpx.Client | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.throttle: Throttle = throttle or NoThrottle()
        self._headers = {"User-Agent": USER_AGENT, **(extra_headers or {}), **auth_headers}
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=timeout)
        self._timeout = timeout

    def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        base_url: str | None = None,
        throttle: Throttle | None = None,
    ) -> httpx.Response:
        """Send one request; timeouts and broken connections become `TransientError`."""
        (throttle or self.throttle).acquire(1.0)
        url = (base_url or self.base_url).rstrip("/") + path
        try:
            return self._client.request(
                method, url, json=json, params=params, headers=self._headers, timeout=self._timeout
            )
        except httpx.TimeoutException as exc:
            log.warning("%s %s timed out", method, path)
            raise TransientError("timeout", f"no answer within {self._timeout} s") from exc
        except httpx.TransportError as exc:
            log.warning("%s %s: connection failed (%s)", method, path, type(exc).__name__)
            raise TransientError("connection", type(exc).__name__) from exc

    def close(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_client:
            self._client.close()


def retry_after(response: httpx.Response, *names: str) -> float | None:
    """Seconds to wait from the first header present (seconds or an HTTP date)."""
    for name in (*names, "Retry-After"):
        value = response.headers.get(name)
        if value is None:
            continue
        try:
            return max(float(value), 0.0)
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            continue
        return max((when - datetime.now(UTC)).total_seconds(), 0.0)
    return None


def json_body(response: httpx.Response) -> Any:
    """The JSON body, or None when there is none or it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def with_retries(
    call: Callable[[], T],
    *,
    attempts: int = 4,
    max_wait: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run a read call, retrying `TransientError` with backoff (honouring retry-after)."""
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except TransientError as exc:
            if attempt == attempts:
                raise
            wait = exc.retry_after if exc.retry_after is not None else 0.25 * 2**attempt
            log.info("transient %s, retry %d/%d in %.2f s", exc.code, attempt, attempts, wait)
            sleep(min(wait, max_wait))
    raise AssertionError("unreachable")
