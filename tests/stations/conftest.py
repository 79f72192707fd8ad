"""Fixtures for the station tests: pseudo-terminals standing in for serial scanners."""

from __future__ import annotations

import os
import tty
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest


@dataclass
class Pty:
    """A pseudo-terminal pair; the test writes to `master` what a scanner would send."""

    master: int
    slave: int
    path: str
    closed: bool = field(default=False)

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def unplug(self) -> None:
        os.close(self.master)
        os.close(self.slave)
        self.closed = True


def open_pty() -> Pty:
    master, slave = os.openpty()
    tty.setraw(master)
    return Pty(master, slave, os.ttyname(slave))


@pytest.fixture
def pty_factory() -> Iterator[list[Pty]]:
    made: list[Pty] = []
    yield made
    for p in made:
        if not p.closed:
            p.unplug()


@pytest.fixture
def pty_pair(pty_factory: list[Pty]) -> Pty:
    p = open_pty()
    pty_factory.append(p)
    return p


def point_link(link: Path, target: str) -> None:
    """Re-point a symlink atomically, like udev's /dev/serial/by-id names after a re-plug."""
    tmp = link.with_suffix(".new")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    tmp.replace(link)
