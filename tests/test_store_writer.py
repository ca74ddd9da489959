"""The writer thread: a locked database makes results wait, a full buffer counts what it drops,
and a crash (kill -9) loses at most the last second and leaves a database that opens cleanly."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sitewatch.store import US, SQLiteStore, StoreWriter

from .test_store import T0, result


def count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT COUNT(*) FROM results").fetchone()[0])


def test_results_wait_while_the_database_is_locked_and_are_written_after(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    store = SQLiteStore(path, busy_timeout=0.05)
    problems: list[str] = []
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
    writer = StoreWriter(store, flush_interval=0.05, on_problem=problems.append)
    for i in range(100):
        writer.put(result(ts=T0 + i))
    time.sleep(0.5)
    assert writer.buffered == 100 and writer.overflow == 0
    assert problems and "kept for retry" in problems[0]
    locker.execute("ROLLBACK")
    locker.close()
    writer.close()
    assert writer.written == 100
    assert count(path) == 100
    store.close()


def test_a_full_buffer_drops_and_counts_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    store = SQLiteStore(path, busy_timeout=0.01)
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    problems: list[str] = []
    writer = StoreWriter(store, capacity=10, flush_interval=0.05, on_problem=problems.append)
    accepted = [writer.put(result(ts=T0 + i)) for i in range(25)]
    assert accepted.count(True) == 10 and writer.overflow == 15
    assert any("buffer full" in p for p in problems)
    locker.execute("ROLLBACK")
    locker.close()
    writer.close()
    assert count(path) == 10
    store.close()


CHILD = """
import sys, time
from sitewatch.result import Result
from sitewatch.store import SQLiteStore, StoreWriter
writer = StoreWriter(SQLiteStore(sys.argv[1]), flush_interval=0.2)
i = 0
while True:
    ts = time.time()
    writer.put(Result(ts=ts, monitor=f"m{i % 50}", url="http://x.test/", location="local", result="up"))
    i += 1
    if i % 100 == 0:
        print(ts, flush=True)
    time.sleep(0.001)
"""


def test_kill_9_loses_at_most_the_last_second_and_the_database_opens_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    last_handed = 0.0
    started = time.monotonic()
    while time.monotonic() - started < 1.5:
        last_handed = float(child.stdout.readline())
    child.send_signal(signal.SIGKILL)
    child.wait()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        newest = db.execute("SELECT MAX(ts) FROM results").fetchone()[0] / US
        assert db.execute("SELECT COUNT(*) FROM results").fetchone()[0] > 100
    assert newest >= last_handed - 1.0
    store = SQLiteStore(path)  # and sitewatch itself opens it and can write again
    store.write([result(ts=T0)])
    store.close()
