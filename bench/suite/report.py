"""RESULTS.md: every figure next to its target from issue 6, marked met or missed, then the details.

Reads only the figures dict the sections returned (also saved as results.json beside it); a
section that failed or was not run shows as "not measured" with the reason from the notes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any


def _n(value: float | None, digits: int = 0, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{unit}"


def _get(figures: dict[str, Any], *path: str) -> Any:
    node: Any = figures
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _verdict(value: float | None, ok: bool | None) -> str:
    if value is None or ok is None:
        return "not measured"
    return "**met**" if ok else "**missed**"


def target_rows(f: dict[str, Any], quick: bool) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, target: str, value: float | None, shown: str, ok: bool | None) -> None:
        rows.append((name, target, shown if value is not None else "–", _verdict(value, ok)))

    v = _get(f, "engine", "sw_new")
    row("Engine: new-connection checks/s on one core (2 KB, body verified)", "≥ 9,000", v, _n(v), v and v >= 9000)
    v = _get(f, "engine", "ratio_new_vs_blackbox")
    row("Engine vs blackbox_exporter (same run, same core)", "≥ 5×", v, _n(v, 2, "×"), v and v >= 5)
    v = _get(f, "pipeline", "sustained")
    row("Full pipeline: sustained checks/s, one process", "≥ 5,000", v, _n(v), v and v >= 5000)
    v = _get(f, "pipeline", "ratio_vs_blackbox")
    row("Full pipeline vs blackbox_exporter (same run)", "≥ 3×", v, _n(v, 2, "×"), v and v >= 3)
    v = _get(f, "scheduler", "10000", "p99_ms")
    row("Scheduler: check-start lateness p99, 10,000 monitors", "≤ 2 ms", v, _n(v, 3, " ms"), v is not None and v <= 2)
    minute = [(_get(f, "scheduler", k, "minute", "p99"), k) for k in ("10000", "100000", "1000")]
    minute = [(p, k) for p, k in minute if p is not None]
    v, where = max(minute) if minute else (None, "")
    shown = f"{_n(v, 3, ' ms')} (worst scenario: {int(where or 0):,} monitors)"
    row("Minute task lateness p99", "≤ 5 ms", v, shown, v is not None and v <= 5)
    for cond, label in (("idle", "idle"), ("loaded", "under 1,000 checks/s")):
        v = _get(f, "timing", cond, "abs_p99_ms")
        shown = f"{_n(v, 3, ' ms')} (p50 {_n(_get(f, 'timing', cond, 'p50_ms'), 3, ' ms')})"
        row(f"Timing vs curl: p99 of abs(sitewatch − curl), {label}", "≤ 1 ms", v, shown, v is not None and v <= 1)
    v = _get(f, "memory", "bytes_per_idle_monitor")
    row("RSS per idle monitor (100,000 monitors)", "≤ 2 KB", v, _n(v, 0, " bytes"), v is not None and v <= 2048)
    grows = _get(f, "memory", "long", "grows")
    span = "1 minute (--quick)" if quick else "10 minutes"
    slope = _get(f, "memory", "long", "slope_mb_per_min")
    shown = (
        f"{'grows' if grows else 'flat'}: start {_n(_get(f, 'memory', 'long', 'start_mb'), 1)} MB, end "
        f"{_n(_get(f, 'memory', 'long', 'end_mb'), 1)} MB, max {_n(_get(f, 'memory', 'long', 'max_mb'), 1)} MB, "
        f"slope {_n(slope, 2)} MB/min over {span}"
    )
    row("No RSS growth over 10 minutes (1,000 checks/s)", "flat", None if grows is None else 1.0, shown,
        None if grows is None else not grows)  # fmt: skip
    if _get(f, "pipeline", "workers_option") is False:
        rows.append(("2 workers vs one (sustained checks/s)", "≥ 1.8×", "–",
                     "not measured: `sitewatch run` has no `--workers` option"))  # fmt: skip
    else:
        v = _get(f, "pipeline", "ratio_two_vs_one")
        row("2 workers vs one (sustained checks/s)", "≥ 1.8×", v, _n(v, 2, "×"), v is not None and v >= 1.8)
    return rows


def table(header: list[str], align: str, rows: list[list[str]]) -> list[str]:
    """A Markdown table; ``align`` has one letter per column, ``l`` or ``r``."""
    rule = ["---:" if a == "r" else "---" for a in align]
    return [f"| {' | '.join(r)} |" for r in (header, rule, *rows)]


def engine_details(f: dict[str, Any]) -> list[str]:
    e = f.get("engine")
    if not e:
        return []
    vs_new = f"{_n(e.get('ratio_new_vs_blackbox'), 2, '×')} blackbox, {_n(e.get('ratio_new_vs_wrk_close'), 2, '×')} wrk"
    rows = [
        ["sitewatch, new connection", _n(e.get("sw_new")), _n(e.get("sw_new_cpu_ms"), 3, " ms"), vs_new],
        ["sitewatch, keep-alive", _n(e.get("sw_keepalive")), _n(e.get("sw_keepalive_cpu_ms"), 3, " ms"),
         f"{_n(e.get('ratio_keepalive_vs_wrk'), 2, '×')} wrk keep-alive"],
        ["blackbox_exporter (via wrk)", _n(e.get("blackbox")), "–", f"body verified: {e.get('blackbox_verified')}"],
        ["wrk at nginx, `Connection: close` (ceiling)", _n(e.get("wrk_close")), "–", "no body check"],
        ["wrk at nginx, keep-alive (ceiling)", _n(e.get("wrk_keepalive")), "–", "no body check"],
    ]  # fmt: skip
    head = ["## 1. Engine (checks/s on one core, same nginx, same run)", ""]
    return [*head, *table(["client", "checks/s", "CPU per check", "vs"], "lrrl", rows), ""]


def pipeline_details(f: dict[str, Any]) -> list[str]:
    p = f.get("pipeline")
    if not p:
        return []
    rows = []
    for i, run in enumerate(p.get("runs", []), 1):
        for key in ("one", "two"):
            for s in (run.get(key) or {}).get("steps", []):
                rows.append([
                    str(i), str(s.get("workers")), f"{s['monitors']:,}", _n(s.get("rate")), _n(s.get("skipped")),
                    _n(s.get("lateness_p50_ms"), 2, " ms"), _n(s.get("lateness_p99_ms"), 2, " ms"),
                    _n(s.get("cpu_ms_per_check"), 3, " ms"), _n(s.get("cpu_utilisation"), 2),
                    _n(s.get("rss_mb"), 0, " MB"), _n(s.get("scrape_s"), 2, " s"),
                    "yes" if s.get("sustained") else str(s.get("error", "no")),
                ])  # fmt: skip
    header = ["run", "workers", "monitors", "checks/s", "skipped", "lateness p50", "p99", "CPU/check", "CPU use",
              "RSS", "/metrics scrape", "sustained"]  # fmt: skip
    out = [
        "## 2. Full pipeline (`sitewatch run`, interval 1 s, M monitors)",
        "",
        f"Sustained (skipped 0, p99 lateness < 50 ms): **{_n(p.get('sustained'))} checks/s**, "
        f"{_n(p.get('cpu_ms_per_check'), 3)} ms CPU per check; blackbox_exporter in the same runs "
        f"{_n(p.get('blackbox'))}/s. Checks/s, skipped ticks and lateness are those of the checks due in the "
        "measured window, read from log.txt afterwards; /metrics is read once after the window (the scrape "
        "column is how long that took: a scrape during the window would have been measured too).",
        "",
        *table(header, "lrrrrrrrrrrl", rows),
    ]
    if p.get("workers_option"):
        out += ["", f"2 workers (both cores, nginx shares CPU 1): {_n(p.get('sustained_two'))} checks/s sustained."]
    return [*out, ""]


def scheduler_details(f: dict[str, Any]) -> list[str]:
    s = f.get("scheduler")
    if not s:
        return []
    rows = []
    for key in ("10000", "100000", "1000"):
        r = s.get(key)
        if r:
            m = r["minute"]
            minute = f"{_n(m['p50'], 3)} / {_n(m['p99'], 3)} / {_n(m['max'], 3)} ms ({m['count']})"
            rows.append([
                f"{int(key):,}", f"{r['interval']:g} s", _n(r["rate"]), _n(r["skipped"]), _n(r["p50_ms"], 3, " ms"),
                _n(r["p99_ms"], 3, " ms"), _n(r["max_ms"], 3, " ms"), f"{r['samples']:,}", minute,
            ])  # fmt: skip
    header = ["monitors", "interval", "checks/s", "skipped", "p50", "p99", "max", "samples",
              "minute task p50 / p99 / max (ticks)"]  # fmt: skip
    return [
        "## 3. Scheduler (in-process `Runner`, lateness of every check start after warm-up)",
        "",
        *table(header, "rrrrrrrrl", rows),
        "",
        f"The minute task fired every {s.get('minute_period')} s instead of 60 (same work per tick).",
        "",
    ]


def other_details(f: dict[str, Any]) -> list[str]:
    out: list[str] = []
    t = f.get("timing")
    if t:
        rows = []
        for cond in ("idle", "loaded"):
            c = t[cond]
            rows.append([cond, _n(c["p50_ms"], 3), _n(c["p99_ms"], 3), _n(c["abs_p99_ms"], 3),
                         _n(c["sitewatch_p50_ms"], 3), _n(c["curl_p50_ms"], 3), str(c["failed"])])  # fmt: skip
        header = ["condition", "p50", "p99", "p99 of abs", "sitewatch p50", "curl p50", "failed"]
        out += ["## 4. Timing accuracy (200 ms page, sitewatch − curl, ms)", "", *table(header, "lrrrrrr", rows)]
        out += ["", f"{t['pairs_per_condition']} pairs per condition and run; background load "
                f"{_n(t.get('load_rate'))} checks/s.", ""]  # fmt: skip
    m = f.get("memory")
    if m:
        long = m.get("long") or {}
        out += [
            "## 5. Memory",
            "",
            f"RSS {_n(m.get('rss_empty_mb'), 1)} MB with 0 monitors, {_n(m.get('rss_100k_mb'), 1)} MB with 100,000 "
            f"idle monitors: {_n(m.get('bytes_per_idle_monitor'))} bytes per monitor. Long run at "
            f"{_n(long.get('check_rate'))} checks/s: after warm-up {_n(long.get('after_warmup_mb'), 1)} MB, "
            f"end {_n(long.get('end_mb'), 1)} MB.",
            "",
        ]
    s = f.get("store")
    if s:
        out += [
            "## 6. Store (bench/store.py)",
            "",
            f"{s['rows']:,} rows of {s['monitors']:,} monitors: insert {_n(s.get('insert_per_s'))} results/s; "
            f"{_n(s.get('bytes_per_check'), 1)} bytes per check "
            f"({_n(s.get('bytes_per_check_with_rollups'), 1)} with rollups); one monitor's day (8,640 rows) "
            f"{_n(s.get('day_query_ms'), 1)} ms; 30-day report {_n(s.get('report_s'), 2)} s; history export "
            f"peak RSS {_n(s.get('export_small_rss_mb'))} MB (10,000 rows) / {_n(s.get('export_all_rss_mb'))} MB "
            "(all rows).",
            "",
        ]
    return out


def write(
    path: Path, figures: dict[str, Any], *, machine: str, quick: bool, runs: int, notes: list[str], plots: list[str]
) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    mode = "--quick (1 short run each: smoke test, not the figures)" if quick else f"full suite, median of {runs} runs"
    lines = [
        f"{stamp} — {machine} — {mode}",
        "",
        "# sitewatch benchmarks (issue 6)",
        "",
        "All traffic on 127.0.0.1. The tool under test runs on CPU 0, nginx (1 worker, 2 KB page with a "
        "keyword) on CPU 1. Produced by `bench/run`; how each figure is measured is in the docstring of "
        "bench/suite/<section>.py.",
        "",
        "| figure | target | measured | |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in target_rows(figures, quick)),
        "",
        *engine_details(figures),
        *pipeline_details(figures),
        *scheduler_details(figures),
        *other_details(figures),
    ]
    if plots:
        lines += ["## Plots", "", *(f"![{p}]({p})" for p in plots), ""]
    if notes:
        lines += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    path.write_text("\n".join(lines))
