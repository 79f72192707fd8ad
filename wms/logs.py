"""Logging for the server and the worker: text lines, or JSON objects (`[metrics] json_logs`)."""

from __future__ import annotations

import logging
import sys

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(json_logs: bool, level: int = logging.INFO) -> None:
    """Send log records to stderr, one per line (JSON via python-json-logger when asked)."""
    handler = logging.StreamHandler(sys.stderr)
    if json_logs:
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d %(threadName)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "wms_handler", False)]:
        root.removeHandler(old)
    handler.wms_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
