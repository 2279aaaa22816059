"""Now, read in one place. Every "now" and "today" in shihyo comes from a `Clock` handed
down from the command, the flow or the page, so that tests and demonstrations decide what
day it is and the judgement never depends on the day a machine happens to run it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Clock:
    """The wall clock; or, with `start`, a clock set to `start` when it was made that runs
    on at the wall clock's pace (SHIHYO_NOW); or, with `frozen`, one that stands still."""

    start: dt.datetime | None = None
    frozen: bool = False
    _origin: float = field(default_factory=time.monotonic, compare=False, repr=False)

    def now(self) -> dt.datetime:
        """The present moment, naive local time (as the warehouse stores it)."""
        if self.start is None:
            return dt.datetime.now()
        if self.frozen:
            return self.start
        return self.start + dt.timedelta(seconds=time.monotonic() - self._origin)

    def today(self) -> dt.date:
        return self.now().date()

    @classmethod
    def at(cls, moment: dt.datetime | dt.date) -> Clock:
        """A clock standing still at `moment` (a date means its midday)."""
        return cls(_moment(moment), frozen=True)


def _moment(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.combine(value, dt.time(12))


def clock_from(setting: str | None) -> Clock:
    """The clock SHIHYO_NOW asks for: unset, the wall clock; an ISO date or date and time,
    a clock that starts there."""
    if not setting:
        return Clock()
    try:
        start = dt.datetime.fromisoformat(setting.strip())
    except ValueError as exc:
        raise ValueError(
            f"SHIHYO_NOW must be an ISO date or date and time (2026-11-30 or "
            f"2026-11-30T09:00), got {setting!r}"
        ) from exc
    if start.tzinfo is not None:  # the warehouse keeps naive local times
        start = start.astimezone().replace(tzinfo=None)
    if len(setting.strip()) == 10:
        start = _moment(start.date())
    return Clock(start)
