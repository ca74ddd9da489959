"""The supervisor's side: N worker processes, each owning a stable shard of the monitors.

Results come back over each worker's stdout and go through the supervisor's one pipeline (log,
store, state, alerts, page), so there is one ordered stream and nothing is written twice. A
worker that dies is restarted (after 1 s, then longer) and is sent its shard again.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

import gevent
from gevent import subprocess

from ..config import Monitor
from ..prober import OnResult, OnSkip
from ..scheduler import Histogram, Samples
from ..scheduler._scheduler import LATENESS_BOUNDS
from ._wire import decode, encode_monitor, result_of, shard_of


class _Worker:
    def __init__(self, index: int) -> None:
        self.index = index
        self.proc: Any = None
        self.reader: gevent.Greenlet | None = None
        self.started = self.skipped = 0
        self.counts = [0] * (len(LATENESS_BOUNDS) + 1)
        self.lateness_sum = 0.0
        self.restarts = 0


class WorkerPool:
    """Looks like a :class:`~sitewatch.prober.LocalProber` to the runner."""

    def __init__(
        self,
        workers: int,
        on_result: OnResult,
        on_skip: OnSkip,
        *,
        location: str,
        max_concurrency: int,
        on_event: Callable[[str], None] = lambda text: None,
    ) -> None:
        self.on_result = on_result
        self.on_skip = on_skip
        self.on_event = on_event
        self._location = location
        self._max_concurrency = max_concurrency
        self._workers = [_Worker(i) for i in range(workers)]
        self._monitors: dict[str, Monitor] = {}
        self._stopping = False
        self._retired = _Worker(-1)  # counters of workers that died, so totals never go back
        self.lateness = Samples()

    # -- the Prober face -------------------------------------------------------------------------

    @property
    def location(self) -> str:
        return self._location

    @location.setter
    def location(self, value: str) -> None:
        self._location = value
        self._broadcast(["L", value])

    @property
    def max_concurrency(self) -> int:
        return self._max_concurrency

    @max_concurrency.setter
    def max_concurrency(self, value: int) -> None:
        self._max_concurrency = value
        self._broadcast(["C", value])

    @property
    def monitors(self) -> list[Monitor]:
        return list(self._monitors.values())

    @property
    def started(self) -> int:
        return self._retired.started + sum(w.started for w in self._workers)

    @property
    def skipped(self) -> int:
        return self._retired.skipped + sum(w.skipped for w in self._workers)

    @property
    def lateness_histogram(self) -> Histogram:
        h = Histogram(LATENESS_BOUNDS)
        for w in (self._retired, *self._workers):
            h.counts = [a + b for a, b in zip(h.counts, w.counts, strict=True)]
            h.sum += w.lateness_sum
        return h

    def set_monitors(self, monitors: Iterable[Monitor]) -> None:
        self._monitors = {m.name: m for m in monitors}
        for worker in self._workers:
            self._send_shard(worker)

    def start(self) -> None:
        for worker in self._workers:
            self._spawn(worker)

    def expedite(self, name: str, delay: float) -> None:
        self._send(self._workers[shard_of(name, len(self._workers))], ["E", name, delay])

    def stop(self, grace: float) -> int:
        self._stopping = True
        self._broadcast(["Q"])
        readers = [w.reader for w in self._workers if w.reader is not None]
        gevent.joinall(readers, timeout=grace + 0.5)
        for worker in self._workers:
            if worker.proc is not None and worker.proc.poll() is None:
                worker.proc.kill()
        return 0

    def close(self) -> None:
        for worker in self._workers:
            if worker.proc is not None and worker.proc.poll() is None:
                worker.proc.kill()

    # -- workers ---------------------------------------------------------------------------------

    def _spawn(self, worker: _Worker) -> None:
        worker.proc = subprocess.Popen(
            [sys.executable, "-m", "sitewatch", "_probe"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self._send(worker, ["L", self._location])
        self._send(worker, ["C", self._max_concurrency])
        self._send_shard(worker)
        worker.reader = gevent.spawn(self._read, worker, worker.proc)

    def _send_shard(self, worker: _Worker) -> None:
        n = len(self._workers)
        shard = [encode_monitor(m) for m in self._monitors.values() if shard_of(m.name, n) == worker.index]
        self._send(worker, ["M", shard])

    def _broadcast(self, message: list[Any]) -> None:
        for worker in self._workers:
            self._send(worker, message)

    def _send(self, worker: _Worker, message: list[Any]) -> None:
        proc = worker.proc
        if proc is None or proc.poll() is not None:
            return  # it will get everything when it is restarted
        try:
            proc.stdin.write((json.dumps(message) + "\n").encode())
            proc.stdin.flush()
        except OSError:
            pass  # it died; the reader restarts it

    def _read(self, worker: _Worker, proc: Any) -> None:
        for line in proc.stdout:
            try:
                message = decode(line)
            except ValueError:
                self.on_event(f"worker {worker.index}: unreadable line {line[:80]!r}")
                continue
            kind = message[0]
            if kind == "R":
                self.on_result(result_of(message))
            elif kind == "K":
                monitor = self._monitors.get(message[1])
                if monitor is not None:
                    self.on_skip(monitor, message[2])
            elif kind == "S":
                worker.started, worker.skipped, samples, worker.counts, worker.lateness_sum = message[1:6]
                for value in samples:
                    self.lateness.add(value)
        code = proc.wait()
        if self._stopping:
            return
        self._retire(worker)
        worker.restarts += 1
        delay = min(30.0, 2.0 ** (worker.restarts - 1))
        self.on_event(f"probe worker {worker.index} exited with code {code}; restarting in {delay:g} s")
        gevent.sleep(delay)
        if not self._stopping:
            self._spawn(worker)

    def _retire(self, worker: _Worker) -> None:
        r = self._retired
        r.started += worker.started
        r.skipped += worker.skipped
        r.counts = [a + b for a, b in zip(r.counts, worker.counts, strict=True)]
        r.lateness_sum += worker.lateness_sum
        worker.started = worker.skipped = 0
        worker.counts = [0] * len(worker.counts)
        worker.lateness_sum = 0.0
