"""Section 2, full pipeline: sustained checks/s of one ``sitewatch run`` process, CPU per check.

``sitewatch run`` does everything it does in production: scheduler, checks (new connection, body
verified), log.txt, health.txt, the SQLite store, the status page. It gets a generated config of M
monitors of the nginx page (distinct query strings, interval 1 s, so M checks/s are offered) and
runs pinned to CPU 0 with nginx on CPU 1. At each step, after a settling time, a window of
``window`` whole seconds is measured without touching the process: CPU time of the process tree
from /proc at both ends; after the window /metrics is read once (``sitewatch_checks_total``,
``sitewatch_checks_skipped_total`` and the ``sitewatch_schedule_lateness_seconds`` histogram,
whole run) and the process is stopped; then log.txt gives every check due in the window: the
rate, the ticks that have no check (skipped) and each check's lateness (see monitor_proc).
Why not /metrics for the window itself: one scrape costs the process ~0.12 ms of CPU per monitor
(2 MB and 0.25 s with 2,000 monitors) and five of them in 6 s took p99 lateness from ~11 to 57 ms;
the figure would measure the scraper. The scrape's own cost is reported.

A step is *sustained* when no tick in the window was skipped and p99 lateness < 50 ms; the figure
is the rate of the highest sustained step. M goes up the step list until a step fails, then is
bisected between the last sustained and the failed M (``refine`` times). The same run measures
blackbox_exporter (as in section 1) for the ratio. When ``sitewatch run`` has ``--workers``, the
steps are done with ``--workers 1`` (pinned to CPU 0) and ``--workers 2`` (both cores, nginx
shares CPU 1) and the ratio of their sustained rates is reported.
"""

from __future__ import annotations

import time
from typing import Any

from _nginx import Nginx

from .blackbox import Blackbox
from .common import CPU_TARGET, CPU_TOOL, Ctx, histogram_quantile, median, percentiles, ratio
from .monitor_proc import MonitorProcess, write_config

FULL_STEPS = (1000, 2000, 4000, 6000, 8000, 10_000, 12_000, 16_000, 20_000, 24_000)
QUICK_STEPS = (2000, 4000, 8000, 12_000)
LATENESS_LIMIT_MS = 50.0


