"""What a person watching the terminal sees: one line per state change, a summary each minute."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape

from ..result import iso_utc
from ..state import DOWN, StateChange

_STYLE = {"up": "bold green", "slow": "bold yellow", DOWN: "bold red", "unknown": "dim"}


@dataclass(frozen=True, slots=True)
class MinuteSummary:
    """The process-wide figures of one minute."""

    boundary: float
    monitors: int
    up: int
    slow: int
    down: int
    checks: int
    skipped: int
    lateness_p99_ms: float | None
    tick_lateness_ms: float


class ConsoleReport:
    """Prints through its own thread, so a terminal that does not keep up never stalls checks."""

    def __init__(self, console: Console | None = None, quiet: bool = False) -> None:
        self.console = console or Console(highlight=False)
        self.errors = Console(stderr=True, highlight=False)
        self.quiet = quiet
        self._queue: queue.SimpleQueue[tuple[Console, str] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="sitewatch-console", daemon=True)
        self._thread.start()

    def info(self, text: str) -> None:
        """A plain message (start-up, reload, shutdown); markup in ``text`` is escaped."""
        if not self.quiet:
            self._queue.put((self.console, escape(text)))

    def error(self, text: str) -> None:
        """Shown even with --quiet."""
        self._queue.put((self.errors, f"[bold red]error:[/] {escape(text)}"))

    def state_change(self, change: StateChange) -> None:
        if self.quiet:
            return
        r = change.result
        why = " ".join(escape(str(x)) for x in (r.result, r.error, r.http_code) if x is not None)
        detail = f" — {escape(r.detail)}" if r.detail else ""
        took = f" {r.time_ms:.1f} ms" if r.time_ms is not None else ""
        self._say(
            f"[dim]{iso_utc(r.ts)[:-8]}Z[/] {escape(r.monitor)} "
            f"[{_STYLE[change.old]}]{change.old}[/] → [{_STYLE[change.new]}]{change.new}[/] "
            f"({why}{took}){detail}"
        )

    def minute(self, s: MinuteSummary) -> None:
        if self.quiet:
            return
        p99 = "-" if s.lateness_p99_ms is None else f"{s.lateness_p99_ms:.2f} ms"
        self._say(
            f"[dim]{iso_utc(s.boundary)[:-8]}Z[/] {s.monitors} monitors: "
            f"[green]{s.up} up[/], [yellow]{s.slow} slow[/], [red]{s.down} down[/] · "
            f"{s.checks} checks in the last minute · {s.skipped} skipped · "
            f"lateness p99 {p99} · minute tick {s.tick_lateness_ms:.2f} ms late"
        )

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=2)

    def _say(self, markup: str) -> None:
        self._queue.put((self.console, markup))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            console, markup = item
            console.print(markup, soft_wrap=True)
