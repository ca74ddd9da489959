"""A real ``sitewatch run`` process for the pipeline and memory sections, and the configs it reads.

The process is started exactly as a user would (``python -m sitewatch run -c … --store … --web …``),
pinned with taskset, with its own log, health file and SQLite store under the suite's tmp folder,
and always with ``--duration`` as a safety net. Its figures are read from outside: /metrics over
HTTP, CPU time and RSS of the process tree from /proc, and log.txt after it stopped.

Lateness from log.txt: a monitor's k-th check is due at ``phase + k·interval`` seconds of Unix
time (the scheduler maps the epoch onto its monotonic clock at start; ``phase_of`` is public), and
each line's ``ts`` is the wall-clock start of the check, so ``(ts − phase) mod interval`` is how
late it started (valid below one interval; beyond that the tick is skipped anyway). A tick that
has no line was skipped. This reads every check of a window without touching the process.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from _nginx import KEYWORD, free_port

from sitewatch.scheduler import phase_of

from .common import REPO, Scrape, child_env, cpu_seconds, http_get, parse_metrics, pin, rss_bytes, spawn, stop, tree
from .common import wait_http as _wait_http


def write_config(path: Path, monitors: int, url: str, interval: float, timeout: str = "900ms") -> Path:
    """``monitors`` monitors of ``url`` (distinct query strings), the keyword required, every ``interval`` s."""
    entries = [
        {"name": f"m{i:06d}", "url": f"{url}?m={i}", "contains": KEYWORD, "interval": interval} for i in range(monitors)
    ]
    path.write_text(json.dumps({"settings": {"timeout": timeout}, "monitors": entries}))
    return path


class MonitorProcess:
    """``with MonitorProcess(tmp, "name", config, cpu=0, workers=1, duration=60) as p: p.scrape()``"""

    def __init__(
        self,
        tmp: Path,
        name: str,
        config: Path,
        *,
        cpu: int | None,
        workers: int | None,
        duration: float,
        store: bool = True,
    ) -> None:
        self.dir = tmp / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        store_url = f"sqlite:///{self.dir / 'h.db'}" if store else "none"  # an absolute path: four slashes
        self.cmd = [
            *pin(cpu), sys.executable, "-m", "sitewatch", "run", "-c", str(config), "-q",
            "--log", str(self.dir / "log.txt"), "--health", str(self.dir / "health.txt"),
            "--store", store_url, "--web", f"127.0.0.1:{self.port}", "--duration", f"{duration:g}",
        ]  # fmt: skip
        if workers is not None:
            self.cmd += ["--workers", str(workers)]
        self.proc: Any = None
        self.started_at = 0.0
        self.exit_code: int | None = None

    def __enter__(self) -> MonitorProcess:
        self.started_at = time.monotonic()
        self.proc = spawn(self.cmd, log=self.dir / "console.txt", env=child_env(), cwd=REPO)
        return self

    def wait_ready(self, timeout: float = 120.0) -> bool:
        return _wait_http(self.base + "/healthz", timeout, self.proc)

    @property
    def pid(self) -> int:
        return int(self.proc.pid)

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def scrape(self) -> Scrape:
        at = time.monotonic()
        return parse_metrics(http_get(self.base + "/metrics", timeout=60), at)

    def cpu(self) -> float:
        return cpu_seconds(tree(self.pid))

    def rss(self) -> int:
        return rss_bytes(tree(self.pid))

    def stop(self) -> None:
        """Stop now (log.txt is flushed on the way out); the files stay until the ``with`` ends."""
        self.exit_code = stop(self.proc, grace=10.0)

    def log_window(self, names: list[str], interval: float, since: float, seconds: int) -> dict[str, Any]:
        """Checks due in [since, since + seconds) of Unix time, read from log.txt (and rotated parts):
        how many ran, how many ticks have no check (skipped), and the lateness of each in ms."""
        phases = {name: phase_of(name, interval) for name in names}
        until = since + seconds
        lateness: list[float] = []
        files = sorted(self.dir.glob("log.txt*"), key=lambda f: f.stat().st_mtime)
        for path in files:
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    fields = dict(f.split("=", 1) for f in line.split(" ", 2)[:2] if "=" in f)
                    phase = phases.get(fields.get("monitor", ""))
                    if phase is None or "ts" not in fields:
                        continue
                    ts = datetime.fromisoformat(fields["ts"]).timestamp()
                    late = (ts - phase) % interval
                    if since <= ts - late < until:
                        lateness.append(late * 1000)
        expected = round(len(names) * seconds / interval)
        return {"checks": len(lateness), "missing": max(0, expected - len(lateness)), "lateness_ms": lateness}

    def console(self) -> str:
        try:
            return (self.dir / "console.txt").read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def __exit__(self, *exc: object) -> None:
        self.exit_code = stop(self.proc, grace=10.0)
        for big in self.dir.glob("*"):  # keep console.txt to read when something went wrong
            if big.is_file() and big.name != "console.txt":
                big.unlink()
