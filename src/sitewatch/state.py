"""What each monitor's state is now, when it changed, and what happened in the current minute.

Each check has an *observed* state: ``up`` (result up), ``slow`` (result slow), ``down`` (any other
result). The monitor's *confirmed* state changes only after ``confirm`` checks in a row agree (or
``recover`` in a row, for ``up``), so one lost packet never pages anybody; ``unknown`` until the
first confirmation (leaving ``unknown`` for ``up`` takes one check). Everything here runs on the
hub, per result, so it only counts and appends.
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
    """A monitor's confirmed state moved from ``old`` to ``new``. ``at`` is the start of the first
    check that saw the new state (epoch seconds); ``since`` when ``old`` had begun (``None`` if
    never); ``result`` is the check that confirmed it."""

    old: str
    new: str
    result: Result
    since: float | None
    at: float = 0.0

    @property
    def lasted(self) -> float | None:
        """How long the old state lasted, in seconds."""
        return None if self.since is None else self.at - self.since


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

    state: str = UNKNOWN  # confirmed
    since: float | None = None
    last: Result | None = None
    recent: Recent = field(default_factory=Recent)
    candidate: str = UNKNOWN  # the observed state that differs from the confirmed one …
    streak: int = 0  # … how many checks in a row have seen it …
    streak_since: float = 0.0  # … and since when


class StateTracker:
    """Follows every result; reports state changes and hands over per-minute buckets."""

    def __init__(self) -> None:
        self.states: dict[str, MonitorState] = {}
        self.checks_by_result: dict[str, int] = {}  # since the process started
        self._minute: dict[str, MinuteBucket] = {}

    def observe(self, result: Result, confirm: int = 1, recover: int = 1) -> StateChange | None:
        """Record ``result``; return the confirmed change it completes, if any."""
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
            current.candidate, current.streak = current.state, 0
            return None
        if new != current.candidate:
            current.candidate, current.streak, current.streak_since = new, 0, result.ts
        current.streak += 1
        needed = (1 if current.state == UNKNOWN else recover) if new == UP else confirm
        if current.streak < needed:
            return None
        change = StateChange(current.state, new, result, current.since, at=current.streak_since)
        current.state, current.since = new, current.streak_since
        current.candidate, current.streak = new, 0
        return change

    def pending(self, monitor: str) -> bool:
        """Whether ``monitor`` saw a failure that is not confirmed yet (a retry would settle it)."""
        current = self.states.get(monitor)
        return current is not None and current.streak > 0 and current.candidate != UP

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
