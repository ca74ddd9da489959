"""`sitewatch run` as a real process: log.txt, health.txt, signals, reload."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sitewatch.result import FIELDS

from .misbehaving import MisbehavingServer


def parse_logfmt(line: str) -> dict[str, str]:
    """Tiny logfmt reader for the tests (values may be JSON-quoted)."""
    out: dict[str, str] = {}
    i = 0
    while i < len(line):
        key_end = line.index("=", i)
        key = line[i:key_end]
        j = key_end + 1
        if line[j] == '"':
            decoder = json.JSONDecoder()
            value, end = decoder.raw_decode(line, j)
            out[key], i = value, end + 1
        else:
            end = line.find(" ", j)
            end = len(line) if end < 0 else end
            out[key], i = line[j:end], end + 1
    return out


class Run:
    """A `sitewatch run` child process with its own config and output files."""

    def __init__(self, tmp: Path, monitors: list[dict[str, object]], *extra: str, web: int | None = None) -> None:
        self.config = tmp / "urls.json"
        self.log = tmp / "log.txt"
        self.health = tmp / "health.txt"
        self.db = tmp / "history.db"
        self.write_config({"monitors": monitors})
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sitewatch",
                "run",
                "-c",
                str(self.config),
                "--log",
                str(self.log),
                "--health",
                str(self.health),
                "--store",
                f"sqlite:///{self.db}",
                *(["--no-web"] if web is None else ["--web", f"127.0.0.1:{web}"]),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def write_config(self, data: object) -> None:
        self.config.write_text(data if isinstance(data, str) else json.dumps(data))

    def log_lines(self) -> list[dict[str, str]]:
        return [parse_logfmt(line) for line in self.log.read_text().splitlines()] if self.log.exists() else []

    def health_lines(self) -> list[dict[str, str]]:
        text = self.health.read_text() if self.health.exists() else ""
        return [parse_logfmt(line) for line in text.splitlines()]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if predicate():
                    return
            except (OSError, ValueError, KeyError):  # e.g. the web server is not listening yet
                pass
            assert time.monotonic() < deadline, "condition not reached in time"
            assert self.proc.poll() is None, self.proc.communicate()
            time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str, str, float]:
        started = time.monotonic()
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=10)
        return self.proc.returncode, out, err, time.monotonic() - started


def test_it_logs_every_check_and_each_state_change(server: MisbehavingServer, tmp_path: Path) -> None:
    run = Run(
        tmp_path,
        [
            {"name": "good", "url": server.url("/ok"), "interval": "200ms", "contains": "hello"},
            {"name": "broken", "url": server.url("/status/500"), "interval": "200ms"},
        ],
    )
    run.wait_for(lambda: sum(r["monitor"] == "good" for r in run.log_lines()) >= 3)
    code, out, err, _ = run.stop()
    assert code == 0, err
    lines = run.log_lines()
    assert all(list(line) == list(FIELDS) for line in lines)
    good = [r for r in lines if r["monitor"] == "good"]
    assert {r["result"] for r in good} == {"up"} and {r["http_code"] for r in good} == {"200"}
    assert all(r["ts"].endswith("Z") for r in lines)
    broken = [r for r in lines if r["monitor"] == "broken"]
    assert broken and {(r["result"], r["error"]) for r in broken} == {("http_error", "status")}
    changes = [h for h in run.health_lines() if h["event"] == "state"]
    assert {(h["monitor"], h["from"], h["to"]) for h in changes} == {
        ("good", "unknown", "up"),
        ("broken", "unknown", "down"),
    }
    assert "good" in out and "up" in out  # the console told the user


def test_sigterm_flushes_and_exits_0_within_2_seconds_even_with_checks_in_flight(
    server: MisbehavingServer, tmp_path: Path
) -> None:
    run = Run(
        tmp_path,
        [
            {"name": "fast", "url": server.url("/ok"), "interval": "100ms"},
            {"name": "stuck", "url": server.url("/hang"), "interval": "10s", "timeout": "10s"},
        ],
    )
    run.wait_for(lambda: len(run.log_lines()) >= 5)
    time.sleep(0.3)  # let the first check of "stuck" begin (phases spread over its interval)
    code, out, err, took = run.stop()
    assert code == 0, err
    assert took < 2.0
    # every line that reached the file is whole: nothing half-written at exit
    assert run.log.read_text().endswith("\n")
    assert all(list(r) == list(FIELDS) for r in run.log_lines())
    assert "stopped" in out


def test_sigint_stops_like_sigterm(server: MisbehavingServer, tmp_path: Path) -> None:
    run = Run(tmp_path, [{"url": server.url("/ok"), "interval": "100ms"}])
    run.wait_for(lambda: len(run.log_lines()) >= 1)
    code, *_ = run.stop(signal.SIGINT)
    assert code == 0


def test_duration_stops_by_itself(server: MisbehavingServer, tmp_path: Path) -> None:
    run = Run(tmp_path, [{"url": server.url("/ok"), "interval": "100ms"}], "--duration", "0.7s")
    assert run.proc.wait(timeout=5) == 0
    assert 3 <= len(run.log_lines()) <= 9


def test_sighup_reloads_and_a_broken_config_keeps_the_old_one(server: MisbehavingServer, tmp_path: Path) -> None:
    run = Run(tmp_path, [{"name": "first", "url": server.url("/ok"), "interval": "100ms"}])
    run.wait_for(lambda: any(r["monitor"] == "first" for r in run.log_lines()))

    run.write_config('{"monitors": [ {"name": "second", "url": }]}')  # broken
    os.kill(run.proc.pid, signal.SIGHUP)
    mark = len(run.log_lines())
    run.wait_for(lambda: sum(r["monitor"] == "first" for r in run.log_lines()[mark:]) >= 3)

    run.write_config({"monitors": [{"name": "second", "url": server.url("/ok"), "interval": "100ms"}]})
    os.kill(run.proc.pid, signal.SIGHUP)
    run.wait_for(lambda: any(r["monitor"] == "second" for r in run.log_lines()))
    time.sleep(0.3)
    code, out, err, _ = run.stop()
    assert code == 0
    assert "JSON syntax error" in err and "still running the previous config" in err
    assert "1 added, 1 removed" in out
    after = run.log_lines()
    last_first = max(i for i, r in enumerate(after) if r["monitor"] == "first")
    assert all(r["monitor"] == "second" for r in after[last_first + 1 :])


def test_a_bad_config_exits_2_naming_the_problem(tmp_path: Path) -> None:
    run = Run(tmp_path, [{"name": "x", "url": "gopher://a.test/"}])
    assert run.proc.wait(timeout=10) == 2
    err = run.proc.stderr.read() if run.proc.stderr else ""
    assert "monitors[0] (x): url: must start with http:// or https://" in err
    assert not run.log.exists()


def test_an_unwritable_log_path_is_a_clear_error(server: MisbehavingServer, tmp_path: Path) -> None:
    (tmp_path / "log.txt").mkdir()  # a directory where the log file should be
    run = Run(tmp_path, [{"url": server.url("/ok")}])
    assert run.proc.wait(timeout=10) == 2
    err = run.proc.stderr.read() if run.proc.stderr else ""
    assert f"cannot open {tmp_path / 'log.txt'}: Is a directory" in err


def test_every_logged_check_is_in_the_store_after_sigterm(server: MisbehavingServer, tmp_path: Path) -> None:
    import sqlite3

    run = Run(tmp_path, [
        {"name": "a", "url": server.url("/ok"), "interval": "50ms"},
        {"name": "b", "url": server.url("/status/500"), "interval": "50ms"},
    ])  # fmt: skip
    run.wait_for(lambda: len(run.log_lines()) >= 20)
    code, *_ = run.stop()
    assert code == 0
    with sqlite3.connect(run.db) as db:
        stored = db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        changes = db.execute("SELECT COUNT(*) FROM transitions").fetchone()[0]
    assert stored == len(run.log_lines())
    assert changes == 2  # unknown→up for a, unknown→down for b


def test_store_none_keeps_no_history(server: MisbehavingServer, tmp_path: Path) -> None:
    run = Run(tmp_path, [{"url": server.url("/ok"), "interval": "50ms"}], "--store", "none")
    run.wait_for(lambda: len(run.log_lines()) >= 2)
    assert run.stop()[0] == 0
    assert not run.db.exists()
