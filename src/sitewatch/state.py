"""What each monitor's state is now, when it changed, and what happened in the current minute.

States: ``up`` (result up), ``slow`` (result slow), ``down`` (any other result), ``unknown`` (not
checked yet). Everything here runs on the hub, per result, so it only counts and appends.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass, field

from .result import RESULTS, SLOW, UP, Result

RECENT = 50  # checks kept per monitor for the status page's bar and sparkline
_CODE = {name: i for i, name in enumerate(RESULTS)}

UNKNOWN = "unknown"
DOWN = "down"


def state_of(result: str) -> str:
    """The monitor state a single ``result`` value stands for."""
    return UP if result == UP else SLOW if result == SLOW else DOWN


@dataclass(slots=True)
class StateChange:
    """A monitor moved from ``old`` to ``new`` because of ``result``; it had been ``old`` since
    ``since`` (epoch seconds, ``None`` when it had never been checked)."""

    old: str
    new: str
    result: Result
    since: float | None


@dataclass(slots=True)
class MinuteBucket:
    """One monitor's checks in one minute."""

    up: int = 0
    slow: int = 0
    down: int = 0
    skipped: int = 0
    times_ms: array[float] = field(default_factory=lambda: array("d"))

    @property
    def checks(self) -> int:
        return self.up + self.slow + self.down


class Recent:
    """The last :data:`RECENT` checks of a monitor in flat arrays (~1 KB, whatever the count of
    monitors): start time, duration (NaN when none) and result code, in a ring."""

    __slots__ = ("_codes", "_ms", "_next", "_ts")

    def __init__(self) -> None:
        self._ts: array[float] = array("d")
        self._ms: array[float] = array("d")
        self._codes = bytearray()
        self._next = 0

    def add(self, result: Result) -> None:
        ms = math.nan if result.time_ms is None else result.time_ms
        if len(self._ts) < RECENT:
            self._ts.append(result.ts)
            self._ms.append(ms)
            self._codes.append(_CODE[result.result])
        else:
            i = self._next
            self._ts[i], self._ms[i], self._codes[i] = result.ts, ms, _CODE[result.result]
            self._next = (i + 1) % RECENT

    def items(self) -> list[tuple[float, float | None, str]]:
        """(start, time_ms or None, result), oldest first."""
        order = list(range(self._next, len(self._ts))) + list(range(self._next))
        return [(self._ts[i], None if math.isnan(self._ms[i]) else self._ms[i], RESULTS[self._codes[i]]) for i in order]


@dataclass(slots=True)
class MonitorState:
    """The current state of one monitor, the result that set it, and its last checks."""

    state: str = UNKNOWN
    since: float | None = None
    last: Result | None = None
    recent: Recent = field(default_factory=Recent)


class StateTracker:
    """Follows every result; reports state changes and hands over per-minute buckets."""

    def __init__(self) -> None:
        self.states: dict[str, MonitorState] = {}
        self.checks_by_result: dict[str, int] = {}  # since the process started
        self._minute: dict[str, MinuteBucket] = {}

    def observe(self, result: Result) -> StateChange | None:
        """Record ``result``; return the change it causes, if any."""
        current = self.states.get(result.monitor)
        if current is None:
            current = self.states[result.monitor] = MonitorState()
        bucket = self._minute.get(result.monitor)
        if bucket is None:
            bucket = self._minute[result.monitor] = MinuteBucket()
        self.checks_by_result[result.result] = self.checks_by_result.get(result.result, 0) + 1
        new = state_of(result.result)
        if new == UP:
            bucket.up += 1
        elif new == SLOW:
            bucket.slow += 1
        else:
            bucket.down += 1
        if result.time_ms is not None:
            bucket.times_ms.append(result.time_ms)
        current.last = result
        current.recent.add(result)
        if new == current.state:
            return None
        change = StateChange(old=current.state, new=new, result=result, since=current.since)
        current.state, current.since = new, result.ts
        return change

    def skipped(self, monitor: str) -> None:
        """Count a tick of ``monitor`` that was skipped because its previous check still ran."""
        bucket = self._minute.get(monitor)
        if bucket is None:
            bucket = self._minute[monitor] = MinuteBucket()
        bucket.skipped += 1

    def take_minute(self) -> dict[str, MinuteBucket]:
        """Everything observed since the last call (O(1): the dict is swapped, not copied)."""
        taken, self._minute = self._minute, {}
        return taken

    def keep_only(self, names: set[str]) -> None:
        """Forget monitors that left the config."""
        for name in [n for n in self.states if n not in names]:
            del self.states[name]
