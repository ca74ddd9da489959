"""Engine throughput: checks/s on one core against a local nginx, body verified, new connection each.

    .venv/bin/python bench/engine.py [--checks 20000] [--concurrency 100] [--runs 3]

The client is pinned to CPU 0 and nginx to CPU 1. Each check is a full sitewatch check (fresh TCP
connection, no DNS cache, phase timings, 2 KB body decoded and searched for a keyword, a Result
built and classified). Prints the median of the runs. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gevent
import gevent.event
from _nginx import KEYWORD, Nginx

from sitewatch.config import parse_config
from sitewatch.probe import Engine
from sitewatch.result import Result


def one_run(url: str, checks: int, concurrency: int) -> tuple[float, float, dict[str, int]]:
    monitor = parse_config([{"url": url, "contains": KEYWORD, "timeout": "5s"}]).monitors[0]
    engine = Engine()
    prepared = engine.prepare(monitor)
    outcomes: dict[str, int] = {}
    started = 0
    finished = gevent.event.Event()
    remaining = checks

    def done(result: Result) -> None:
        nonlocal started, remaining
        outcomes[result.result] = outcomes.get(result.result, 0) + 1
        remaining -= 1
        if started < checks:
            started += 1
            engine.start(prepared, done)
        elif remaining == 0:
            finished.set()

    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for _ in range(min(concurrency, checks)):
        started += 1
        engine.start(prepared, done)
    finished.wait()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    engine.close()
    return checks / wall, cpu / checks * 1000, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.sched_setaffinity(0, {0})
    with Nginx(cpu=1) as nginx:
        one_run(nginx.url, 2000, args.concurrency)  # warm-up
        rates, cpus = [], []
        for i in range(args.runs):
            rate, cpu_ms, outcomes = one_run(nginx.url, args.checks, args.concurrency)
            rates.append(rate)
            cpus.append(cpu_ms)
            print(f"run {i + 1}: {rate:,.0f} checks/s, {cpu_ms:.3f} ms CPU/check, results {outcomes}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"median: {statistics.median(rates):,.0f} checks/s on one core (new connection per check, "
        f"2 KB body verified), {statistics.median(cpus):.3f} ms CPU/check, peak RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