def one_step(ctx: Ctx, url: str, monitors: int, workers: int | None, pinned: bool) -> dict[str, Any]:
    settle, window = (2.0, 6) if ctx.quick else (6.0, 25)
    config = write_config(ctx.tmp / f"pipeline-{monitors}.json", monitors, url, interval=1.0)
    names = [f"m{i:06d}" for i in range(monitors)]
    cpu = CPU_TOOL if pinned else None
    step: dict[str, Any] = {"monitors": monitors, "offered": monitors / 1.0, "workers": workers or 1}
    with MonitorProcess(ctx.tmp, "pipeline", config, cpu=cpu, workers=workers, duration=settle + window + 90) as p:
        if not p.wait_ready():
            step["error"] = "did not start: " + p.console()[-300:]
            return step
        time.sleep(settle)
        since, c1 = time.time(), p.cpu()
        time.sleep(window)
        c2, rss = p.cpu(), p.rss()
        t0 = time.monotonic()
        scrape = p.scrape()
        scrape_s = time.monotonic() - t0
        p.stop()
        seen = p.log_window(names, 1.0, since, window)
    late = percentiles(seen["lateness_ms"])
    checks = seen["checks"]
    step.update(
        rate=checks / window,
        skipped=seen["missing"],
        lateness_p50_ms=late["p50"],
        lateness_p99_ms=late["p99"],
        lateness_max_ms=late["max"],
        cpu_ms_per_check=(c2 - c1) / checks * 1000 if checks else None,
        cpu_utilisation=(c2 - c1) / window,
        rss_mb=rss / 2**20,
        metrics_checks=scrape.checks,
        metrics_skipped=scrape.skipped,
        metrics_p99_ms=_ms(histogram_quantile(0.99, [], scrape.buckets)),
        scrape_s=scrape_s,
    )
    p99 = late["p99"]
    step["sustained"] = checks > 0 and seen["missing"] == 0 and p99 is not None and p99 < LATENESS_LIMIT_MS
    return step


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def steps_for(ctx: Ctx, url: str, workers: int | None, pinned: bool, label: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = []

    def run(monitors: int) -> dict[str, Any]:
        step = one_step(ctx, url, monitors, workers, pinned)
        steps.append(step)
        if "error" in step:
            ctx.note(f"pipeline {label} at {monitors} monitors: {step['error']}")
        else:
            ctx.say(
                f"pipeline {label}: {monitors} monitors → {step['rate']:,.0f} checks/s, skipped {step['skipped']}, "
                f"lateness p99 {_fmt(step['lateness_p99_ms'])} ms, {_fmt(step['cpu_ms_per_check'], 3)} ms "
                f"CPU/check, /metrics scrape {step['scrape_s']:.2f} s, "
                f"{'sustained' if step['sustained'] else 'NOT sustained'}"
            )
        return step

    good, bad = 0, None
    for monitors in QUICK_STEPS if ctx.quick else FULL_STEPS:
        step = run(monitors)
        if "error" in step:
            break
        if not step["sustained"]:
            bad = monitors
            break
        good = monitors
    for _ in range(1 if ctx.quick else 3):  # bisect between the last good and the first bad M
        if bad is None or bad - good <= 500:
            break
        middle = (good + bad) // 2 // 250 * 250
        step = run(middle)
        if "error" in step:
            break
        good, bad = (middle, bad) if step["sustained"] else (good, middle)
    sustained = [s for s in steps if s.get("sustained")]
    best = max(sustained, key=lambda s: s["rate"]) if sustained else None
    return {
        "steps": sorted(steps, key=lambda s: s["monitors"]),
        "sustained": best["rate"] if best else None,
        "cpu_ms_per_check": best["cpu_ms_per_check"] if best else None,
        "lateness_p99_ms": best["lateness_p99_ms"] if best else None,
    }


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def measure(ctx: Ctx, workers_option: bool) -> dict[str, Any]:
    runs: list[dict[str, Any]] = []
    bb_seconds = 3.0 if ctx.quick else 10.0
    with Nginx(cpu=CPU_TARGET) as nginx:
        for i in range(ctx.runs):
            try:
                with Blackbox(ctx.tmp, cpu=CPU_TOOL) as bb:
                    bb_rate = bb.rate(nginx.url, bb_seconds)["rate"]
            except RuntimeError as exc:
                ctx.note(f"pipeline: {exc}; no ratio to blackbox_exporter")
                bb_rate = None
            one = steps_for(ctx, nginx.url, 1 if workers_option else None, True, f"run {i + 1}, one process")
            row: dict[str, Any] = {"blackbox": bb_rate, "one": one}
            row["ratio_vs_blackbox"] = ratio(one["sustained"], bb_rate)
            if workers_option:
                two = steps_for(ctx, nginx.url, 2, False, f"run {i + 1}, --workers 2")
                row["two"] = two
                row["ratio_two_vs_one"] = ratio(two["sustained"], one["sustained"])
            runs.append(row)
    figures: dict[str, Any] = {
        "workers_option": workers_option,
        "sustained": median(r["one"]["sustained"] for r in runs),
        "cpu_ms_per_check": median(r["one"]["cpu_ms_per_check"] for r in runs),
        "lateness_p99_ms": median(r["one"]["lateness_p99_ms"] for r in runs),
        "blackbox": median(r["blackbox"] for r in runs),
        "ratio_vs_blackbox": median(r["ratio_vs_blackbox"] for r in runs),
        "runs": runs,
    }
    if workers_option:
        figures["sustained_two"] = median(r["two"]["sustained"] for r in runs)
        figures["ratio_two_vs_one"] = median(r["ratio_two_vs_one"] for r in runs)
    return figures
