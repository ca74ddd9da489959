"""``sitewatch history`` and ``sitewatch report``: reading the store from the command line.

Both stream: history pages through the store with a cursor and prints each page as it comes, so
exporting millions of rows keeps memory flat.
"""

from __future__ import annotations

import argparse
import csv
import heapq
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from .errors import UsageError
from .result import FIELDS, RESULTS, Result, iso_utc, logfmt_value, now
from .store import Store, StoreError, open_store
from .store._report import ReportRow, build_report
from .timeparse import parse_time

FORMATS = ("table", "csv", "json")
DEFAULT_WEB = "127.0.0.1:8080"


def add_store_commands(sub: Any, default_store: str) -> None:
    history = sub.add_parser("history", help="results in a time interval, oldest first")
    history.add_argument("monitor", nargs="?", help="one monitor (default: all)")
    history.add_argument("--since", required=True, help="ISO 8601 (2026-12-04T10:00Z) or relative (-15m, -2h, -7d)")
    history.add_argument("--until", default="now", help="end of the interval (default now)")
    history.add_argument("--location", help="only results from this location")
    history.add_argument("--result", choices=RESULTS, help="only results of this kind")
    history.add_argument("--format", choices=FORMATS, default="table")
    history.add_argument("--batch", type=_positive, default=1000, help="rows fetched per page (default 1000)")
    history.add_argument("--store", default=default_store, help=f"store URL (default {default_store})")

    report = sub.add_parser("report", help="availability and response times per monitor")
    report.add_argument("--since", default="-24h", help="start (default -24h)")
    report.add_argument("--until", default="now", help="end (default now)")
    report.add_argument("--monitor", action="append", help="only this monitor (repeatable)")
    report.add_argument("--by-location", action="store_true", help="one row per monitor and location")
    report.add_argument("--format", choices=FORMATS, default="table")
    report.add_argument("--store", default=default_store, help=f"store URL (default {default_store})")

    serve = sub.add_parser("serve", help="serve the status page, API and metrics from the store alone")
    serve.add_argument("--store", default=default_store, help=f"store URL (default {default_store})")
    serve.add_argument("--web", default=DEFAULT_WEB, metavar="HOST:PORT", help=f"address (default {DEFAULT_WEB})")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _interval(args: argparse.Namespace) -> tuple[float, float]:
    current = now()
    try:
        since = parse_time(args.since, current)
    except ValueError as exc:
        raise UsageError(f"--since: {exc}") from None
    try:
        until = parse_time(args.until, current)
    except ValueError as exc:
        raise UsageError(f"--until: {exc}") from None
    if until <= since:
        raise UsageError(f"--until ({iso_utc(until)}) must be later than --since ({iso_utc(since)})")
    return since, until


def _open(url: str) -> Store:
    try:
        store = open_store(url, create=False)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    if store is None:
        raise UsageError("--store none: there is no history to read")
    return store


def _check_monitors(store: Store, names: list[str]) -> None:
    known = set(store.monitors())
    for name in names:
        if name not in known:
            hint = ", ".join(sorted(known)[:10]) or "none stored yet"
            raise UsageError(f"unknown monitor {name!r} (known: {hint})")


