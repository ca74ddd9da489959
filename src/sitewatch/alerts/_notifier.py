"""Delivering messages through Apprise without ever slowing a check.

The hub only puts a message on a queue. A few worker threads deliver it to each channel, retrying
with backoff (1 s, 2 s, 4 s …); a slow or dead receiver ties up a worker, never the scheduler.
Every outcome becomes a line in health.txt. Channel URLs are shown only in Apprise's privacy form,
so tokens and passwords never reach a log, the page or the API.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ..result import iso_utc, logfmt_line
from ._messages import KIND_RECOVERED, Message

Report = Callable[[str], None]  # takes a health.txt line


class _PerThreadLog(logging.Handler):
    """Apprise says why a delivery failed only in its log: keep each thread's messages apart."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        lines = getattr(self.local, "lines", None)
        if lines is not None:
            lines.append(record.getMessage())


_LOG = _PerThreadLog()
logging.getLogger("apprise").addHandler(_LOG)


def safe_url(url: str) -> str:
    """The channel as Apprise prints it with secrets masked, without the query string."""
    import apprise

    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None:
        return url.partition("://")[0] + "://…"
    return str(plugin.url(privacy=True)).split("?", 1)[0]  # type: ignore[no-untyped-call]


def deliver_once(url: str, message: Message) -> tuple[bool, str]:
    """Send ``message`` to one channel now (blocking). Returns (ok, why it failed)."""
    import apprise

    _LOG.local.lines = []
    try:
        # The plugin itself, not an Apprise() group: it sends in this (worker) thread, so the log
        # lines that say why it failed are this thread's to read.
        plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        if plugin is None:
            return False, "not a valid Apprise URL"
        ok = bool(plugin.notify(body=message.body, title=message.title))
        why = "; ".join(_LOG.local.lines[-2:]) or ("" if ok else "delivery failed")
        return ok, why
    except Exception as exc:  # a channel's library failing must not kill the worker
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        _LOG.local.lines = None


class Notifier:
    """Queues messages from the hub and delivers them from worker threads."""

    def __init__(
        self,
        report: Report,
        *,
        min_interval: float = 60.0,
        attempts: int = 4,
        backoff: float = 1.0,
        workers: int = 4,
        clock: Callable[[], float] = time.monotonic,
        wallclock: Callable[[], float] = time.time,
    ) -> None:
        self.report = report
        self.min_interval = min_interval
        self.attempts = attempts
        self.backoff = backoff
        self.sent = self.failed = self.dropped = 0
        self._clock = clock
        self._wallclock = wallclock
        self._last: dict[str, float] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="notify")

    def submit(self, message: Message) -> bool:
        """Queue ``message`` (never blocks). False when the monitor's rate limit dropped it."""
        if not message.urls:
            return False
        now = self._clock()
        last = self._last.get(message.monitor)
        # Recoveries always go out: a "down" without its "recovered" would leave people paging on.
        if message.kind != KIND_RECOVERED and last is not None and now - last < self.min_interval:
            self.dropped += 1
            self._line(message, "-", "rate_limited", 0, f"another message went out {now - last:.0f} s ago")
            return False
        self._last[message.monitor] = now
        for url in message.urls:
            self._pool.submit(self._deliver, url, message)
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Stop taking work; wait a little for deliveries in progress (threads are daemonic)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _deliver(self, url: str, message: Message) -> None:
        channel = safe_url(url)
        for attempt in range(1, self.attempts + 1):
            ok, why = deliver_once(url, message)
            if ok:
                self.sent += 1
                self._line(message, channel, "sent", attempt, "")
                return
            if attempt == self.attempts:
                self.failed += 1
                self._line(message, channel, "failed", attempt, why)
                return
            self._line(message, channel, "retrying", attempt, why)
            time.sleep(self.backoff * 2 ** (attempt - 1))

    def _line(self, message: Message, channel: str, outcome: str, attempt: int, why: str) -> None:
        fields = [
            ("ts", iso_utc(self._wallclock())), ("event", "notify"), ("monitor", message.monitor),
            ("kind", message.kind), ("channel", channel), ("outcome", outcome), ("attempt", attempt),
            ("detail", why or None),
        ]  # fmt: skip
        self.report(logfmt_line(fields))
