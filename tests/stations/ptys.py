"""Pseudo-terminals standing in for serial scanners (shared by the station and e2e tests)."""

from __future__ import annotations

import os
import tty
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import need


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
    """A raw pty pair (the test's end is raw, so bytes pass unchanged)."""
    need(hasattr(os, "openpty"), "pseudo-terminals (os.openpty)")
    master, slave = os.openpty()
    tty.setraw(master)
    return Pty(master, slave, os.ttyname(slave))


def point_link(link: Path, target: str) -> None:
    """Re-point a symlink atomically, like udev's /dev/serial/by-id names after a re-plug."""
    tmp = link.with_suffix(".new")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    tmp.replace(link)
