"""Jobs for the worker tests (loaded through `[jobs] modules`): they count their runs."""

from __future__ import annotations

import os
import time
from typing import Any

from wms.jobs.base import Job, JobContext


def tick(ctx: JobContext) -> dict[str, Any]:
    """Quick work: say which worker and period it ran for."""
    return {"worker": ctx.worker, "slot": ctx.slot.isoformat() if ctx.slot else None}


def slow(ctx: JobContext) -> dict[str, Any]:
    """Work that takes a while (long enough to kill its worker in the middle)."""
    time.sleep(float(os.environ.get("WMS_TEST_SLOW_SECONDS", "3")))
    return {"worker": ctx.worker, "pid": os.getpid()}


def broken(ctx: JobContext) -> dict[str, Any]:
    """Always fails."""
    raise RuntimeError("the marketplace said no")


JOBS = (
    Job("test_tick", tick, "every 2s", "counts its runs"),
    Job("test_slow", slow, "every 1d", "takes a few seconds"),
    Job("test_broken", broken, "off", "always fails"),
)
