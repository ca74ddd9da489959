"""The one record every check produces, and its text forms.

The field names and their order are shared by ``sitewatch check --json``, log.txt and (later) the
store and API, so they are defined once here in :data:`FIELDS`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

# result values
UP: Final = "up"
SLOW: Final = "slow"
CONTENT_MISMATCH: Final = "content_mismatch"
HTTP_ERROR: Final = "http_error"
CONNECTION_ERROR: Final = "connection_error"
TIMEOUT: Final = "timeout"
RESULTS: Final = (UP, SLOW, CONTENT_MISMATCH, HTTP_ERROR, CONNECTION_ERROR, TIMEOUT)

FIELDS: Final = (
    "ts",
    "monitor",
    "url",
    "location",
    "result",
    "error",
    "http_code",
    "time_ms",
    "dns_ms",
    "connect_ms",
    "tls_ms",
    "ttfb_ms",
    "bytes",
    "cert_days",
    "detail",
)


@dataclass(slots=True)
class Result:
    """What one check found.

    ``ts`` is the UTC start of the check in seconds since the epoch (formatted by :func:`iso_utc`).
    Durations are milliseconds: ``dns_ms``, ``connect_ms`` and ``tls_ms`` are the length of that phase
    alone; ``ttfb_ms`` and ``time_ms`` count from the start of the check. A phase that did not happen
    is ``None``. ``bytes`` counts body bytes read after decompression. ``cert_days`` is the time left,
    in days, before the earliest expiry in the server's certificate chain (https only).
    """

    ts: float
    monitor: str
    url: str
    location: str
    result: str
    error: str | None = None
    http_code: int | None = None
    time_ms: float | None = None
    dns_ms: float | None = None
    connect_ms: float | None = None
    tls_ms: float | None = None
    ttfb_ms: float | None = None
    bytes: int | None = None
    cert_days: float | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        """True when the check passed every rule (``up``)."""
        return self.result == UP

    def to_dict(self) -> dict[str, Any]:
        """The result as a JSON-ready dict, fields in :data:`FIELDS` order, ``ts`` as ISO 8601."""
        out = {name: getattr(self, name) for name in FIELDS}
        out["ts"] = iso_utc(self.ts)
        return out

    def to_json(self) -> str:
        """One JSON object on one line."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def to_logfmt(self) -> str:
        """One logfmt line: every field in :data:`FIELDS` order, ``-`` for empty.

        Spelled out rather than looped over FIELDS: this runs on the hub for every check, and the
        loop cost more than the check's own Python work (a test keeps the order equal to FIELDS)."""
        v = logfmt_value
        return (
            f"ts={iso_utc(self.ts)} monitor={v(self.monitor)} url={v(self.url)} location={v(self.location)} "
            f"result={self.result} error={v(self.error)} http_code={v(self.http_code)} time_ms={v(self.time_ms)} "
            f"dns_ms={v(self.dns_ms)} connect_ms={v(self.connect_ms)} tls_ms={v(self.tls_ms)} "
            f"ttfb_ms={v(self.ttfb_ms)} bytes={v(self.bytes)} cert_days={v(self.cert_days)} detail={v(self.detail)}"
        )


def iso_utc(ts: float) -> str:
    """Seconds since the epoch → ``2026-12-04T10:00:00.123456Z`` (UTC, microseconds, ``Z``)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_NEEDS_QUOTES = re.compile(r'[ "=\\]')


def logfmt_value(value: object) -> str:
    """Render one logfmt value: ``-`` for empty, quoted when it holds spaces, quotes or ``=``."""
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    text = str(value)
    if _NEEDS_QUOTES.search(text) is not None or not text.isprintable():
        return json.dumps(text, ensure_ascii=False)
    return text


def logfmt_line(fields: Iterable[tuple[str, object]]) -> str:
    """``key=value`` pairs joined by spaces, values rendered by :func:`logfmt_value`."""
    return " ".join(f"{key}={logfmt_value(value)}" for key, value in fields)


def now() -> float:
    """The current UTC time in seconds since the epoch (one place, so tests read the same clock)."""
    return time.time()
