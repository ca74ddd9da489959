"""The minute task: a callback exactly at every UTC minute boundary.

The seed's author could not get a greenlet to run "exactly every minute". Two things make it exact
here: the deadline is absolute (the next boundary of the wall clock, recomputed every time, so
nothing drifts) and it is a libev timer on the hub (not a greenlet waiting its turn behind others),
armed after refreshing the loop's cached time. If the loop wakes a hair early, it re-arms for the
remainder instead of firing before the boundary.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import gevent

from ._stats import Samples

OnMinute = Callable[[float, float], None]  # (boundary as epoch seconds, lateness in seconds)


class MinuteTicker:
    """Calls ``callback(boundary, lateness)`` on the hub at every multiple of ``period`` seconds of
    UTC time. ``period`` is 60 in production; tests shorten it."""

    def __init__(self, callback: OnMinute, period: float = 60.0, wallclock: Callable[[], float] = time.time):
        self.callback = callback
        self.period = period
        self.lateness = Samples()
        self._wallclock = wallclock
        self._loop = gevent.get_hub().loop
        self._timer: Any = None
        self._next = 0.0

    def start(self) -> None:
        self._next = (math.floor(self._wallclock() / self.period) + 1) * self.period
        self._arm()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _arm(self) -> None:
        self._loop.update_now()
        self._timer = self._loop.timer(max(0.0, self._next - self._wallclock()))
        self._timer.start(self._fire)

    def _fire(self) -> None:
        now = self._wallclock()
        if now < self._next:  # woke early (clock slew, coarse timer): wait out the remainder
            self._arm()
            return
        boundary, lateness = self._next, now - self._next
        # the next boundary after *now*: after a long stall we skip ahead instead of firing a burst
        self._next = (math.floor(now / self.period) + 1) * self.period
        self.lateness.add(lateness)
        self._arm()
        self.callback(boundary, lateness)
