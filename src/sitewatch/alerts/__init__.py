"""Alerts people can trust: confirmed changes, maintenance windows, certificate warnings, delivery.

:class:`Alerts` sits on the hub and decides *whether* to tell anybody; :class:`Notifier` delivers
off the hub through Apprise. Public face: :class:`Alerts`, :class:`Notifier`, :func:`send_test`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..config import Monitor
from ..result import Result, iso_utc, logfmt_line
from ..state import StateChange
from ._messages import Message, for_certificate, for_change, for_test
from ._notifier import Notifier, deliver_once, safe_url

__all__ = ["Alerts", "Message", "Notifier", "safe_url", "send_test"]


class Alerts:
    """Turns confirmed changes and certificate figures into messages, minding maintenance windows."""

    def __init__(self, notifier: Notifier, report: Callable[[str], None]) -> None:
        self.notifier = notifier
        self.report = report
        self._cert_warned: dict[str, str] = {}  # monitor → UTC date of its last certificate warning

    def on_change(self, change: StateChange, monitor: Monitor) -> None:
        message = for_change(change, monitor)
        if message is None:
            return
        if monitor.in_maintenance(change.result.ts):
            self._suppressed(message, change.result.ts)
            return
        self.notifier.submit(message)

    def on_result(self, result: Result, monitor: Monitor) -> None:
        """Warn about an expiring certificate, once per UTC day per monitor."""
        if result.cert_days is None or result.cert_days >= monitor.cert_warn_days or not monitor.notify:
            return
        today = iso_utc(result.ts)[:10]
        if self._cert_warned.get(monitor.name) == today:
            return
        self._cert_warned[monitor.name] = today
        message = for_certificate(result, monitor)
        if monitor.in_maintenance(result.ts):
            self._suppressed(message, result.ts)
        else:
            self.notifier.submit(message)

    def _suppressed(self, message: Message, ts: float) -> None:
        fields = [("ts", iso_utc(ts)), ("event", "notify"), ("monitor", message.monitor), ("kind", message.kind),
                  ("outcome", "suppressed"), ("detail", "maintenance window")]  # fmt: skip
        self.report(logfmt_line(fields))


def send_test(monitor: Monitor | None, urls: tuple[str, ...]) -> list[tuple[str, bool, str]]:
    """Deliver a test message to each channel now. Returns (safe channel, ok, why) per channel."""
    message = for_test(monitor, urls)
    out = []
    for url in urls:
        started = time.monotonic()
        ok, why = deliver_once(url, message)
        out.append((safe_url(url), ok, why or f"delivered in {time.monotonic() - started:.2f} s"))
    return out
