"""`wms sync run` as its own process, for the end-to-end sync tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
MARKETPLACES = ("kaspi", "wildberries", "ozon")


def sync_env(settings: Any, **base_urls: str) -> dict[str, str]:
    """Environment for a worker on the test database; marketplaces without a URL are disabled."""
    env = {
        **os.environ,
        "WMS_DATABASE__URL": settings.database.url,
        "WMS_SERVER__SECRET_KEY": settings.server.secret_key,
        "WMS_SYNC__POLL_INTERVAL_SECONDS": "0.1",
    }
    for marketplace in MARKETPLACES:
        key = f"WMS_MARKETPLACES__{marketplace.upper()}"
        if marketplace in base_urls:
            env[f"{key}__BASE_URL"] = base_urls[marketplace]
        else:
            env[f"{key}__ENABLED"] = "false"
    return env


def start_sync_worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """Start `wms sync run` (extra CLI arguments appended) with output captured."""
    command = [sys.executable, "-c", "from wms.cli import main; main()", "sync", "run", *args]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def stop(process: subprocess.Popen[str]) -> None:
    """Kill the worker if it still runs and reap it."""
    if process.poll() is None:
        process.kill()
        process.communicate(timeout=10)
