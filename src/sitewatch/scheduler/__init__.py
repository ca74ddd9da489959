"""When checks run: the per-monitor scheduler and the UTC minute ticker, both on the gevent hub."""

from __future__ import annotations

from ._minute import MinuteTicker
from ._scheduler import Scheduler, phase_of
from ._stats import Histogram, Samples, Summary, summarize

__all__ = ["Histogram", "MinuteTicker", "Samples", "Scheduler", "Summary", "phase_of", "summarize"]
