"""Store figures: insert rate, bytes per check, one monitor's day, a 30-day report of 1,000 monitors.

    .venv/bin/python bench/store.py [--rows 1000000] [--monitors 1000]

Writes a throwaway SQLite file under /tmp. Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sitewatch.result import Result, iso_utc
from sitewatch.store import US, Maintenance, Rollup, SQLiteStore, watermarks
from sitewatch.store._report import build_report

DAY = 86400
TIMEOUT_DETAIL = "deadline passed while waiting for the first byte of the response"


def synthetic(monitors: int, per_monitor: int, start: float, every: float) -> list[Result]:
    rng = random.Random(7)
    rows = []
    for k in range(per_monitor):
        for m in range(monitors):
            ts = start + k * every + m * every / monitors + rng.random() / 1000
            roll = rng.random()
            if roll < 0.97:
                rows.append(Result(ts, f"monitor-{m:05d}", f"https://site-{m}.example/health", "local", "up",
                                   http_code=200, time_ms=rng.lognormvariate(4, 0.5), dns_ms=rng.uniform(0.5, 5),
                                   connect_ms=rng.uniform(1, 30), tls_ms=rng.uniform(5, 60),
                                   ttfb_ms=rng.uniform(20, 200), bytes=rng.randint(1000, 60000)))  # fmt: skip
            else:
                rows.append(Result(ts, f"monitor-{m:05d}", f"https://site-{m}.example/health", "local", "timeout",
                                   error="response", time_ms=10000.0, dns_ms=1.0, connect_ms=2.0, tls_ms=9.0,
                                   detail=TIMEOUT_DETAIL))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--monitors", type=int, default=1000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sitewatch-bench-store-"))
    now = float(int(time.time()) // 60 * 60)

    # 1. inserts: 10 s interval, the most recent rows/monitors*10 seconds
    per_monitor = args.rows // args.monitors
    start = now - per_monitor * 10
    rows = synthetic(args.monitors, per_monitor, start, 10.0)
    store = SQLiteStore(tmp / "insert.db")
    began = time.perf_counter()
    for i in range(0, len(rows), 5000):
        store.write(rows[i : i + 5000])
    took = time.perf_counter() - began
    print(f"insert: {len(rows):,} results in {took:.2f} s = {len(rows) / took:,.0f} results/s (batches of 5,000)")
    raw_bytes = store.size_bytes()
    print(f"size: {raw_bytes / len(rows):.1f} bytes per stored check (raw results, {raw_bytes / 1e6:.1f} MB)")
    for level in (60, 3600, 86400):
        store.set_meta(f"rollup_{level}", str(int(start) // level * level))
    maintenance = Maintenance(store, grace_s=0, clock=lambda: now)
    began = time.perf_counter()
    while watermarks(store)[60] < int(now) // 60 * 60:
        maintenance.step(max_span=DAY)
    print(
        f"rollups: {time.perf_counter() - began:.1f} s to roll up; with rollups "
        f"{store.size_bytes() / len(rows):.1f} bytes per stored check"
    )

    # 2. one monitor's day at a 10 s interval = 8,640 rows
    day = SQLiteStore(tmp / "day.db")
    day.write(synthetic(1, 8640, now - DAY, 10.0))
    timings = []
    for _ in range(20):
        began = time.perf_counter()
        page = day.query("monitor-00000", int((now - DAY) * US), int(now * US), limit=10_000)
        timings.append(time.perf_counter() - began)
    print(f"one monitor's day: {len(page.results):,} rows in {statistics.median(timings) * 1000:.1f} ms (median of 20)")
    day.close()

    # 3. a 30-day report of 1,000 monitors: day rollups for the middle, hour/minute rollups and raw
    #    results for the edges — what 30 days of a running store hold
    rep = SQLiteStore(tmp / "report.db")
    since, until = now - 30 * DAY - 1800.5, now - 30.5
    first_day = int(since) // DAY * DAY + DAY
    last_day = int(until) // DAY * DAY
    rng = random.Random(3)

    def roll(m: int, bucket: int, checks: int) -> Rollup:
        hist = {rng.randint(60, 90): checks - 1, 140: 1}
        return Rollup(f"monitor-{m:05d}", "local", bucket, {"up": checks - 1, "timeout": 1}, 10000.0, hist)

    for m in range(args.monitors):
        rep.write_rollups(86400, [roll(m, d, 8640) for d in range(first_day, last_day, DAY)])
        hours = list(range(first_day - DAY, first_day, 3600)) + list(range(last_day, last_day + DAY, 3600))
        rep.write_rollups(3600, [roll(m, h, 360) for h in hours])
        minutes = list(range(int(since) // 60 * 60, int(since) // 3600 * 3600 + 3600, 60))
        minutes += list(range(int(until) // 3600 * 3600, int(until) // 60 * 60, 60))
        rep.write_rollups(60, [roll(m, b, 6) for b in minutes])
    rep.write(synthetic(args.monitors, 6, int(until) // 60 * 60, 10.0))
    rep.write(synthetic(args.monitors, 1, since - 1, 0.1))
    for level in (60, 3600, 86400):
        rep.set_meta(f"rollup_{level}", str(int(until) // level * level))
    rep.close()
    timings = []
    for _ in range(3):
        fresh = SQLiteStore(tmp / "report.db")  # cold caches in the process, as the CLI would be
        began = time.perf_counter()
        report = build_report(fresh, since, until, now)
        timings.append(time.perf_counter() - began)
        fresh.close()
    print(
        f"report: 30 days x {len(report):,} monitors in {statistics.median(timings):.2f} s (median of 3); "
        f"{report[0].checks:,} checks in the first row"
    )
    store.close()

    # 4. exporting history streams: RSS of `sitewatch history` for 10,000 rows vs. all of them
    big = SQLiteStore(tmp / "export.db")
    for k in range(0, args.rows, 100_000):
        big.write(synthetic(1, min(100_000, args.rows - k), now - args.rows + k, 1.0))
    big.close()
    for since in (now - 10_000, now - args.rows - 1):
        rss, lines = export_rss(tmp / "export.db", since)
        print(f"history export: {lines:,} rows as JSON Lines, peak RSS {rss:.0f} MB")


def export_rss(db: Path, since: float) -> tuple[float, int]:
    import subprocess

    code = (
        # VmHWM, not ru_maxrss: the latter survives exec and would include this (large) process
        "import sys; from sitewatch.cli import main; rc = main(sys.argv[1:]); "
        "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1]; "
        "print(hwm, file=sys.stderr); sys.exit(rc)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "history", "monitor-00000", f"--since={iso_utc(since)}", "--format", "json",
         "--store", f"sqlite:///{db}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    lines = sum(1 for _ in proc.stdout)
    rss_kb = float(proc.stderr.read().strip().splitlines()[-1])
    proc.wait()
    return rss_kb / 1024, lines


if __name__ == "__main__":
    sys.exit(main())
