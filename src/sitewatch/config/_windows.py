"""Maintenance windows: when monitors keep checking but nobody is paged. Always UTC."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Window:
    """One-off (``start`` set) or weekly (``days`` and ``at_minute`` set), lasting ``duration`` seconds."""

    duration: float
    start: float | None = None  # epoch seconds
    days: frozenset[int] = frozenset()  # 0 = Monday
    at_minute: int = 0  # minutes after 00:00 UTC

    def active(self, ts: float) -> bool:
        """Whether ``ts`` (epoch seconds) falls inside the window."""
        if self.start is not None:
            return self.start <= ts < self.start + self.duration
        moment = datetime.fromtimestamp(ts, UTC)
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        # a weekly window may have begun on an earlier day and still be running
        for back in range(math.ceil(self.duration / 86400) + 1):
            day = midnight - timedelta(days=back)
            if day.weekday() in self.days:
                begins = day.timestamp() + self.at_minute * 60
                if begins <= ts < begins + self.duration:
                    return True
        return False

    def describe(self) -> str:
        if self.start is not None:
            begins = datetime.fromtimestamp(self.start, UTC).strftime("%Y-%m-%dT%H:%MZ")
            return f"{begins} for {self.duration:g} s"
        days = ",".join(DAYS[d] for d in sorted(self.days))
        return f"{days} {self.at_minute // 60:02d}:{self.at_minute % 60:02d}Z for {self.duration:g} s"
