"""Section 4, timing accuracy: sitewatch's ``time_ms`` against curl's ``time_total`` on a 200 ms page.

The page is ``suite.slowserver`` (threaded, sleeps 200 ms) on CPU 1. A child process on CPU 0
(``python -m suite.timing …``) runs a sitewatch Engine and, pair after pair, starts one curl
(``curl -w %{time_total}``, pinned to CPU 1) and, 50 ms later (once curl has started: its start-up
on the server's core would otherwise delay the server's accept of sitewatch's connection), one
sitewatch check of the same page; each pair gives one difference sitewatch − curl in ms. Both measure from the start of
their own transfer with a new connection. Pairs go one at a time: with several in flight the
Python server's own jitter (GIL, threads) is ±20 ms and drowns what is measured.
Done idle, then under load: 1,000 checks/s of the nginx page (new connection, body verified)
paced on the same hub, in the same process. Reported per condition: p50/p99 of the difference
and p99 of its absolute value.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from typing import Any

from _nginx import Nginx, free_port

from .common import CPU_TARGET, CPU_TOOL, Ctx, child_env, emit, median, percentiles, pin, run_child, spawn, stop
from .common import wait_http as _wait_http


def measure(ctx: Ctx) -> dict[str, Any]:
    count = 40 if ctx.quick else 300
    runs = []
    with Nginx(cpu=CPU_TARGET) as nginx:
        port = free_port()
        server = spawn([*pin(CPU_TARGET), sys.executable, "-m", "suite.slowserver", str(port), "--lifetime", "1800"],
                       log=ctx.tmp / "slowserver.log", env=child_env())  # fmt: skip
        try:
            slow = f"http://127.0.0.1:{port}/slow"
            if not _wait_http(slow, 15, server):
                raise RuntimeError("the slow server did not start")
            for i in range(ctx.runs):
                args = ["--slow", slow, "--nginx", nginx.url, "--pairs", str(count), "--load-rate", "1000"]
                child = run_child(ctx, "timing", args, cpu=CPU_TOOL, timeout=count + 120)
                runs.append(child)
                for cond in ("idle", "loaded"):
                    d = child[cond]["stats"]
                    ctx.say(
                        f"timing run {i + 1}, {cond}: sitewatch − curl p50 {d['p50']:+.3f} ms, p99 {d['p99']:+.3f} ms, "
                        f"p99 of abs {child[cond]['abs_p99']:.3f} ms ({d['count']} pairs)"
                    )
        finally:
            stop(server)
    figures: dict[str, Any] = {"pairs_per_condition": count, "load_rate": median(r["load_rate"] for r in runs)}
    for cond in ("idle", "loaded"):
        figures[cond] = {
            "p50_ms": median(r[cond]["stats"]["p50"] for r in runs),
            "p99_ms": median(r[cond]["stats"]["p99"] for r in runs),
            "abs_p99_ms": median(r[cond]["abs_p99"] for r in runs),
            "sitewatch_p50_ms": median(r[cond]["sitewatch_p50"] for r in runs),
            "curl_p50_ms": median(r[cond]["curl_p50"] for r in runs),
            "failed": sum(r[cond]["failed"] for r in runs),
        }
    figures["diffs"] = {cond: [d for r in runs for d in r[cond]["diffs"]] for cond in ("idle", "loaded")}
    return figures


# -- the child ------------------------------------------------------------------------------------


def pairs(engine: Any, url: str, tag: str, count: int, parallel: int) -> list[tuple[str, float, str, float]]:
    """``count`` pairs, ``parallel`` at a time: [(sitewatch id, time_ms, curl id, time_ms)]."""
    import gevent
    import gevent.event
    import gevent.socket

    from .engine_child import prepare

    out: list[tuple[str, float, str, float]] = []
    for first in range(0, count, parallel):
        ids = [(f"sw-{tag}-{i}", f"curl-{tag}-{i}") for i in range(first, min(count, first + parallel))]
        curls = [
            subprocess.Popen([*pin(CPU_TARGET), "curl", "-s", "-o", "/dev/null", "-w", "%{time_total}",
                              f"{url}?id={curl_id}"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            for _, curl_id in ids
        ]  # fmt: skip
        # curl takes a few ms of CPU to start, on the server's core: let it get to its request
        # first, so that it does not delay the server's accept of sitewatch's connection
        gevent.sleep(0.05)
        waiters = []
        for sw_id, _ in ids:
            prepared = prepare(engine, f"{url}?id={sw_id}")
            waiters.append(gevent.event.AsyncResult())
            engine.start(prepared, waiters[-1].set)
            engine.forget(prepared.monitor)
        for (sw_id, curl_id), waiter, proc in zip(ids, waiters, curls, strict=True):
            result = waiter.get(timeout=10)
            # curl writes its figure as it exits: wait for that on the hub, not in a thread (a
            # thread waking up while the hub processes the sitewatch reply skews it by up to 5 ms)
            gevent.socket.wait_read(proc.stdout.fileno(), timeout=15)
            text = proc.communicate(timeout=5)[0].decode().strip()
            if result.result == "up" and text:
                out.append((sw_id, float(result.time_ms), curl_id, float(text) * 1000))
    return out


def summarise(pairs: list[tuple[str, float, str, float]], count: int) -> dict[str, Any]:
    """The differences sitewatch − curl (ms) of the pairs."""
    raw = [sw - cu for _, sw, _, cu in pairs]
    return {
        "stats": percentiles(raw),
        "abs_p99": percentiles([abs(d) for d in raw])["p99"],
        "sitewatch_p50": percentiles([p[1] for p in pairs])["p50"],
        "curl_p50": percentiles([p[3] for p in pairs])["p50"],
        "failed": count - len(pairs),
        "diffs": raw,
    }


def child(args: argparse.Namespace) -> dict[str, Any]:
    import gevent

    from sitewatch.probe import Engine

    from .engine_child import PacedLoad

    sys.setswitchinterval(0.0005)  # as `sitewatch run` does (runner.py): threads yield the GIL to the hub soon
    engine = Engine()
    pairs(engine, args.slow, "warm", 2, 1)  # warm-up: curl from the page cache, libcurl handles
    idle = pairs(engine, args.slow, "idle", args.pairs, args.parallel)
    load = PacedLoad(engine, args.nginx, args.load_rate)
    load.start()
    gevent.sleep(1.0)
    t0 = time.monotonic()
    loaded = pairs(engine, args.slow, "loaded", args.pairs, args.parallel)
    rate = load.stop()
    gevent.sleep(0.5)
    engine.close()
    return {"idle": summarise(idle, args.pairs), "loaded": summarise(loaded, args.pairs),
            "load_rate": rate, "loaded_seconds": time.monotonic() - t0, "load_not_up": load.not_up}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slow", required=True)
    parser.add_argument("--nginx", required=True)
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--load-rate", type=float, default=1000.0)
    emit(child(parser.parse_args()))


if __name__ == "__main__":
    main()
