"""Append-only text files written by a thread of their own, rotated by size.

The hub only formats a line and puts it on a queue (a few microseconds); the thread does the
blocking part — write, flush, rename — so a slow disk never delays a check.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path

Job = str | Callable[[], list[str]]  # a ready line, or work that produces lines (run in the thread)


class RotatingFile:
    """``path`` grows to ``max_bytes``, then becomes ``path.1`` (``path.1`` → ``path.2`` …);
    ``backups`` old files are kept. Not thread-safe: owned by one :class:`LineWriter`."""

    def __init__(self, path: str | Path, max_bytes: int, backups: int) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.backups = backups
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as we do
        self._size = self._file.tell()

    def write_lines(self, lines: list[str]) -> None:
        """Append ``lines`` (each gets a newline), rotating whenever the next line would not fit."""
        chunk: list[str] = []
        size = self._size
        for line in lines:
            n = len(line) + 1 if line.isascii() else len(line.encode("utf-8")) + 1
            if size and size + n > self.max_bytes:
                self._file.write("".join(chunk))
                chunk.clear()
                self._rotate()
                size = 0
            chunk.append(line + "\n")
            size += n
        self._file.write("".join(chunk))
        self._size = size

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def _rotate(self) -> None:
        self._file.close()
        if self.backups > 0:
            for n in range(self.backups - 1, 0, -1):
                older = self.path.with_name(f"{self.path.name}.{n}")
                if older.exists():
                    os.replace(older, self.path.with_name(f"{self.path.name}.{n + 1}"))
            os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))
        else:
            self.path.unlink(missing_ok=True)
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        self._size = 0


class LineWriter:
    """A thread that drains a queue of lines (or line-producing jobs) into a :class:`RotatingFile`."""

    _STOP = object()

    def __init__(self, target: RotatingFile, name: str = "sitewatch-writer") -> None:
        self.target = target
        self.errors = 0
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def put(self, job: Job) -> None:
        """Queue a line (without its newline) or a job; never blocks."""
        self._queue.put(job)

    def close(self, timeout: float = 5.0) -> None:
        """Write everything queued so far, then stop the thread and close the file."""
        self._queue.put(self._STOP)
        self._thread.join(timeout)

    def _run(self) -> None:
        get = self._queue.get
        while True:
            batch = [get()]
            # take whatever else is already queued: one write and one flush per batch, not per line
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            lines: list[str] = []
            stop = False
            for job in batch:
                if job is self._STOP:
                    stop = True
                elif isinstance(job, str):
                    lines.append(job)
                else:
                    lines.extend(job())  # type: ignore[operator]
            try:
                if lines:
                    self.target.write_lines(lines)
                    self.target.flush()
            except OSError:
                self.errors += 1  # disk full, permissions: counted; the monitor keeps running
            if stop:
                self.target.close()
                return
