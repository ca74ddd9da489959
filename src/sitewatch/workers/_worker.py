"""A probe worker process: the engine and scheduler for one shard, results out on stdout.

It reads its monitors and orders from stdin (see :mod:`._wire`) and ends when stdin closes, so
a worker never outlives its supervisor. SIGINT is ignored (a Ctrl-C reaches the whole process
group; the supervisor decides when workers stop).
"""

from __future__ import annotations

import json
import queue
import signal
import sys
import threading

import gevent
import gevent.event
from gevent.fileobject import FileObjectPosix

from ..prober import LocalProber
from ._wire import decode, decode_monitor, encode_result

STATS_EVERY_S = 1.0


class _Output:
    """Lines to stdout from a thread of their own: a slow reader never blocks the hub."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="worker-out", daemon=True)
        self._thread.start()

    def put(self, line: str) -> None:
        self._queue.put(line)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        out = sys.stdout.buffer
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            lines = [line for line in batch if line is not None]
            try:
                if lines:
                    out.write(("\n".join(lines) + "\n").encode())
                    out.flush()
            except (BrokenPipeError, ValueError):
                return  # the supervisor is gone
            if None in batch:
                return


def worker_main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.setswitchinterval(0.0005)
    out = _Output()
    prober = LocalProber(
        lambda r: out.put(encode_result(r)),
        lambda m, why: out.put(json.dumps(["K", m.name, why])),
        location="local",
        max_concurrency=500,
    )
    done = gevent.event.Event()
    gevent.signal_handler(signal.SIGTERM, done.set)

    def stats() -> None:
        while not done.wait(STATS_EVERY_S):
            h = prober.lateness_histogram
            out.put(json.dumps(["S", prober.started, prober.skipped, list(prober.lateness.take()), h.counts, h.sum]))

    def orders() -> None:
        for line in FileObjectPosix(sys.stdin.fileno(), "rb"):
            message = decode(line)
            kind = message[0]
            if kind == "M":
                prober.set_monitors(decode_monitor(d) for d in message[1])
            elif kind == "L":
                prober.location = message[1]
            elif kind == "C":
                prober.max_concurrency = message[1]
            elif kind == "E":
                prober.expedite(message[1], message[2])
            elif kind == "Q":
                break
        done.set()

    prober.start()
    greenlets = [gevent.spawn(stats), gevent.spawn(orders)]
    done.wait()
    prober.stop(grace=1.0)
    h = prober.lateness_histogram
    out.put(json.dumps(["S", prober.started, prober.skipped, list(prober.lateness.take()), h.counts, h.sum]))
    prober.close()
    out.close()
    gevent.killall(greenlets, block=False)
    return 0
