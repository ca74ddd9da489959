"""PNG plots of the suite's figures (matplotlib, Agg backend), written beside RESULTS.md.

engine.png (checks/s per client), pipeline.png (achieved checks/s and p99 lateness against the
offered rate), scheduler.png (lateness percentiles per scenario), timing.png (histogram of
sitewatch − curl) and rss.png (RSS over the long run). A plot whose section did not run is skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def engine(f: dict[str, Any], out: Path) -> str | None:
    e = f.get("engine")
    if not e:
        return None
    labels = ["sitewatch\nnew conn.", "sitewatch\nkeep-alive", "blackbox\nexporter", "wrk close\n(ceiling)",
              "wrk keep-alive\n(ceiling)"]  # fmt: skip
    values = [e.get(k) or 0 for k in ("sw_new", "sw_keepalive", "blackbox", "wrk_close", "wrk_keepalive")]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bars = ax.bar(labels, values, color=["#2a7", "#7c9", "#c63", "#999", "#bbb"])
    ax.bar_label(bars, labels=[f"{v:,.0f}" for v in values])
    ax.axhline(9000, color="#2a7", linestyle="--", linewidth=1, label="target 9,000 (new conn.)")
    ax.set_ylabel("checks (requests) per second, one core")
    ax.set_title("Engine: 2 KB page, body verified (wrk: no check)")
    ax.legend()
    return _save(fig, out / "engine.png")


def pipeline(f: dict[str, Any], out: Path) -> str | None:
    p = f.get("pipeline")
    if not p:
        return None
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
    highest = 1000.0
    for i, run in enumerate(p.get("runs", []), 1):
        for key, style in (("one", "o-"), ("two", "s--")):
            steps = [s for s in (run.get(key) or {}).get("steps", []) if "rate" in s]
            if not steps:
                continue
            label = f"run {i}, {'1 process' if key == 'one' else '2 workers'}"
            offered = [s["offered"] for s in steps]
            highest = max(highest, *offered)
            top.plot(offered, [s["rate"] for s in steps], style, label=label)
            bottom.plot(offered, [max(0.01, s["lateness_p99_ms"] or 0.01) for s in steps], style, label=label)
    top.plot([0, highest], [0, highest], color="#ccc", linewidth=1, label="achieved = offered")
    top.axhline(5000, color="#2a7", linestyle="--", linewidth=1, label="target 5,000")
    top.set_ylabel("achieved checks/s")
    top.set_title("Full pipeline (sitewatch run): throughput and lateness vs offered rate")
    top.legend(fontsize=8)
    bottom.axhline(50, color="#c63", linestyle="--", linewidth=1, label="50 ms limit")
    bottom.set_yscale("log")
    bottom.set_ylabel("check-start lateness p99 (ms)")
    bottom.set_xlabel("offered checks/s (monitors × 1/s)")
    bottom.legend(fontsize=8)
    return _save(fig, out / "pipeline.png")


def scheduler(f: dict[str, Any], out: Path) -> str | None:
    s = f.get("scheduler")
    if not s:
        return None
    keys = [k for k in ("10000", "100000", "1000") if k in s]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    width = 0.25
    for j, (stat, color) in enumerate((("p50_ms", "#7c9"), ("p99_ms", "#2a7"), ("max_ms", "#c63"))):
        xs = [i + (j - 1) * width for i in range(len(keys))]
        ax.bar(xs, [s[k][stat] or 0 for k in keys], width, label=stat.replace("_ms", ""), color=color)
    ax.set_xticks(range(len(keys)), [f"{int(k):,} monitors\nevery {s[k]['interval']:g} s" for k in keys])
    ax.axhline(2, color="#2a7", linestyle="--", linewidth=1, label="target p99 2 ms (10,000)")
    ax.set_ylabel("check-start lateness (ms)")
    ax.set_title("Scheduler lateness while checks run")
    ax.legend()
    return _save(fig, out / "scheduler.png")


def timing(f: dict[str, Any], out: Path) -> str | None:
    t = f.get("timing")
    if not t or not t.get("diffs"):
        return None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    bins = [x / 10 for x in range(-50, 51)]
    for cond, color in (("idle", "#2a7"), ("loaded", "#c63")):
        values = [min(5.0, max(-5.0, d)) for d in t["diffs"][cond]]
        ax.hist(values, bins=bins, alpha=0.6, color=color, label=f"{cond} ({len(values)} pairs)")
    ax.axvspan(-1, 1, color="#ddd", alpha=0.5, label="target ±1 ms")
    ax.set_xlabel("sitewatch time_ms − curl time_total (ms, clipped to ±5)")
    ax.set_ylabel("pairs")
    ax.set_title("Timing accuracy on a 200 ms page")
    ax.legend()
    return _save(fig, out / "timing.png")


def rss(f: dict[str, Any], out: Path) -> str | None:
    series = ((f.get("memory") or {}).get("long") or {}).get("series")
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.plot([t / 60 for t, _ in series], [v for _, v in series], color="#2a7")
    ax.set_xlabel("minutes")
    ax.set_ylabel("RSS (MB)")
    ax.set_ylim(bottom=0)
    ax.set_title("RSS of sitewatch run at 1,000 checks/s")
    return _save(fig, out / "rss.png")


def _save(fig: Any, path: Path) -> str:
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path.name


def draw_all(figures: dict[str, Any], out: Path) -> list[str]:
    made = []
    for draw in (engine, pipeline, scheduler, timing, rss):
        try:
            name = draw(figures, out)
        except Exception as exc:  # a plot must never cost the results
            print(f"plot {draw.__name__} failed: {exc}")
            continue
        if name:
            made.append(name)
    return made
