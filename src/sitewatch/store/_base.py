"""The Store interface every backend satisfies, and the records that cross it.

The data model is Cassandra's shape, so a second backend changes no meaning: results are keyed by
monitor (partitioned by UTC day there) → start time → location, and every read is a range of that
key for one monitor — never a scan of everything. Times cross this interface as integer
microseconds since the Unix epoch (UTC).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import SitewatchError
from ..result import Result

US = 1_000_000
LEVELS = (60, 3600, 86400)  # rollup sizes in seconds: minute, hour, day


class StoreError(SitewatchError):
    """The store cannot be opened, read or written (the backend's own error is the cause)."""


@dataclass(frozen=True, slots=True)
class Transition:
    """A monitor's observed state changed at ``ts_us`` (from the check that changed it)."""

    monitor: str
    location: str
    ts_us: int
    old: str
    new: str
    result: str
    error: str | None = None


@dataclass(slots=True)
class Rollup:
    """All checks of one monitor at one location within one bucket of ``level`` seconds."""

    monitor: str
    location: str
    bucket: int  # epoch seconds, a multiple of the level
    counts: dict[str, int] = field(default_factory=dict)  # per result value
    time_max_ms: float | None = None
    hist: dict[int, int] = field(default_factory=dict)  # see _hist

    @property
    def checks(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Page:
    """One page of an interval query; pass ``cursor`` back to get the next (``None``: done)."""

    results: list[Result]
    cursor: str | None


class Store(Protocol):
    """What the rest of sitewatch may ask of a history store."""

    def write(self, results: Sequence[Result], transitions: Sequence[Transition] = ()) -> None:
        """Store a batch durably (one transaction where the backend has them)."""

    def query(
        self,
        monitor: str,
        since_us: int,
        until_us: int,
        *,
        location: str | None = None,
        result: str | None = None,
        cursor: str | None = None,
        limit: int = 1000,
    ) -> Page:
        """Results of ``monitor`` with ``since_us <= ts < until_us``, oldest first, one page."""

    def monitors(self) -> list[str]:
        """Every monitor name that has ever been stored."""

    def latest(self) -> list[Result]:
        """The most recent result of every monitor at every location."""

    def recent(self, monitor: str, limit: int = 50) -> list[Result]:
        """The newest ``limit`` results of ``monitor`` (every location), oldest first."""

    def transitions(self, monitor: str, since_us: int, until_us: int) -> list[Transition]:
        """State changes of ``monitor`` in the interval plus, per location, the last one before it."""

    def rollups(self, level: int, monitor: str, since: int, until: int) -> Iterator[Rollup]:
        """Rollups of ``level`` seconds with ``since <= bucket < until`` (epoch seconds)."""

    def write_rollups(self, level: int, rollups: Sequence[Rollup]) -> None:
        """Store (replace) rollups of ``level`` seconds."""

    def get_meta(self, key: str) -> str | None:
        """A small persistent value (watermarks)."""

    def set_meta(self, key: str, value: str) -> None:
        """Set a small persistent value."""

    def prune(self, raw_before_us: int, rollups_before: int, limit: int = 10_000) -> int:
        """Delete raw results older than ``raw_before_us`` and rollups older than
        ``rollups_before`` (epoch s), at most about ``limit`` rows per call. Returns rows deleted."""

    def size_bytes(self) -> int:
        """Bytes the store occupies (for the bytes-per-check figure)."""

    def close(self) -> None:
        """Release the backend's resources."""
