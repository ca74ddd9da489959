"""Section 1, engine: checks/s on one core, 2 KB page with the body verified, against the same nginx.

In every run, one after the other against one nginx (1 worker, CPU 1):

* sitewatch Engine, new connection per check (the product's behaviour) — ``suite.engine_child`` on CPU 0;
* sitewatch Engine with keep-alive (FRESH_CONNECT/FORBID_REUSE dropped in that child only);
* prometheus-blackbox-exporter on CPU 0, the keyword checked by ``fail_if_body_not_matches_regexp``,
  driven by wrk (100 connections) from CPU 1;
* wrk straight at nginx from CPU 0 (no body check: the ceiling of this setup), with
  ``Connection: close`` and with keep-alive.

Ratios are taken within a run, then the median over runs is reported.
"""

from __future__ import annotations

import contextlib
from typing import Any

from _nginx import Nginx

from .blackbox import Blackbox, wrk
from .common import CPU_TARGET, CPU_TOOL, Ctx, median, ratio, run_child


def measure(ctx: Ctx) -> dict[str, Any]:
    seconds = 3.0 if ctx.quick else 10.0
    warmup = 0.5 if ctx.quick else 1.0
    runs: list[dict[str, Any]] = []
    with Nginx(cpu=CPU_TARGET) as nginx, contextlib.ExitStack() as stack:
        try:
            bb: Blackbox | None = stack.enter_context(Blackbox(ctx.tmp, cpu=CPU_TOOL))
        except RuntimeError as exc:
            ctx.note(f"engine: {exc}; no blackbox_exporter figures")
            bb = None
        verified = bb is not None and bb.verify(nginx.url)
        if bb is not None and not verified:
            ctx.note("blackbox_exporter did not verify the keyword as expected; its rate is shown anyway")
        wrk(nginx.url, 1, cpu=CPU_TOOL)  # warm nginx up
        for i in range(ctx.runs):
            row: dict[str, Any] = {}
            for mode, key in (("new", "sw_new"), ("keepalive", "sw_keepalive")):
                args = ["--url", nginx.url, "--mode", mode, "--seconds", str(seconds), "--warmup", str(warmup)]
                child = run_child(ctx, "engine_child", args, cpu=CPU_TOOL, timeout=seconds + 60)
                row[key] = child["rate"]
                row[key + "_cpu_ms"] = child["cpu_ms_per_check"]
                row[key + "_not_up"] = child["not_up"]
            bb_run = bb.rate(nginx.url, seconds) if bb is not None else {"rate": None, "socket_errors": 0, "non_2xx": 0}
            row["blackbox"] = bb_run["rate"]
            row["blackbox_errors"] = bb_run["socket_errors"] + bb_run["non_2xx"]
            for close, key in ((True, "wrk_close"), (False, "wrk_keepalive")):
                w = wrk(nginx.url, seconds, cpu=CPU_TOOL, close=close)
                row[key] = w["rate"]
                row[key + "_errors"] = w["socket_errors"] + w["non_2xx"]
            row["ratio_new_vs_blackbox"] = ratio(row["sw_new"], row["blackbox"])
            row["ratio_new_vs_wrk_close"] = ratio(row["sw_new"], row["wrk_close"])
            row["ratio_keepalive_vs_wrk"] = ratio(row["sw_keepalive"], row["wrk_keepalive"])
            runs.append(row)
            ctx.say(
                f"engine run {i + 1}/{ctx.runs}: sitewatch new {row['sw_new']:,.0f}/s, keep-alive "
                f"{row['sw_keepalive']:,.0f}/s, blackbox {row['blackbox'] or 0:,.0f}/s, wrk close "
                f"{row['wrk_close'] or 0:,.0f}/s, wrk keep-alive {row['wrk_keepalive'] or 0:,.0f}/s"
            )
        verified_after = bb is not None and bb.verify(nginx.url)
    figures: dict[str, Any] = {k: median(r[k] for r in runs) for k in runs[0] if not isinstance(runs[0][k], dict)}
    figures["blackbox_verified"] = verified and verified_after
    figures["seconds_per_measurement"] = seconds
    figures["runs"] = runs
    return figures
