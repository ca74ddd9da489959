"""What a notification says. Plain text: it has to read well in Slack, e-mail and an SMS alike."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Monitor
from ..result import SLOW, UP, Result, iso_utc
from ..state import DOWN, UNKNOWN, StateChange

# kinds of message
KIND_DOWN, KIND_DEGRADED, KIND_RECOVERED, KIND_CERT, KIND_TEST = "down", "degraded", "recovered", "cert", "test"


@dataclass(frozen=True, slots=True)
class Message:
    """One notification to the monitor's channels."""

    monitor: str
    kind: str
    title: str
    body: str
    urls: tuple[str, ...]


def duration_text(seconds: float) -> str:
    """``4h 12m``, ``3m 05s``, ``42s``."""
    s = round(seconds)
    if s >= 86400:
        return f"{s // 86400}d {s % 86400 // 3600}h"
    if s >= 3600:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s}s"


def _what(r: Result) -> str:
    parts = [r.result] + ([r.error] if r.error else []) + ([f"HTTP {r.http_code}"] if r.http_code else [])
    return " / ".join(parts)


def for_change(change: StateChange, monitor: Monitor) -> Message | None:
    """The message for a confirmed change, or None when nobody needs to hear of it."""
    r = change.result
    head = f"Monitor: {monitor.name}\nURL: {monitor.url}\nLocation: {r.location}\n"
    if change.new in (DOWN, SLOW):
        kind = KIND_DOWN if change.new == DOWN else KIND_DEGRADED
        word = "DOWN" if change.new == DOWN else "DEGRADED (slow)"
        body = head + f"Result: {_what(r)}\n"
        if r.detail:
            body += f"Detail: {r.detail}\n"
        if r.time_ms is not None:
            body += f"Time: {r.time_ms:.0f} ms\n"
        body += f"Since: {iso_utc(change.at)}"
        if change.old == DOWN:
            body += f"\n(was down for {duration_text(change.lasted or 0)})"
        return Message(monitor.name, kind, f"[sitewatch] {word}: {monitor.name}", body, monitor.notify)
    if change.new == UP and change.old != UNKNOWN:
        what = "down" if change.old == DOWN else "slow"
        body = head + f"Back up at {iso_utc(change.at)} after being {what} for {duration_text(change.lasted or 0)}"
        if change.since is not None:
            body += f" (since {iso_utc(change.since)})"
        return Message(monitor.name, KIND_RECOVERED, f"[sitewatch] RECOVERED: {monitor.name}", body, monitor.notify)
    return None


def for_certificate(r: Result, monitor: Monitor) -> Message:
    assert r.cert_days is not None
    body = (
        f"Monitor: {monitor.name}\nURL: {monitor.url}\nLocation: {r.location}\n"
        f"The TLS certificate expires in {r.cert_days:.1f} days (warning below {monitor.cert_warn_days:g} days)."
    )
    return Message(
        monitor.name, KIND_CERT, f"[sitewatch] CERTIFICATE EXPIRES SOON: {monitor.name}", body, monitor.notify
    )


def for_test(monitor: Monitor | None, urls: tuple[str, ...]) -> Message:
    name = monitor.name if monitor else "sitewatch"
    body = (
        f"A test message from sitewatch{f' for monitor {name}' if monitor else ''}. If you read this, alerts reach you."
    )
    return Message(name, KIND_TEST, "[sitewatch] test message", body, urls)


__all__ = ["UP", "Message", "for_certificate", "for_change", "for_test"]
