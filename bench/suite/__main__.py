"""The whole suite: ``python -m suite [--quick] [--runs N] [--only engine,pipeline,…]`` (bench/ on the path).

Runs the sections in order — engine, pipeline, scheduler, timing, memory, store — each in
processes of its own, then writes bench/results/RESULTS.md, results.json and the PNG plots.
A section that fails is reported in the notes and the others still run; every process the suite
started is stopped on the way out (also on Ctrl-C). Throwaway files go to bench/results/tmp/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from . import engine, memory, pipeline, plots, report, scheduler, storebench, timing
from .common import BENCH, CPU_TARGET, TWO_CORES, Ctx, has_workers_option, machine_line, stop_all

SECTIONS = ("engine", "pipeline", "scheduler", "timing", "memory", "store")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one short run of each (~3-4 minutes in all)")
    parser.add_argument("--runs", type=int, help="runs per figure, the median is reported (default 3, quick 1)")
    parser.add_argument("--only", help=f"comma-separated sections out of {','.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    args = parser.parse_args()
    only = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(","))
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    runs = args.runs or (1 if args.quick else 3)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / "tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    ctx = Ctx(quick=args.quick, runs=runs, out=out, tmp=tmp)
    if not TWO_CORES:
        ctx.note("fewer than 2 cores: the tool under test and its target share one core")
    machine = machine_line()  # before pinning this process: nproc counts the cores it may use
    if TWO_CORES:  # this process only waits and reads /proc; keep it off the measured core
        os.sched_setaffinity(0, {CPU_TARGET})

    signal.signal(signal.SIGTERM, _interrupt)  # stop what was started, as on Ctrl-C
    workers = has_workers_option()
    if not workers:
        ctx.note("`sitewatch run --workers` does not exist yet: the 2-workers figure is not measured")
    figures: dict[str, Any] = {}
    began = time.monotonic()
    try:
        for name in only:
            ctx.say(f"== {name} ==")
            t0 = time.monotonic()
            try:
                if name == "engine":
                    figures[name] = engine.measure(ctx)
                elif name == "pipeline":
                    figures[name] = pipeline.measure(ctx, workers)
                elif name == "scheduler":
                    figures[name] = scheduler.measure(ctx)
                elif name == "timing":
                    figures[name] = timing.measure(ctx)
                elif name == "memory":
                    figures[name] = memory.measure(ctx, workers)
                elif name == "store":
                    figures[name] = storebench.measure(ctx)
            except Exception as exc:
                traceback.print_exc()
                ctx.note(f"section {name} failed: {exc}")
            finally:
                stop_all()
            ctx.say(f"== {name}: {time.monotonic() - t0:.0f} s ==")
    except KeyboardInterrupt:
        ctx.note("interrupted: the figures are incomplete")
    finally:
        stop_all()
    figures["meta"] = {"quick": args.quick, "runs": runs, "seconds": time.monotonic() - began, "sections": only}
    if "pipeline" in only and "pipeline" in figures:
        figures["pipeline"]["workers_option"] = workers
    (out / "results.json").write_text(json.dumps(figures, indent=1, default=str))
    made = plots.draw_all(figures, out)
    report.write(out / "RESULTS.md", figures, machine=machine, quick=args.quick, runs=runs, notes=ctx.notes, plots=made)
    ctx.say(f"wrote {out / 'RESULTS.md'} and {len(made)} plots in {time.monotonic() - began:.0f} s")
    tidy(tmp)
    print((out / "RESULTS.md").read_text())
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def tidy(tmp: Path) -> None:
    """Drop the big throwaway files (configs of 100,000 monitors, databases); keep the logs."""
    for path in tmp.rglob("*"):
        if path.is_file() and not path.name.endswith((".log", ".txt")):
            path.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
