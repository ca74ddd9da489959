"""The ``sitewatch`` command: run, check, validate, schema.

Exit codes: 0 success (``check``: the result is ``up``), 1 a check that is not ``up``,
2 a usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from . import __version__
from .cli_store import DEFAULT_WEB, add_store_commands, run_history, run_report, run_serve
from .config import json_schema, load_config, parse_config, parse_duration
from .errors import ConfigError, UsageError
from .result import Result
from .store import DEFAULT_URL as DEFAULT_STORE
from .store import StoreError

DEFAULT_CONFIG = "data/urls.json"


def _duration(text: str) -> float:
    try:
        return parse_duration(float(text) if text.replace(".", "", 1).isdigit() else text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _status_list(text: str) -> list[int | str]:
    items: list[int | str] = []
    for part in text.split(","):
        part = part.strip()
        items.append(int(part) if part.isdigit() else part)
    return items


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitewatch", description="Website availability monitor.")
    parser.add_argument("--version", action="version", version=f"sitewatch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="monitor every configured URL until stopped")
    run.add_argument("-c", "--config", default=DEFAULT_CONFIG, help=f"config file (default {DEFAULT_CONFIG})")
    run.add_argument("--interval", type=_duration, help="default interval for monitors that set none")
    run.add_argument("--log", help="per-check log file (default output/log.txt)")
    run.add_argument("--health", help="status log file (default output/health.txt)")
    run.add_argument("--location", help='name of this probe location (default "local")')
    run.add_argument("--duration", type=_duration, help="stop after this long (default: run until signalled)")
    run.add_argument("--store", help=f"history store URL, or none (default {DEFAULT_STORE})")
    run.add_argument(
        "--web", default=DEFAULT_WEB, metavar="HOST:PORT", help=f"status page address (default {DEFAULT_WEB})"
    )
    run.add_argument("--no-web", action="store_true", help="serve no status page")
    run.add_argument(
        "--workers", type=_positive_int, default=os.cpu_count() or 1,
        help="probe processes, each with a stable share of the monitors (default: one per core)",
    )  # fmt: skip
    run.add_argument("-q", "--quiet", action="store_true", help="print only errors")

    check = sub.add_parser("check", help="check one URL now (exit 0 when up, 1 otherwise)")
    check.add_argument("url")
    check.add_argument("--contains", action="append", default=[], metavar="TEXT", help="text that must appear")
    check.add_argument("--not-contains", action="append", default=[], metavar="TEXT", help="text that must not appear")
    check.add_argument("--regex", metavar="RE", help="regular expression the body must match")
    check.add_argument("--status", type=_status_list, metavar="CODES", help='expected codes, e.g. "200,301" or "2xx"')
    check.add_argument("--timeout", type=_duration, default=10.0, help="hard deadline (default 10s)")
    check.add_argument("--max-response-ms", type=float, help="slower than this ⇒ slow")
    check.add_argument("--insecure", action="store_true", help="do not verify the TLS certificate")
    check.add_argument("--location", default="local", help="location recorded in the result")
    check.add_argument("--json", action="store_true", help="print the result as one JSON object")

    validate = sub.add_parser("validate", help="check a config file and list every problem")
    validate.add_argument("-c", "--config", default=DEFAULT_CONFIG)

    sub.add_parser("schema", help="print the JSON Schema of the config file")

    notify_test = sub.add_parser("notify-test", help="send a test message through the configured channels")
    notify_test.add_argument("monitor", nargs="?", help="use this monitor's channels (default: every channel)")
    notify_test.add_argument("-c", "--config", default=DEFAULT_CONFIG)
    add_store_commands(sub, DEFAULT_STORE)
    return parser


def _glue_relative_times(argv: Sequence[str]) -> list[str]:
    """``--since -15m`` → ``--since=-15m``: argparse would take ``-15m`` for an option."""
    out: list[str] = []
    for arg in argv:
        if out and out[-1] in ("--since", "--until") and arg.startswith("-"):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["_probe"]:  # a probe worker started by `run --workers N` (not for people)
        from .workers import worker_main

        return worker_main()
    args = build_parser().parse_args(_glue_relative_times(argv))
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "check":
            return _check(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "history":
            return run_history(args)
        if args.command == "report":
            return run_report(args)
        if args.command == "serve":
            return run_serve(args)
        if args.command == "notify-test":
            return _notify_test(args)
        print(json.dumps(json_schema(), indent=2))
        return 0
    except (ConfigError, UsageError, StoreError) as exc:
        for line in str(exc).splitlines():
            print(f"sitewatch: error: {line}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from .outputs import ConsoleReport
    from .runner import Runner
    from .web import parse_listen

    overrides = {
        "interval": args.interval,
        "log": args.log,
        "health": args.health,
        "location": args.location,
        "store": args.store,
    }
    web = None if args.no_web else parse_listen(args.web)
    runner = Runner(args.config, overrides, console=ConsoleReport(quiet=args.quiet), web=web, workers=args.workers)
    return runner.run(duration=args.duration)


def _check(args: argparse.Namespace) -> int:
    from .probe import check_once

    monitor = {
        "url": args.url,
        "contains": args.contains,
        "not_contains": args.not_contains,
        "regex": args.regex,
        "status": args.status,
        "timeout": args.timeout,
        "max_response_ms": args.max_response_ms,
        "verify_tls": not args.insecure,
    }
    try:
        config = parse_config([{k: v for k, v in monitor.items() if v is not None}])
    except ConfigError as exc:  # "<memory>: monitors[0] (URL): url: …" → "url: …"
        raise UsageError("\n".join(p.split(": ", 2)[-1] for p in exc.problems)) from None
    result = check_once(config.monitors[0], location=args.location)
    if args.json:
        print(result.to_json())
    else:
        _print_result(result)
    return 0 if result.ok else 1


def _print_result(r: Result) -> None:
    console = Console(highlight=False)
    colour = {"up": "green", "slow": "yellow"}.get(r.result, "red")
    head = " ".join(str(x) for x in (r.result, r.error) if x)
    code = f" HTTP {r.http_code}" if r.http_code else ""
    took = f" in {r.time_ms:.1f} ms" if r.time_ms is not None else ""
    console.print(f"[bold {colour}]{escape(head)}[/]{code}{took}  {escape(r.url)}")

    def ms(v: float | None) -> str:
        return "-" if v is None else f"{v:.2f} ms"

    console.print(
        f"  dns {ms(r.dns_ms)} · connect {ms(r.connect_ms)} · tls {ms(r.tls_ms)} · "
        f"first byte {ms(r.ttfb_ms)} · {r.bytes if r.bytes is not None else '-'} bytes"
    )
    if r.detail:
        console.print(f"  {escape(r.detail)}")


def _notify_test(args: argparse.Namespace) -> int:
    from .alerts import send_test

    config = load_config(args.config)
    monitor = None
    if args.monitor:
        monitor = next((m for m in config.monitors if m.name == args.monitor), None)
        if monitor is None:
            raise UsageError(f"unknown monitor {args.monitor!r} in {config.source}")
        urls = monitor.notify
    else:
        urls = tuple(dict.fromkeys((*config.settings.notify, *(u for m in config.monitors for u in m.notify))))
    if not urls:
        raise UsageError("no notify channels configured" + (f" for {args.monitor!r}" if args.monitor else ""))
    failures = 0
    for channel, ok, why in send_test(monitor, urls):
        print(f"{'ok  ' if ok else 'FAIL'} {channel}: {why}")
        failures += not ok
    return 1 if failures else 0


def _validate(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem)
        return 2
    print(f"{config.source}: ok, {len(config.monitors)} monitors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
