"""Section 6, store: runs bench/store.py (pinned to CPU 0) and takes its figures.

bench/store.py writes synthetic results into a throwaway SQLite store and prints: insert rate
(batches of 5,000), bytes per stored check (raw, and with rollups), one monitor's day as an
interval query (8,640 rows), a 30-day report of all monitors, and the peak RSS of a history
export. Full suite: its defaults (1,000,000 rows, 1,000 monitors); ``--quick``: 100,000 rows of
100 monitors. The median over runs of each figure is reported.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from typing import Any

from .common import BENCH, CPU_TOOL, REPO, Ctx, child_env, median, pin

PATTERNS = {
    "insert_per_s": r"insert: [\d,]+ results in [\d.]+ s = ([\d,]+) results/s",
    "bytes_per_check": r"size: ([\d.]+) bytes per stored check",
    "bytes_per_check_with_rollups": r"with rollups ([\d.]+) bytes per stored check",
    "day_query_ms": r"one monitor's day: [\d,]+ rows in ([\d.]+) ms",
    "report_s": r"report: 30 days x [\d,]+ monitors in ([\d.]+) s",
    "export_small_rss_mb": r"history export: [\d,]+ rows as JSON Lines, peak RSS ([\d.]+) MB",
    "export_all_rss_mb": r"history export: [\d,]+ rows as JSON Lines, peak RSS [\d.]+ MB\n.*peak RSS ([\d.]+) MB",
}


def measure(ctx: Ctx) -> dict[str, Any]:
    args = ["--rows", "100000", "--monitors", "100"] if ctx.quick else []
    runs: list[dict[str, float | None]] = []
    scratch = ctx.tmp / "store"  # bench/store.py leaves its databases in $TMPDIR: keep them in ours
    for i in range(ctx.runs):
        scratch.mkdir(exist_ok=True)
        proc = subprocess.run(
            [*pin(CPU_TOOL), sys.executable, str(BENCH / "store.py"), *args],
            capture_output=True, text=True, timeout=1800, env=child_env(TMPDIR=str(scratch)), cwd=REPO,
        )  # fmt: skip
        shutil.rmtree(scratch, ignore_errors=True)
        (ctx.tmp / f"store-{i}.log").write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            ctx.note(f"bench/store.py failed (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
            continue
        row: dict[str, float | None] = {}
        for key, pattern in PATTERNS.items():
            match = re.search(pattern, proc.stdout)
            row[key] = float(match.group(1).replace(",", "")) if match else None
        runs.append(row)
        ctx.say(f"store run {i + 1}: " + "; ".join(line for line in proc.stdout.splitlines()))
    figures: dict[str, Any] = {key: median(r[key] for r in runs) for key in PATTERNS}
    figures["rows"] = 100_000 if ctx.quick else 1_000_000
    figures["monitors"] = 100 if ctx.quick else 1000
    return figures
