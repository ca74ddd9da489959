"""Cheap sample collection on the hub; the sorting happens later, off the hot path."""

from __future__ import annotations

from array import array
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
