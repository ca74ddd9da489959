"""sitewatch's Engine alone in this process: closed-loop checks/s against nginx, and a paced load.

    python -m suite.engine_child --url URL [--mode new|keepalive] [--seconds 10] [--concurrency 100]

Each check is a full sitewatch check (phase timings, the 2 KB body decoded and searched for the
keyword, a Result built and classified), ``--concurrency`` of them in flight; a finished check
starts the next. ``new`` is the product's behaviour: a fresh TCP connection per check.
``keepalive`` drops FRESH_CONNECT and FORBID_REUSE from libcurl's base options in this process
only (src/ is untouched), so connections are reused. After a warm-up, counts the checks that end
within ``--seconds`` and the CPU they took. Prints one JSON line. Run pinned by the caller.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import gevent
import gevent.event
import pycurl
from _nginx import KEYWORD

from sitewatch.config import parse_config
from sitewatch.probe import Engine, Prepared, _engine, _prepare
from sitewatch.result import Result

from .common import emit


def keep_alive() -> None:
    """Let libcurl reuse connections: the base options are read from both modules' globals."""
    options = tuple(o for o in _prepare.BASE_OPTIONS if o[0] not in (pycurl.FRESH_CONNECT, pycurl.FORBID_REUSE))
    _prepare.BASE_OPTIONS = options
    _engine.BASE_OPTIONS = options  # _engine imported the name itself


def prepare(engine: Engine, url: str, timeout: str = "5s") -> Prepared:
    monitor = parse_config([{"url": url, "contains": KEYWORD, "timeout": timeout}]).monitors[0]
    return engine.prepare(monitor)


def closed_loop(url: str, seconds: float, concurrency: int, warmup: float, max_checks: int) -> dict[str, Any]:
    engine = Engine()
    prepared = prepare(engine, url)
    outcomes: dict[str, int] = {}
    state = {"started": 0, "finished": 0, "stopping": False}
    idle = gevent.event.Event()

    def done(result: Result) -> None:
        state["finished"] += 1
        outcomes[result.result] = outcomes.get(result.result, 0) + 1
        if not state["stopping"] and state["started"] < max_checks:
            state["started"] += 1
            engine.start(prepared, done)
        elif engine.active == 0:
            idle.set()

    for _ in range(concurrency):
        state["started"] += 1
        engine.start(prepared, done)
    gevent.sleep(warmup)
    outcomes.clear()
    c0, cpu0, t0 = state["finished"], time.process_time(), time.perf_counter()
    gevent.sleep(seconds)
    c1, cpu1, t1 = state["finished"], time.process_time(), time.perf_counter()
    state["stopping"] = True
    idle.wait(timeout=10)
    engine.close()
    checks = c1 - c0
    return {
        "rate": checks / (t1 - t0),
        "cpu_ms_per_check": (cpu1 - cpu0) / checks * 1000 if checks else None,
        "checks": checks,
        "not_up": sum(n for r, n in outcomes.items() if r != "up"),
        "outcomes": outcomes,
    }


class PacedLoad:
    """Starts checks of ``url`` at ``rate`` per second on this hub (at most ``cap`` in flight)."""

    def __init__(self, engine: Engine, url: str, rate: float, cap: int = 500) -> None:
        self.engine, self.rate, self.cap = engine, rate, cap
        self.prepared = prepare(engine, url, timeout="2s")
        self.started = self.finished = self.not_up = 0
        self._greenlet: gevent.Greenlet | None = None
        self._stop = False

    def _done(self, result: Result) -> None:
        self.finished += 1
        self.not_up += result.result != "up"

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop:
            gevent.sleep(0.005)
            due = int((time.monotonic() - t0) * self.rate) - self.started
            for _ in range(max(0, min(due, self.cap - (self.started - self.finished)))):
                self.started += 1
                self.engine.start(self.prepared, self._done)

    def start(self) -> None:
        self._greenlet = gevent.spawn(self._run)
        self._t0 = time.monotonic()

    def stop(self) -> float:
        """Stop starting checks; returns the achieved rate of finished checks."""
        self._stop = True
        if self._greenlet is not None:
            self._greenlet.join(timeout=2)
        return self.finished / max(1e-9, time.monotonic() - self._t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--mode", choices=["new", "keepalive"], default="new")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--max-checks", type=int, default=5_000_000)
    args = parser.parse_args()
    if args.mode == "keepalive":
        keep_alive()
    figures = closed_loop(args.url, args.seconds, args.concurrency, args.warmup, args.max_checks)
    emit({"mode": args.mode, **figures})


if __name__ == "__main__":
    main()
