"""One scheduler for every monitor: a heap of absolute deadlines and a single hub timer.

Why not a sleeping greenlet per monitor: each costs ~11 KB and ``sleep(interval)`` after the work
drifts (see ../shared/notes/engine-measurements.md). Here the ``k``-th check of a monitor is due at
``t0 + phase + k·interval`` on the monotonic clock, so lateness never accumulates; ``phase`` comes
from a hash of the name, spreading first checks across the interval (10k monitors never fire at
once) and keeping each monitor on the same grid across restarts and reloads.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import gevent
import gevent.event

from ..config import Monitor
from ..probe import Check, Engine, Prepared
from ..result import Result
from ._stats import Histogram, Samples

LATENESS_BOUNDS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)

OnResult = Callable[[Result], None]
OnSkip = Callable[[Monitor, str], None]


def phase_of(name: str, interval: float) -> float:
    """A stable offset in ``[0, interval)`` for a monitor name."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64 * interval


class _Entry:
    """The schedule of one monitor. One object per name for its whole life (reloads mutate it)."""

    __slots__ = (
        "due", "expedited", "generation", "k", "monitor", "phase", "prepared", "removed", "running", "waiting",
    )  # fmt: skip

    def __init__(self, monitor: Monitor, prepared: Prepared) -> None:
        self.monitor = monitor
        self.prepared = prepared
        self.phase = phase_of(monitor.name, monitor.interval)
        self.k = 0
        self.due = 0.0
        self.generation = 0
        self.running: Check | None = None
        self.waiting = False
        self.removed = False
        self.expedited = False  # due is a retry before the grid point k, not the grid point itself


