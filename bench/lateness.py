"""Minute-task and scheduler lateness while the full pipeline runs ~1,000 checks/s.

    .venv/bin/python bench/lateness.py [--monitors 1000] [--interval 1] [--seconds 130] [--period 60]

Runs the real ``Runner`` (scheduler, engine, log.txt, health.txt) in-process against a local
nginx: ``--monitors`` monitors every ``--interval`` seconds (1,000 × 1 s = 1,000 checks/s), body
verified, new connection per check. The minute task fires every ``--period`` seconds (60 = the
real minute; a shorter period collects more ticks in less time, with the same work per tick).
Reports tick lateness p50/p99/max and check-start lateness. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _nginx import KEYWORD, Nginx

from sitewatch.outputs import ConsoleReport
from sitewatch.runner import Runner
from sitewatch.scheduler import summarize


class MeasuredRunner(Runner):
    """Keeps every check-start lateness sample before the minute task consumes them."""

    check_lateness: list[float]

    def _on_minute(self, boundary: float, lateness: float) -> None:
        self.check_lateness.extend(self.scheduler.lateness._values)
        super()._on_minute(boundary, lateness)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--monitors", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=130.0)
    parser.add_argument("--period", type=float, default=60.0)
    args = parser.parse_args()
    os.sched_setaffinity(0, {0})
    out = Path(tempfile.mkdtemp(prefix="sitewatch-bench-"))
    with Nginx(cpu=1) as nginx:
        config = out / "urls.json"
        monitors = [
            {"name": f"m{i:05d}", "url": f"{nginx.url}?m={i}", "contains": KEYWORD, "interval": args.interval}
            for i in range(args.monitors)
        ]
        config.write_text(json.dumps({"settings": {"timeout": "900ms"}, "monitors": monitors}))
        runner = MeasuredRunner(
            config,
            {"log": str(out / "log.txt"), "health": str(out / "health.txt")},
            console=ConsoleReport(quiet=True),
            minute_period=args.period,
        )
        runner.check_lateness = []
        started = time.monotonic()
        runner.run(duration=args.seconds)
        elapsed = time.monotonic() - started
    log = [line for f in sorted(out.glob("log.txt*")) for line in f.read_text().splitlines()]  # rotated too
    checks = len(log)
    ups = sum(1 for line in log if " result=up " in line)
    ticks = [
        float(line.rsplit("lateness_ms=", 1)[1])
        for line in (out / "health.txt").read_text().splitlines()
        if "event=minute" in line and "monitor=m00000 " in line
    ]
    tick = summarize(ticks)
    late = summarize([x * 1000 for x in runner.check_lateness])
    print(
        f"{args.monitors} monitors every {args.interval:g} s for {elapsed:.0f} s: {checks:,} checks "
        f"({checks / elapsed:,.0f}/s, {ups:,} up), skipped {runner.scheduler.skipped}"
    )
    print(
        f"minute task ({len(ticks)} ticks every {args.period:g} s): lateness p50 {tick.p50:.3f} ms, "
        f"p99 {tick.p99:.3f} ms, max {tick.max:.3f} ms"
    )
    print(
        f"check starts ({late.count:,}): lateness p50 {late.p50:.3f} ms, p99 {late.p99:.3f} ms, max {late.max:.3f} ms"
    )


if __name__ == "__main__":
    main()
