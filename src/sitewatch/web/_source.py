"""What the page, the API and /metrics show, from the running monitor or from the store alone.

Everything here may be called from a worker thread (the web handlers push their work off the hub),
so it only reads the monitor's structures, taking snapshots with single C-level copies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ..config import Monitor
from ..result import SLOW, UP, Result, now
from ..state import DOWN, RECENT, UNKNOWN, StateTracker, state_of
from ..store import Store, StoreError
from ..store._report import build_report

ORDER = {DOWN: 0, SLOW: 1, UNKNOWN: 2, UP: 3}  # problems first on the page
STATES = (UP, SLOW, DOWN, UNKNOWN)


@dataclass(slots=True)
class MonitorView:
    """One row of the status page / one entry of ``GET /api/monitors``."""

    monitor: str
    location: str
    url: str
    state: str
    since: float | None
    last: Result | None
    availability_24h: float | None = None
    recent: list[tuple[float, float | None, str]] = field(default_factory=list)
    maintenance: bool = False

    def matches(self, query: str) -> bool:
        last = self.last
        hay = f"{self.monitor} {self.url} {self.location} {self.state}"
        if last is not None:
            hay += f" {last.result} {last.error or ''} {last.detail or ''} {last.http_code or ''}"
        return query in hay.lower()


class Source(Protocol):
    """Where views come from: the live process (``run``) or the store (``serve``)."""

    @property
    def store(self) -> Store | None:
        """The history store, if this process keeps one."""

    def views(self) -> list[MonitorView]:
        """Every monitor (per location), problems first, without ``recent`` filled in."""

    def fill_recent(self, views: list[MonitorView]) -> None:
        """Fill ``recent`` (the last checks) of the views about to be shown."""

    def latest(self) -> list[Result]:
        """The last result of every monitor and location (for /metrics)."""


class Availability:
    """24-hour availability per monitor from the store, recomputed in a thread at most once a
    minute (a report over rollups, so its cost does not grow with the check rate)."""

    def __init__(self, store: Store | None, every: float = 60.0) -> None:
        self.store = store
        self.every = every
        self._values: dict[tuple[str, str], float | None] = {}
        self._stamp = -1e18
        self._lock = threading.Lock()

    def get(self) -> dict[tuple[str, str], float | None]:
        # Soon after start-up (nothing known yet) refresh every few seconds, then once a minute.
        every = self.every if self._values else min(self.every, 5.0)
        if self.store is not None and time.monotonic() - self._stamp > every and self._lock.acquire(False):
            self._stamp = time.monotonic()
            threading.Thread(target=self._refresh, name="availability", daemon=True).start()
        return self._values

    def _refresh(self) -> None:
        try:
            assert self.store is not None
            current = now()
            rows = build_report(self.store, current - 86400, current, current, by_location=True)
            self._values = {(r.monitor, r.location): r.availability for r in rows}
        except StoreError:
            pass  # shown as unknown; the next refresh tries again
        finally:
            self._lock.release()


def _sort(views: list[MonitorView]) -> list[MonitorView]:
    views.sort(key=lambda v: (ORDER.get(v.state, 9), v.monitor, v.location))
    return views


class LiveSource:
    """The running monitor's own view: its configured monitors and their in-memory state."""

    def __init__(
        self,
        monitors: Callable[[], Iterable[Monitor]],
        tracker: StateTracker,
        location: Callable[[], str],
        store: Store | None,
    ) -> None:
        self._monitors = monitors
        self._tracker = tracker
        self._location = location
        self.store = store
        self._availability = Availability(store)

    def views(self) -> list[MonitorView]:
        states = dict(self._tracker.states)
        availability = self._availability.get()
        location = self._location()
        current = now()
        out = []
        for m in list(self._monitors()):
            st = states.get(m.name)
            out.append(
                MonitorView(
                    m.name, location, m.url, st.state if st else UNKNOWN, st.since if st else None,
                    st.last if st else None, availability.get((m.name, location)),
                    maintenance=m.in_maintenance(current),
                )
            )  # fmt: skip
        return _sort(out)

    def fill_recent(self, views: list[MonitorView]) -> None:
        states = self._tracker.states
        for view in views:
            st = states.get(view.monitor)
            view.recent = st.recent.items() if st else []

    def latest(self) -> list[Result]:
        return [st.last for st in list(self._tracker.states.values()) if st.last is not None]


class StoreSource:
    """``sitewatch serve``: everything from the store, for one or many probe locations."""

    def __init__(self, store: Store, cache_s: float = 2.0) -> None:
        self.store = store
        self._availability = Availability(store)
        self._cache_s = cache_s
        self._cached: tuple[float, list[Result]] = (-1e18, [])

    def latest(self) -> list[Result]:
        stamp, rows = self._cached
        if time.monotonic() - stamp > self._cache_s:
            rows = self.store.latest()
            self._cached = (time.monotonic(), rows)
        return rows

    def views(self) -> list[MonitorView]:
        availability = self._availability.get()
        return _sort(
            [
                MonitorView(r.monitor, r.location, r.url, state_of(r.result), None, r,
                            availability.get((r.monitor, r.location)))
                for r in self.latest()
            ]
        )  # fmt: skip

    def fill_recent(self, views: list[MonitorView]) -> None:
        for view in views:
            rows = [r for r in self.store.recent(view.monitor, RECENT * 4) if r.location == view.location]
            view.recent = [(r.ts, r.time_ms, r.result) for r in rows[-RECENT:]]
