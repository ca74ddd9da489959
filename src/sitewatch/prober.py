"""The probing side of the monitor behind one face: in this process, or in worker processes.

:class:`LocalProber` is the engine and scheduler on this process's hub; the worker pool
(:mod:`sitewatch.workers`) runs one per core and looks the same to the :class:`~sitewatch.runner.Runner`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from .config import Monitor
from .probe import Engine
from .result import Result
from .scheduler import Histogram, Samples, Scheduler

OnResult = Callable[[Result], None]
OnSkip = Callable[[Monitor, str], None]


class Prober(Protocol):
    """What the runner needs from whatever runs the checks."""

    location: str
    max_concurrency: int
    lateness: Samples  # check-start lateness since the minute task last took it

    @property
    def lateness_histogram(self) -> Histogram:
        """Check-start lateness over the process's life."""

    @property
    def monitors(self) -> list[Monitor]: ...

    @property
    def started(self) -> int: ...

    @property
    def skipped(self) -> int: ...

    def set_monitors(self, monitors: Iterable[Monitor]) -> None: ...

    def start(self) -> None: ...

    def expedite(self, name: str, delay: float) -> None: ...

    def stop(self, grace: float) -> int:
        """Stop checking; returns how many running checks were cancelled."""

    def close(self) -> None: ...


class LocalProber:
    """Engine and scheduler on this process's own hub."""

    def __init__(self, on_result: OnResult, on_skip: OnSkip, *, location: str, max_concurrency: int) -> None:
        self.engine = Engine(location=location)
        self.scheduler = Scheduler(self.engine, on_result, max_concurrency=max_concurrency, on_skip=on_skip)
        self.lateness = self.scheduler.lateness
        self.lateness_histogram = self.scheduler.lateness_histogram

    @property
    def location(self) -> str:
        return self.engine.location

    @location.setter
    def location(self, value: str) -> None:
        self.engine.location = value

    @property
    def max_concurrency(self) -> int:
        return self.scheduler.max_concurrency

    @max_concurrency.setter
    def max_concurrency(self, value: int) -> None:
        self.scheduler.max_concurrency = value

    @property
    def monitors(self) -> list[Monitor]:
        return self.scheduler.monitors

    @property
    def started(self) -> int:
        return self.scheduler.started

    @property
    def skipped(self) -> int:
        return self.scheduler.skipped

    def set_monitors(self, monitors: Iterable[Monitor]) -> None:
        self.scheduler.set_monitors(monitors)

    def start(self) -> None:
        self.scheduler.start()

    def expedite(self, name: str, delay: float) -> None:
        self.scheduler.expedite(name, delay)

    def stop(self, grace: float) -> int:
        return self.scheduler.stop(grace=grace)

    def close(self) -> None:
        self.engine.close()
