"""Shared test helpers: what is required in CI fails there instead of skipping."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_ADMIN_URL = os.environ.get(
    "WMS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
CHROMIUM = os.environ.get("WMS_TEST_CHROMIUM", "/usr/bin/chromium")


def need(available: bool, what: str) -> None:
    """Skip the test locally when `what` is missing; fail it in CI (`CI=true`)."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} not available")


def postgres_available() -> bool:
    """Whether the PostgreSQL server from WMS_TEST_PG_URL answers on its port."""
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def need_postgres() -> None:
    """Require the PostgreSQL server."""
    need(postgres_available(), "PostgreSQL at 127.0.0.1:5432")


def need_chromium() -> None:
    """Require Debian's Chromium."""
    need(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")


def need_tool(name: str) -> str:
    """Require a command-line tool on PATH and return its path."""
    path = shutil.which(name)
    need(path is not None, f"the '{name}' command")
    assert path is not None
    return path


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