class Scheduler:
    """Starts each monitor's checks on time through an :class:`~sitewatch.probe.Engine`.

    ``on_result`` is called on the hub for every finished check and must not block. A check still
    running (or still waiting for a concurrency slot) when its next tick comes makes that tick
    *skipped*: counted and reported through ``on_skip``, never queued.
    """

    def __init__(
        self,
        engine: Engine,
        on_result: OnResult,
        *,
        max_concurrency: int = 500,
        on_skip: OnSkip | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.on_result = on_result
        self.on_skip = on_skip
        self.max_concurrency = max_concurrency
        self.lateness = Samples()  # seconds between a check's due time and its start (per minute)
        self.lateness_histogram = Histogram(LATENESS_BOUNDS)  # the same, for the whole process life
        self.started = 0
        self.skipped = 0
        self._clock = clock
        # t0 maps the Unix epoch onto the monotonic clock, so phases line up with wall-clock time
        # at start-up (a 60 s monitor checks at the same second of every minute), yet a later
        # wall-clock jump cannot disturb the schedule.
        self._t0 = clock() - time.time()
        self._entries: dict[str, _Entry] = {}
        self._heap: list[tuple[float, int, _Entry, int]] = []
        self._seq = 0
        self._waiting: deque[_Entry] = deque()
        self._loop = gevent.get_hub().loop
        self._timer: Any = None
        self._armed_for = math.inf
        self._idle = gevent.event.Event()
        self._idle.set()
        self._stopped = True

    # -- the monitors ----------------------------------------------------------------------------

    @property
    def monitors(self) -> list[Monitor]:
        return [entry.monitor for entry in self._entries.values()]

    @property
    def running(self) -> int:
        return self.engine.active

    def set_monitors(self, monitors: Iterable[Monitor]) -> None:
        """Make ``monitors`` the scheduled set. Unchanged monitors keep their schedule; a changed
        one keeps its running check and moves to its new grid; a removed one is cancelled."""
        wanted = {m.name: m for m in monitors}
        now = self._clock()
        for name in list(self._entries):
            if name not in wanted:
                self._remove(self._entries.pop(name))
        for name, monitor in wanted.items():
            entry = self._entries.get(name)
            if entry is None:
                entry = self._entries[name] = _Entry(monitor, self.engine.prepare(monitor))
            elif entry.monitor == monitor:
                continue
            else:
                self.engine.forget(entry.monitor)
                entry.monitor, entry.prepared = monitor, self.engine.prepare(monitor)
                entry.phase = phase_of(name, monitor.interval)
            self._schedule_next_after(entry, now)
        if not self._stopped:
            self._arm()

    def expedite(self, name: str, delay: float) -> None:
        """Check ``name`` again in ``delay`` seconds (to confirm a failure sooner), if that comes
        before its next regular check. The regular grid is not disturbed."""
        entry = self._entries.get(name)
        if entry is None or entry.removed:
            return
        due = self._clock() + delay
        if due < entry.due:
            entry.due, entry.expedited = due, True
            self._push(entry)
            if not self._stopped:
                self._arm()

    def _remove(self, entry: _Entry) -> None:
        entry.removed = True
        entry.generation += 1
        if entry.running is not None:
            self.engine.cancel(entry.running)
            entry.running = None
            self._check_idle()
        self.engine.forget(entry.monitor)

    # -- running ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Begin firing checks (call from the hub's thread)."""
        self._stopped = False
        self._arm()

    def stop(self, grace: float = 1.0) -> int:
        """Fire no more checks; give running ones ``grace`` seconds, then cancel them.

        Returns how many checks were cancelled. Call from a greenlet, not from the hub."""
        self._stopped = True
        if self._timer is not None:
            self._timer.stop()
        self._waiting.clear()
        self._idle.wait(timeout=grace)
        cancelled = 0
        for entry in self._entries.values():
            if entry.running is not None:
                self.engine.cancel(entry.running)
                entry.running = None
                cancelled += 1
        self._idle.set()
        return cancelled

    def _schedule_next_after(self, entry: _Entry, now: float) -> None:
        """Put ``entry`` on the first grid point strictly after ``now``."""
        interval = entry.monitor.interval
        entry.k = math.floor((now - self._t0 - entry.phase) / interval) + 1
        entry.due = self._t0 + entry.phase + entry.k * interval
        self._push(entry)

    def _push(self, entry: _Entry) -> None:
        entry.generation += 1
        self._seq += 1
        heapq.heappush(self._heap, (entry.due, self._seq, entry, entry.generation))

    def _arm(self) -> None:
        heap = self._heap
        while heap and heap[0][3] != heap[0][2].generation:  # drop stale slots left by reloads
            heapq.heappop(heap)
        if not heap or self._stopped:
            return
        due = heap[0][0]
        if due >= self._armed_for and self._timer is not None and self._timer.active:
            return
        if self._timer is not None:
            self._timer.stop()
        # libev measures `after` from the loop's cached time; refresh it so we do not fire early
        self._loop.update_now()
        self._timer = self._loop.timer(max(0.0, due - self._clock()))
        self._timer.start(self._on_timer)
        self._armed_for = due

    def _on_timer(self) -> None:
        self._armed_for = math.inf
        now = self._clock()
        heap = self._heap
        while heap and heap[0][0] <= now:
            _, _, entry, generation = heapq.heappop(heap)
            if generation != entry.generation or entry.removed:
                continue
            self._tick(entry, now)
        self._arm()

    def _tick(self, entry: _Entry, now: float) -> None:
        due = entry.due
        if entry.running is not None or entry.waiting:
            self.skipped += 1
            if self.on_skip is not None:
                self.on_skip(
                    entry.monitor,
                    "previous check still running" if entry.running else "waiting for a free slot (max_concurrency)",
                )
        elif self.engine.active < self.max_concurrency:
            self._begin(entry, now - due)
        else:
            entry.waiting = True
            self._waiting.append(entry)
        # next grid point; if the process stalled past several, skip them (counted) rather than burst
        if entry.expedited:  # a retry ran early: the regular tick k is still ahead
            entry.expedited = False
        else:
            entry.k += 1
        entry.due = self._t0 + entry.phase + entry.k * entry.monitor.interval
        if entry.due <= now:
            missed = math.floor((now - entry.due) / entry.monitor.interval) + 1
            self.skipped += missed
            entry.k += missed
            entry.due += missed * entry.monitor.interval
        self._push(entry)

    def _begin(self, entry: _Entry, lateness: float) -> None:
        self.lateness.add(lateness)
        self.lateness_histogram.add(lateness)
        self.started += 1
        self._idle.clear()

        def done(result: Result) -> None:
            entry.running = None
            self._check_idle()
            self._start_waiting()
            self.on_result(result)

        entry.running = self.engine.start(entry.prepared, done)

    def _start_waiting(self) -> None:
        while self._waiting and self.engine.active < self.max_concurrency and not self._stopped:
            entry = self._waiting.popleft()
            entry.waiting = False
            if not entry.removed:
                # lateness of a queued check counts from the grid point it was due at
                self._begin(entry, self._clock() - (entry.due - entry.monitor.interval))

    def _check_idle(self) -> None:
        if self.engine.active == 0:
            self._idle.set()
