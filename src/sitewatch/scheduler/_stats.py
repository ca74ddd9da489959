"""Cheap sample collection on the hub; the sorting happens later, off the hot path."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Summary:
    """Percentiles of a set of samples (same unit as the samples)."""

    count: int
    p50: float | None
    p95: float | None
    p99: float | None
    max: float | None


def summarize(values: array[float] | list[float]) -> Summary:
    """Nearest-rank percentiles; an empty set gives ``None`` everywhere."""
    if not values:
        return Summary(0, None, None, None, None)
    ordered = sorted(values)
    n = len(ordered)

    def rank(q: float) -> float:
        return ordered[min(n - 1, max(0, int(q * n + 0.999999) - 1))]

    return Summary(n, rank(0.50), rank(0.95), rank(0.99), ordered[-1])


class Samples:
    """A growing buffer of floats that is handed off whole (O(1)) and summarized elsewhere."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values: array[float] = array("d")

    def add(self, value: float) -> None:
        self._values.append(value)

    def __len__(self) -> int:
        return len(self._values)

    def take(self) -> array[float]:
        """Return everything collected so far and start afresh."""
        values, self._values = self._values, array("d")
        return values


class Histogram:
    """Cumulative counts over fixed upper bounds (Prometheus style), for the whole process life."""

    __slots__ = ("bounds", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...]) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last one is +Inf
        self.sum = 0.0

    def add(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.sum += value

    def cumulative(self) -> list[tuple[str, float]]:
        """[(le, count of values <= le)], ending with +Inf."""
        out, total = [], 0
        for bound, count in zip((*(repr(b) for b in self.bounds), "+Inf"), self.counts, strict=True):
            total += count
            out.append((bound, float(total)))
        return out