def run_history(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    since, until = _interval(args)
    store = _open(args.store)
    try:
        monitors = [args.monitor] if args.monitor else store.monitors()
        if args.monitor:
            _check_monitors(store, monitors)
        rows = _merged(store, monitors, int(since * 1e6), int(until * 1e6), args)
        _write_results(rows, args.format, out)
    finally:
        store.close()
    return 0


def _stream(
    store: Store, monitor: str, since_us: int, until_us: int, args: argparse.Namespace, batch: int
) -> Iterator[Result]:
    cursor = None
    while True:
        page = store.query(monitor, since_us, until_us, location=args.location, result=args.result,
                           cursor=cursor, limit=batch)  # fmt: skip
        yield from page.results
        if page.cursor is None:
            return
        cursor = page.cursor


def _merged(
    store: Store, monitors: list[str], since_us: int, until_us: int, args: argparse.Namespace
) -> Iterator[Result]:
    """All monitors' streams merged by time; each fetches a share of --batch so memory stays flat."""
    if len(monitors) == 1:
        return _stream(store, monitors[0], since_us, until_us, args, args.batch)
    share = max(10, args.batch // max(1, len(monitors)))
    streams = [_stream(store, m, since_us, until_us, args, share) for m in monitors]
    return heapq.merge(*streams, key=lambda r: (r.ts, r.monitor, r.location))


def _write_results(rows: Iterator[Result], fmt: str, out: TextIO) -> None:
    if fmt == "json":
        for r in rows:
            out.write(r.to_json() + "\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        for r in rows:
            d = r.to_dict()
            writer.writerow(["" if d[f] is None else d[f] for f in FIELDS])
    else:
        columns = ("ts", "monitor", "location", "result", "error", "http_code", "time_ms", "detail")
        out.write("  ".join(columns) + "\n")
        for r in rows:
            d = r.to_dict()
            out.write("  ".join(logfmt_value(d[c]) for c in columns) + "\n")


def run_report(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    since, until = _interval(args)
    store = _open(args.store)
    try:
        if args.monitor:
            _check_monitors(store, args.monitor)
        rows = build_report(store, since, until, now(), monitors=args.monitor, by_location=args.by_location)
    finally:
        store.close()
    _write_report(rows, args.format, since, until, out)
    return 0


REPORT_FIELDS = ("monitor", "location", "checks", "availability", *RESULTS, "p50_ms", "p95_ms", "p99_ms",
                 "max_ms", "longest_outage_start", "longest_outage_s", "state")  # fmt: skip


def report_record(row: ReportRow) -> dict[str, Any]:
    def r3(v: float | None) -> float | None:
        return None if v is None else round(v, 3)

    record: dict[str, Any] = {"monitor": row.monitor, "location": row.location, "checks": row.checks,
                              "availability": r3(row.availability)}  # fmt: skip
    record.update({name: row.counts.get(name, 0) for name in RESULTS})
    record.update(p50_ms=r3(row.p50_ms), p95_ms=r3(row.p95_ms), p99_ms=r3(row.p99_ms), max_ms=r3(row.max_ms))
    record["longest_outage_start"] = None if row.longest_outage_start is None else iso_utc(row.longest_outage_start)
    record["longest_outage_s"] = r3(row.longest_outage_s)
    record["state"] = row.state
    return record


def _write_report(rows: list[ReportRow], fmt: str, since: float, until: float, out: TextIO) -> None:
    records = [report_record(r) for r in rows]
    if fmt == "json":
        for rec in records:
            out.write(json.dumps(rec) + "\n")
        return
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(REPORT_FIELDS)
        for rec in records:
            writer.writerow(["" if rec[f] is None else rec[f] for f in REPORT_FIELDS])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{iso_utc(since)} → {iso_utc(until)}", title_justify="left")
    for column in ("monitor", "location", "state", "checks", "avail %", "up", "slow", "down", "p50", "p95",
                   "p99", "max", "longest outage"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("monitor", "location", "state") else "right")
    for rec in records:
        down = rec["checks"] - rec["up"] - rec["slow"]
        outage = (
            "-"
            if rec["longest_outage_s"] is None
            else (f"{rec['longest_outage_s']:.0f} s from {rec['longest_outage_start'][:19]}Z")
        )
        table.add_row(
            rec["monitor"], rec["location"], rec["state"], str(rec["checks"]),
            "-" if rec["availability"] is None else f"{rec['availability']:.3f}",
            str(rec["up"]), str(rec["slow"]), str(down),
            *("-" if rec[k] is None else f"{rec[k]:.1f}" for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms")),
            outage,
        )  # fmt: skip
    console = Console(file=out, highlight=False, width=200 if not out.isatty() else None)
    console.print(table)
    if any(r.approximate for r in rows):
        console.print("percentiles read from rollups are within ±4.5 %; counts and max are exact", style="dim")


def run_serve(args: argparse.Namespace) -> int:
    """Serve the page from the store until SIGINT/SIGTERM: a report server that probes nothing."""
    import signal

    import gevent
    import gevent.event

    from .web import StoreSource, WebServer, create_app, parse_listen

    host, port = parse_listen(args.web)
    store = _open(args.store)
    server = WebServer(create_app(StoreSource(store), mode="serve"), host, port)
    server.start()
    print(f"sitewatch: serving {args.store} at {server.url}", flush=True)
    stop = gevent.event.Event()
    handlers = [gevent.signal_handler(sig, stop.set) for sig in (signal.SIGINT, signal.SIGTERM)]
    try:
        stop.wait()
    finally:
        for handler in handlers:
            handler.cancel()
        server.stop()
        store.close()
    return 0
