"""Shared plumbing of the suite: CPU pinning, child processes, /proc readings, /metrics parsing, percentiles.

Every process the suite starts goes through :func:`spawn`, which remembers it so that
:func:`stop_all` can end exactly those (by pid) on any way out. Children that measure in-process
(``python -m suite.<module> …``) print one JSON object as their last stdout line.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent.parent
REPO = BENCH.parent
TWO_CORES = (os.cpu_count() or 1) >= 2
CPU_TOOL = 0  # the tool under test (sitewatch, blackbox_exporter, wrk for the ceiling)
CPU_TARGET = 1 if TWO_CORES else 0  # nginx, the slow server, curl, wrk driving blackbox_exporter
CLK_TCK = os.sysconf("SC_CLK_TCK")

_started: list[subprocess.Popen[Any]] = []


@dataclass
class Ctx:
    """What every section gets: the mode, where to write, and a log of what was run."""

    quick: bool
    runs: int
    out: Path  # bench/results
    tmp: Path  # throwaway files (configs, databases, logs)
    notes: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    def note(self, text: str) -> None:
        """Something the reader of RESULTS.md must know (a failure, a missing feature)."""
        self.notes.append(text)
        self.say("NOTE: " + text)


def pin(cpu: int | None) -> list[str]:
    """Command prefix that pins a process (and its children) to ``cpu``; ``None``: every core (the
    suite's own process sits on the target core, and affinity is inherited)."""
    if not TWO_CORES:
        return []
    return ["taskset", "-c", f"0-{(os.cpu_count() or 2) - 1}" if cpu is None else str(cpu)]


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def spawn(cmd: Sequence[str], *, log: Path | None = None, **kw: Any) -> subprocess.Popen[Any]:
    """Start a process the suite owns; its output goes to ``log`` (or nowhere)."""
    handle = None
    if log is not None:
        handle = open(log, "ab")  # noqa: SIM115 - the child has its own copy once started
        kw.setdefault("stdout", handle)
        kw.setdefault("stderr", subprocess.STDOUT)
    else:
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
    try:
        proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, **kw)
    finally:
        if handle is not None:
            handle.close()
    _started.append(proc)
    return proc


def stop(proc: subprocess.Popen[Any] | None, grace: float = 5.0) -> int | None:
    """SIGTERM, wait ``grace`` seconds, then SIGKILL. Returns the exit code."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    if proc in _started:
        _started.remove(proc)
    return proc.returncode


def stop_all() -> None:
    for proc in list(_started):
        stop(proc, grace=3.0)


def run_child(ctx: Ctx, module: str, args: Sequence[str], *, cpu: int | None, timeout: float) -> dict[str, Any]:
    """Run ``python -m suite.<module> args`` pinned to ``cpu``; return the JSON of its last line."""
    log = ctx.tmp / f"{module}.log"
    cmd = [*pin(cpu), sys.executable, "-m", f"suite.{module}", *args]
    with open(log, "ab") as errors:
        proc = spawn(cmd, stdout=subprocess.PIPE, stderr=errors, env=child_env(), cwd=REPO)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(proc)
        raise RuntimeError(f"suite.{module} did not finish in {timeout:.0f} s (see {log})") from None
    finally:
        if proc in _started:
            _started.remove(proc)
    lines = [line for line in out.decode().splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"suite.{module} {' '.join(args)} failed with exit {proc.returncode} (see {log})")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def emit(figures: dict[str, Any]) -> None:
    """A child's answer to :func:`run_child`."""
    print(json.dumps(figures), flush=True)


# -- /proc -----------------------------------------------------------------------------------------


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (worker processes count as the monitor's)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU time of these processes (fields 14 and 15 of /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLK_TCK


def rss_bytes(pids: Iterable[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


# -- HTTP ------------------------------------------------------------------------------------------


def http_get(url: str, timeout: float = 10.0) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return str(response.read().decode("utf-8", "replace"))


def wait_http(url: str, timeout: float, proc: subprocess.Popen[Any] | None = None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            http_get(url, timeout=2)
            return True
        except OSError:
            time.sleep(0.1)
    return False


@dataclass
class Scrape:
    """The process counters of sitewatch's /metrics at one moment."""

    at: float
    checks: float = 0.0
    skipped: float = 0.0
    buckets: list[tuple[float, float]] = field(default_factory=list)  # (le, cumulative count)


def parse_metrics(text: str, at: float) -> Scrape:
    scrape = Scrape(at)
    for line in text.splitlines():
        if not line.startswith("sitewatch_"):
            continue
        name, _, value = line.rpartition(" ")
        if name.startswith("sitewatch_checks_total"):
            scrape.checks += float(value)
        elif name.startswith("sitewatch_checks_skipped_total"):
            scrape.skipped += float(value)
        elif name.startswith("sitewatch_schedule_lateness_seconds_bucket"):
            le = name.split('le="', 1)[1].split('"', 1)[0]
            scrape.buckets.append((math.inf if le == "+Inf" else float(le), float(value)))
    return scrape


def histogram_quantile(q: float, before: list[tuple[float, float]], after: list[tuple[float, float]]) -> float | None:
    """Prometheus-style quantile of the counts added between two scrapes (linear within a bucket)."""
    old = dict(before)
    delta = [(le, count - old.get(le, 0.0)) for le, count in sorted(after)]
    if not delta or delta[-1][1] <= 0:
        return None
    rank = q * delta[-1][1]
    lower, below = 0.0, 0.0
    for le, cumulative in delta:
        if cumulative >= rank:
            if math.isinf(le):
                return lower  # beyond the last finite bound: report that bound (a lower limit)
            inside = cumulative - below
            return lower + (le - lower) * ((rank - below) / inside if inside else 1.0)
        lower, below = le, cumulative
    return None


# -- numbers ---------------------------------------------------------------------------------------


def percentiles(values: Sequence[float]) -> dict[str, float | int | None]:
    """Nearest-rank p50/p99, min/max and count."""
    if not values:
        return {"count": 0, "p50": None, "p99": None, "min": None, "max": None}
    ordered = sorted(values)
    n = len(ordered)

    def rank(q: float) -> float:
        return ordered[min(n - 1, max(0, math.ceil(q * n) - 1))]

    return {"count": n, "p50": rank(0.5), "p99": rank(0.99), "min": ordered[0], "max": ordered[-1]}


def median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def machine_line() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    return f"{nproc} cores ({model}), Linux {platform.release()}, Python {platform.python_version()}"


def which(name: str) -> str | None:
    return shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )


def has_workers_option() -> bool:
    """Whether ``sitewatch run`` has ``--workers`` (it was being added while this suite was written)."""
    help_text = subprocess.run(
        [sys.executable, "-m", "sitewatch", "run", "--help"], capture_output=True, text=True, timeout=60, cwd=REPO
    ).stdout
    return "--workers" in help_text
