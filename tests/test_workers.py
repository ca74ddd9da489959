"""`run --workers N`: N probe processes, one stream of results, a dead worker restarted."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import signal
import time
from collections import Counter
from pathlib import Path

from sitewatch.workers import shard_of

from .misbehaving import MisbehavingServer
from .test_run import Run


def children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry))
    return out


def starts(run: Run, monitor: str) -> list[float]:
    return [dt.datetime.fromisoformat(r["ts"]).timestamp() for r in run.log_lines() if r["monitor"] == monitor]


def test_shards_are_stable_and_even() -> None:
    names = [f"site-{i}" for i in range(10_000)]
    assert [shard_of(n, 3) for n in names] == [shard_of(n, 3) for n in names]
    counts = Counter(shard_of(n, 2) for n in names)
    assert min(counts.values()) > 4_500


def test_each_monitor_is_checked_by_one_worker_and_logged_once(server: MisbehavingServer, tmp_path: Path) -> None:
    names = [f"m{i}" for i in range(6)]
    run = Run(tmp_path, [{"name": n, "url": server.url("/ok"), "interval": "200ms"} for n in names], "--workers", "2")
    run.wait_for(lambda: len(children(run.proc.pid)) == 2)
    run.wait_for(lambda: all(len(starts(run, n)) >= 5 for n in names))
    code, *_ = run.stop()
    assert code == 0
    assert {shard_of(n, 2) for n in names} == {0, 1}  # both workers had work
    for n in names:
        times = starts(run, n)
        assert all(b - a > 0.15 for a, b in itertools.pairwise(times)), n  # never twice per tick
    assert children(run.proc.pid) == []


def test_a_worker_that_dies_is_restarted_and_its_monitors_resume(server: MisbehavingServer, tmp_path: Path) -> None:
    names = [f"m{i}" for i in range(6)]
    run = Run(tmp_path, [{"name": n, "url": server.url("/ok"), "interval": "200ms"} for n in names], "--workers", "2")
    run.wait_for(lambda: len(children(run.proc.pid)) == 2 and all(starts(run, n) for n in names))
    victim = children(run.proc.pid)[0]
    os.kill(victim, signal.SIGKILL)
    killed_at = time.time()
    run.wait_for(lambda: victim not in children(run.proc.pid) and len(children(run.proc.pid)) == 2, timeout=15)
    run.wait_for(lambda: all(any(t > killed_at + 0.5 for t in starts(run, n)) for n in names), timeout=15)
    code, _out, err, _ = run.stop()
    assert code == 0
    assert "exited with code -9; restarting" in err
