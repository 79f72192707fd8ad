"""Job schedules: "every 10m", a cron expression, or "off"; the period a moment falls in.

A job runs once per **period**. A period starts at a *slot*: for an interval schedule the
multiples of the interval since the Unix epoch (every replica computes the same slots without
talking to the others), for a cron expression the cron times in the warehouse's time zone. The
slot a moment belongs to is the latest slot at or before it. Cron arithmetic is croniter's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from croniter import croniter

from wms.domain.kpi import DEFAULT_TZ

OFF = "off"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"^every\s+(\d+)\s*([smhd])$")


class ScheduleError(ValueError):
    """A schedule text that cannot be used; the message says why."""


@dataclass(frozen=True)
class Schedule:
    """When a job is due: an interval, a cron expression, or never."""

    text: str
    every: timedelta | None = None
    cron: str | None = None
    tz: ZoneInfo = DEFAULT_TZ

    @property
    def enabled(self) -> bool:
        """Whether the job runs by itself at all."""
        return self.every is not None or self.cron is not None

    def slot(self, now: datetime) -> datetime | None:
        """The start of the period `now` falls in (None when the schedule is off)."""
        if self.every is not None:
            step = self.every.total_seconds()
            n = int((now - _EPOCH).total_seconds() // step)
            return _EPOCH + timedelta(seconds=n * step)
        if self.cron is not None:
            # croniter's get_prev is strictly before its start: start one second later so a
            # moment exactly on a cron time belongs to that time's period.
            local = now.astimezone(self.tz) + timedelta(seconds=1)
            prev: datetime = croniter(self.cron, local).get_prev(datetime)
            return prev.astimezone(UTC)
        return None

    def next_slot(self, now: datetime) -> datetime | None:
        """The next slot strictly after `now` (None when the schedule is off)."""
        if self.every is not None:
            current = self.slot(now)
            assert current is not None
            return current + self.every
        if self.cron is not None:
            following: datetime = croniter(self.cron, now.astimezone(self.tz)).get_next(datetime)
            return following.astimezone(UTC)
        return None


def parse(text: str, tz: ZoneInfo = DEFAULT_TZ) -> Schedule:
    """Read "every 15m" (s, m, h, d), a five-field cron expression or "@daily", or "off"."""
    clean = " ".join(text.strip().lower().split())
    if clean == OFF:
        return Schedule(OFF, tz=tz)
    found = _EVERY.match(clean)
    if found:
        seconds = int(found.group(1)) * _UNITS[found.group(2)]
        if seconds <= 0:
            raise ScheduleError(f"'{text}': the interval must be positive")
        return Schedule(clean, every=timedelta(seconds=seconds), tz=tz)
    if len(clean.split()) == 5 or clean.startswith("@"):
        if croniter.is_valid(clean):
            return Schedule(clean, cron=clean, tz=tz)
        raise ScheduleError(f"'{text}': not a valid cron expression")
    raise ScheduleError(
        f"'{text}': expected 'every <n>s|m|h|d', a cron expression like '30 2 * * *', or 'off'"
    )
