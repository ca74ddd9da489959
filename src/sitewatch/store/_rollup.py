"""Rollups: raw results → minute → hour → day, each level built from the one below it.

Done incrementally behind watermarks kept in the store's meta (``rollup_60`` = every minute before
this epoch second is rolled up). A minute is rolled up only once it is older than ``grace`` —
longer than any check can take — so no result can arrive for it afterwards.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable

from . import _hist
from ._base import LEVELS, US, Rollup, Store

RAW = 0


def watermark(store: Store, level: int) -> int | None:
    value = store.get_meta(f"rollup_{level}")
    return None if value is None else int(value)


def watermarks(store: Store) -> dict[int, int]:
    """Per level, the epoch second before which rollups are complete (0 when none are)."""
    return {level: watermark(store, level) or 0 for level in LEVELS}


def aggregate_results(store: Store, monitor: str, start: int, end: int, level: int) -> list[Rollup]:
    """Roll the raw results of ``monitor`` in [start, end) up into buckets of ``level`` seconds."""
    out: dict[tuple[int, str], Rollup] = {}
    cursor = None
    while True:
        page = store.query(monitor, start * US, end * US, cursor=cursor, limit=5000)
        for r in page.results:
            bucket = int(r.ts // level) * level
            roll = out.get((bucket, r.location))
            if roll is None:
                roll = out[(bucket, r.location)] = Rollup(monitor, r.location, bucket)
            add_result(roll, r.result, r.time_ms)
        if page.cursor is None:
            return list(out.values())
        cursor = page.cursor


def add_result(roll: Rollup, result: str, time_ms: float | None) -> None:
    roll.counts[result] = roll.counts.get(result, 0) + 1
    if time_ms is not None:
        b = _hist.bucket_of(time_ms)
        roll.hist[b] = roll.hist.get(b, 0) + 1
        if roll.time_max_ms is None or time_ms > roll.time_max_ms:
            roll.time_max_ms = time_ms


def merge(into: Rollup, other: Rollup) -> None:
    for name, count in other.counts.items():
        into.counts[name] = into.counts.get(name, 0) + count
    for b, count in other.hist.items():
        into.hist[b] = into.hist.get(b, 0) + count
    if other.time_max_ms is not None and (into.time_max_ms is None or other.time_max_ms > into.time_max_ms):
        into.time_max_ms = other.time_max_ms


def aggregate_rollups(rollups: Iterable[Rollup], level: int) -> list[Rollup]:
    out: dict[tuple[int, str], Rollup] = {}
    for r in rollups:
        bucket = r.bucket // level * level
        roll = out.get((bucket, r.location))
        if roll is None:
            roll = out[(bucket, r.location)] = Rollup(r.monitor, r.location, bucket)
        merge(roll, r)
    return list(out.values())


class Maintenance:
    """Rolls up and prunes a little at a time; :meth:`step` is called by the store's writer thread."""

    def __init__(
        self,
        store: Store,
        *,
        grace_s: float = 70.0,
        raw_days: float = 30,
        rollup_days: float = 400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.grace_s = grace_s
        self.raw_days = raw_days
        self.rollup_days = rollup_days
        self.clock = clock

    def step(self, max_span: int = 3600) -> None:
        """Advance each level by at most ``max_span`` seconds' worth of buckets, then prune."""
        now = self.clock()
        source_done = math.floor((now - self.grace_s) / 60) * 60  # raw data complete before this
        below = RAW
        for level in LEVELS:
            start = watermark(self.store, level)
            if start is None:  # a new store: start at the current bucket, nothing to catch up
                start = source_done // level * level
                self.store.set_meta(f"rollup_{level}", str(start))
            target = source_done // level * level
            span = max(max_span, level)
            end = min(target, start + span // level * level)
            if end > start:
                for monitor in self.store.monitors():
                    if below == RAW:
                        rolled = aggregate_results(self.store, monitor, start, end, level)
                    else:
                        rolled = aggregate_rollups(self.store.rollups(below, monitor, start, end), level)
                    if rolled:
                        self.store.write_rollups(level, rolled)
                self.store.set_meta(f"rollup_{level}", str(end))
            source_done = watermark(self.store, level) or 0
            below = level

    def prune(self) -> int:
        now = self.clock()
        return self.store.prune(int((now - self.raw_days * 86400) * US), int(now - self.rollup_days * 86400))
