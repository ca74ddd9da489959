"""Per-monitor reports over any interval, fast for long ones.

The interval is cut into pieces served by the coarsest data that covers them exactly: whole days
from day rollups, whole hours from hour rollups, whole minutes from minute rollups, and the ragged
edges (and anything newer than the rollups) from raw results. 30 days of one monitor is then ~30
day rows plus a few hundred edge rows instead of 43,200+ raw rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..result import RESULTS, SLOW, UP
from ..state import DOWN, UNKNOWN, state_of
from . import _hist
from ._base import LEVELS, US, Rollup, Store
from ._rollup import RAW, add_result, merge, watermarks

ALL_LOCATIONS = "*"
_SEVERITY = {UNKNOWN: 0, UP: 1, SLOW: 2, DOWN: 3}


def plan(since: float, until: float, marks: dict[int, int]) -> list[tuple[int, float, float]]:
    """Cut [since, until) into (level, start, end) pieces; level 0 means raw results."""
    pieces: list[tuple[int, float, float]] = []

    def cut(lo: float, hi: float, levels: tuple[int, ...]) -> None:
        if lo >= hi:
            return
        if not levels:
            pieces.append((RAW, lo, hi))
            return
        level, rest = levels[0], levels[1:]
        a = math.ceil(lo / level) * level
        b = min(math.floor(hi / level) * level, marks.get(level, 0))
        if a < b:
            cut(lo, a, rest)
            pieces.append((level, a, b))
            cut(b, hi, rest)
        else:
            cut(lo, hi, rest)

    cut(since, until, tuple(sorted(LEVELS, reverse=True)))
    return pieces


@dataclass(slots=True)
class ReportRow:
    """One line of a report: a monitor (at one location, or ``*`` for all)."""

    monitor: str
    location: str
    counts: dict[str, int] = field(default_factory=dict)
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    longest_outage_start: float | None = None
    longest_outage_s: float | None = None
    state: str = UNKNOWN
    approximate: bool = False  # percentiles read from rollup histograms (±4.5 %)

    @property
    def checks(self) -> int:
        return sum(self.counts.values())

    @property
    def availability(self) -> float | None:
        total = self.checks
        return None if not total else 100.0 * (self.counts.get(UP, 0) + self.counts.get(SLOW, 0)) / total


def build_report(
    store: Store,
    since: float,
    until: float,
    now: float,
    *,
    monitors: Iterable[str] | None = None,
    by_location: bool = False,
) -> list[ReportRow]:
    """One :class:`ReportRow` per monitor (and location, with ``by_location``)."""
    pieces = plan(since, until, watermarks(store))
    exact = all(level == RAW for level, _, _ in pieces)
    latest: dict[tuple[str, str], str] = {(r.monitor, r.location): state_of(r.result) for r in store.latest()}
    rows = []
    for monitor in sorted(monitors if monitors is not None else store.monitors()):
        per_location: dict[str, Rollup] = {}
        times: dict[str, list[float]] = {}
        for level, start, end in pieces:
            if level == RAW:
                _add_raw(store, monitor, start, end, per_location, times if exact else None)
            else:
                for roll in store.rollups(level, monitor, int(start), int(end)):
                    merge(per_location.setdefault(roll.location, Rollup(monitor, roll.location, 0)), roll)
        outages = _longest_outages(store, monitor, since, min(until, now))
        groups = {loc: [loc] for loc in per_location} if by_location else {ALL_LOCATIONS: list(per_location)}
        if not per_location and not by_location:
            groups = {ALL_LOCATIONS: []}
        for label, locations in groups.items():
            combined = Rollup(monitor, label, 0)
            for loc in locations:
                merge(combined, per_location[loc])
            values = sorted(v for loc in locations for v in times.get(loc, []))
            row = ReportRow(monitor, label, counts=dict(combined.counts), max_ms=combined.time_max_ms)
            row.approximate = not exact
            if exact:
                row.p50_ms, row.p95_ms, row.p99_ms = (_rank(values, q) for q in (0.5, 0.95, 0.99))
            else:
                row.p50_ms, row.p95_ms, row.p99_ms = (_hist.percentile(combined.hist, q) for q in (0.5, 0.95, 0.99))
            best = max(
                (outages[loc] for loc in (locations if by_location else outages) if loc in outages),
                key=lambda o: o[1],
                default=None,
            )
            if best is not None:
                row.longest_outage_start, row.longest_outage_s = best
            states = [latest[(monitor, loc)] for loc in (locations or []) if (monitor, loc) in latest]
            if not by_location:
                states = [s for (m, _), s in latest.items() if m == monitor]
            row.state = max(states, key=_SEVERITY.__getitem__, default=UNKNOWN)
            rows.append(row)
    return rows


def _add_raw(
    store: Store,
    monitor: str,
    start: float,
    end: float,
    per_location: dict[str, Rollup],
    times: dict[str, list[float]] | None,
) -> None:
    cursor = None
    while True:
        page = store.query(monitor, math.ceil(start * US), math.ceil(end * US), cursor=cursor, limit=5000)
        for r in page.results:
            roll = per_location.get(r.location)
            if roll is None:
                roll = per_location[r.location] = Rollup(monitor, r.location, 0)
            add_result(roll, r.result, r.time_ms)
            if times is not None and r.time_ms is not None:
                times.setdefault(r.location, []).append(r.time_ms)
        if page.cursor is None:
            return
        cursor = page.cursor


def _rank(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def _longest_outages(store: Store, monitor: str, since: float, until: float) -> dict[str, tuple[float, float]]:
    """Per location: (start, seconds) of the longest stretch in state ``down`` within the interval."""
    state: dict[str, tuple[str, float]] = {}  # location → (state, since when, clamped to the interval)
    best: dict[str, tuple[float, float]] = {}

    def close(location: str, at: float) -> None:
        current = state.get(location)
        if current and current[0] == DOWN and at > current[1]:
            length = at - current[1]
            if location not in best or length > best[location][1]:
                best[location] = (current[1], length)

    for t in store.transitions(monitor, int(since * US), int(until * US)):
        ts = max(t.ts_us / US, since)
        close(t.location, ts)
        state[t.location] = (t.new, ts)
    for location in list(state):
        close(location, until)
    return best


__all__ = ["ALL_LOCATIONS", "RESULTS", "ReportRow", "build_report", "plan"]
