"""Section 3, scheduler: check-start lateness with 10,000 and 100,000 monitors while checks run,
and the minute task's lateness.

Each scenario is a child process (``python -m suite.scheduler …``, pinned to CPU 0) that runs the
real ``Runner`` in-process — scheduler, engine, log.txt, health.txt, SQLite store, status page —
against nginx on CPU 1, as bench/lateness.py does. Instead of reading the coarse /metrics buckets,
it swaps the ``Samples`` class the scheduler and the minute ticker record lateness into for one that
also keeps a timestamped copy of every sample (nothing else changes), then drops the samples of
the first ``warmup`` seconds. Scenarios: 10,000 monitors every 60 s (~167 checks/s), 100,000 every
300 s (~333 checks/s) and 1,000 every 1 s (1,000 checks/s, bench/lateness.py's load). The minute
task fires every few seconds instead of every 60 (same work per tick, more ticks per run).
Per scenario the median over runs of p50/p99/max is reported; minute ticks are pooled over runs.
"""

from __future__ import annotations

import argparse
import inspect
import json
import time
from pathlib import Path
from typing import Any

from _nginx import Nginx, free_port

from .common import CPU_TARGET, CPU_TOOL, Ctx, emit, median, percentiles, run_child

SCENARIOS = ((10_000, 60.0), (100_000, 300.0), (1_000, 1.0))


def measure(ctx: Ctx) -> dict[str, Any]:
    seconds, warmup, period = (10.0, 2.0, 2.0) if ctx.quick else (60.0, 10.0, 5.0)
    figures: dict[str, Any] = {"seconds": seconds, "warmup": warmup, "minute_period": period}
    with Nginx(cpu=CPU_TARGET) as nginx:
        for monitors, interval in SCENARIOS:
            runs, ticks = [], []
            for i in range(ctx.runs):
                args = ["--url", nginx.url, "--monitors", str(monitors), "--interval", str(interval),
                        "--seconds", str(seconds), "--warmup", str(warmup), "--period", str(period),
                        "--tmp", str(ctx.tmp)]  # fmt: skip
                child = run_child(ctx, "scheduler", args, cpu=CPU_TOOL, timeout=seconds + 240)
                runs.append(child)
                ticks.extend(child.pop("ticks_ms"))
                ctx.say(
                    f"scheduler {monitors:,} monitors / {interval:g} s, run {i + 1}: {child['checks']:,} checks "
                    f"({child['rate']:,.0f}/s), lateness p50 {child['late']['p50']:.3f} ms, p99 "
                    f"{child['late']['p99']:.3f} ms, max {child['late']['max']:.3f} ms, skipped {child['skipped']}"
                )
            figures[str(monitors)] = {
                "interval": interval,
                "rate": median(r["rate"] for r in runs),
                "skipped": median(r["skipped"] for r in runs),
                "p50_ms": median(r["late"]["p50"] for r in runs),
                "p99_ms": median(r["late"]["p99"] for r in runs),
                "max_ms": median(r["late"]["max"] for r in runs),
                "samples": sum(r["late"]["count"] for r in runs),
                "minute": percentiles(ticks),
                "runs": runs,
            }
    return figures


# -- the child ------------------------------------------------------------------------------------


def child(args: argparse.Namespace) -> dict[str, Any]:
    import sitewatch.scheduler._minute as minute_module
    import sitewatch.scheduler._scheduler as scheduler_module
    from sitewatch.outputs import ConsoleReport
    from sitewatch.runner import Runner
    from sitewatch.scheduler import Samples

    checks: list[tuple[float, float]] = []
    ticks: list[tuple[float, float]] = []

    class CheckSamples(Samples):
        def add(self, value: float) -> None:
            super().add(value)
            checks.append((time.monotonic(), value))

    class TickSamples(Samples):
        def add(self, value: float) -> None:
            super().add(value)
            ticks.append((time.monotonic(), value))

    scheduler_module.Samples = CheckSamples  # type: ignore[misc]
    minute_module.Samples = TickSamples  # type: ignore[misc]

    out = Path(args.tmp) / f"scheduler-{args.monitors}"
    out.mkdir(parents=True, exist_ok=True)
    monitors = [
        {"name": f"m{i:06d}", "url": f"{args.url}?m={i}", "contains": "sitewatch-benchmark-keyword",
         "interval": args.interval}
        for i in range(args.monitors)
    ]  # fmt: skip
    config = out / "urls.json"
    config.write_text(json.dumps({"settings": {"timeout": "900ms"}, "monitors": monitors}))
    for old in out.glob("h.db*"):
        old.unlink()
    extra = {"workers": 1} if "workers" in inspect.signature(Runner).parameters else {}  # in this process
    runner = Runner(
        config,
        {"log": str(out / "log.txt"), "health": str(out / "health.txt"), "store": f"sqlite:///{out / 'h.db'}"},
        console=ConsoleReport(quiet=True),
        minute_period=args.period,
        web=("127.0.0.1", free_port()),
        **extra,
    )
    runner.run(duration=args.seconds)
    prober = getattr(runner, "prober", None) or getattr(runner, "scheduler", None)
    skipped = int(getattr(prober, "skipped", -1))
    if not checks:
        return {"checks": 0, "rate": 0.0, "skipped": skipped, "late": percentiles([]), "ticks_ms": []}
    start = checks[0][0] + args.warmup
    kept = [v * 1000 for t, v in checks if t >= start]
    span = max(1e-9, checks[-1][0] - start)
    for name in ("log.txt", "health.txt", "h.db", "h.db-wal", "h.db-shm", "urls.json"):
        (out / name).unlink(missing_ok=True)
    return {
        "monitors": args.monitors,
        "checks": len(kept),
        "rate": len(kept) / span,
        "skipped": skipped,
        "late": percentiles(kept),
        "ticks_ms": [v * 1000 for t, v in ticks if t >= start],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--monitors", type=int, default=10_000)
    parser.add_argument("--interval", type=float, default=60.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--period", type=float, default=5.0)
    parser.add_argument("--tmp", default="/tmp")
    emit(child(parser.parse_args()))


if __name__ == "__main__":
    main()
