"""Section 5, memory: RSS per idle monitor, and RSS over a long run.

* Per idle monitor: a real ``sitewatch run`` (one process: ``--workers 1`` where that option
  exists; store and status page on, as in production) with 100,000 monitors every 3,600 s (so
  almost none has been checked yet: ~28 checks/s) and the same with 0 monitors. Once /healthz
  answers and a settling time has passed, the RSS of the process tree is read a few times; the
  figure is (RSS with 100k − RSS with 0) / 100k. Median over runs.
* Long run: 1,000 monitors every 1 s (1,000 checks/s of nginx, body verified) for 10 minutes
  (1 with ``--quick``), RSS sampled every few seconds. The first quarter is warm-up (the last 50
  checks per monitor, the store's buffer and SQLite's cache fill up); "grows" means the highest
  RSS of the last quarter is more than 2 % (and 2 MB) above the highest of the second quarter.
  A least-squares slope over the second half is given too.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from _nginx import Nginx

from .common import CPU_TARGET, CPU_TOOL, Ctx, median
from .monitor_proc import MonitorProcess, write_config

IDLE_MONITORS = 100_000


def idle_rss(ctx: Ctx, url: str, monitors: int, workers: int | None) -> float | None:
    settle = 4.0 if ctx.quick else 15.0
    config = write_config(ctx.tmp / f"memory-{monitors}.json", monitors, url, interval=3600.0)
    with MonitorProcess(ctx.tmp, "memory", config, cpu=CPU_TOOL, workers=workers, duration=settle + 200) as p:
        if not p.wait_ready(timeout=180):
            ctx.note(f"memory: sitewatch with {monitors} monitors did not start: {p.console()[-300:]}")
            return None
        time.sleep(settle)
        samples = []
        for _ in range(5):
            samples.append(p.rss())
            time.sleep(0.5)
    return float(statistics.median(samples))


def long_run(ctx: Ctx, url: str, workers: int | None) -> dict[str, Any]:
    seconds, every = (60.0, 2.0) if ctx.quick else (600.0, 5.0)
    config = write_config(ctx.tmp / "memory-long.json", 1000, url, interval=1.0)
    series: list[tuple[float, float]] = []
    with MonitorProcess(ctx.tmp, "memory-long", config, cpu=CPU_TOOL, workers=workers, duration=seconds + 120) as p:
        if not p.wait_ready():
            ctx.note(f"memory: the long run did not start: {p.console()[-300:]}")
            return {"series": []}
        t0 = time.monotonic()
        checks0 = p.scrape().checks
        while time.monotonic() - t0 < seconds and p.alive:
            series.append((time.monotonic() - t0, p.rss() / 2**20))
            time.sleep(every)
        checks = p.scrape().checks - checks0
        elapsed = time.monotonic() - t0
    return {"series": series, "seconds": elapsed, "check_rate": checks / elapsed, **verdict(series)}


def verdict(series: list[tuple[float, float]]) -> dict[str, Any]:
    if len(series) < 8:
        return {"start_mb": None, "end_mb": None, "max_mb": None, "grows": None, "slope_mb_per_min": None}
    values = [v for _, v in series]
    n = len(values)
    q2, q4 = values[n // 4 : n // 2], values[3 * n // 4 :]
    half = series[n // 2 :]
    mean_t = statistics.fmean(t for t, _ in half)
    mean_v = statistics.fmean(v for _, v in half)
    var_t = sum((t - mean_t) ** 2 for t, _ in half)
    slope = sum((t - mean_t) * (v - mean_v) for t, v in half) / var_t if var_t else 0.0
    grows = max(q4) > max(q2) * 1.02 and max(q4) - max(q2) > 2.0
    return {
        "start_mb": values[0],
        "after_warmup_mb": values[n // 4],
        "end_mb": values[-1],
        "max_mb": max(values),
        "grows": grows,
        "slope_mb_per_min": slope * 60,
    }


def measure(ctx: Ctx, workers_option: bool) -> dict[str, Any]:
    workers = 1 if workers_option else None
    per_monitor, base, full = [], [], []
    with Nginx(cpu=CPU_TARGET) as nginx:
        for i in range(ctx.runs):
            empty = idle_rss(ctx, nginx.url, 0, workers)
            loaded = idle_rss(ctx, nginx.url, IDLE_MONITORS, workers)
            if empty is None or loaded is None:
                continue
            base.append(empty / 2**20)
            full.append(loaded / 2**20)
            per_monitor.append((loaded - empty) / IDLE_MONITORS)
            ctx.say(
                f"memory run {i + 1}: RSS {empty / 2**20:.1f} MB with 0 monitors, {loaded / 2**20:.1f} MB with "
                f"{IDLE_MONITORS:,} → {per_monitor[-1]:,.0f} bytes per idle monitor"
            )
        ctx.say(f"memory: long run ({'1 minute' if ctx.quick else '10 minutes'}) at 1,000 checks/s …")
        long = long_run(ctx, nginx.url, workers)
    ctx.say(
        f"memory long run: RSS start {long.get('start_mb') or 0:.1f} MB, end {long.get('end_mb') or 0:.1f} MB, "
        f"max {long.get('max_mb') or 0:.1f} MB, grows: {long.get('grows')}"
    )
    return {
        "bytes_per_idle_monitor": median(per_monitor),
        "rss_empty_mb": median(base),
        "rss_100k_mb": median(full),
        "long": long,
    }
