"""What supervisor and workers say to each other: one JSON array per line.

supervisor → worker (stdin):  ["M", [monitor, …]]  the worker's shard, replacing the previous one
                              ["L", location]  ["C", max_concurrency]  ["E", name, delay]  ["Q"] quit
worker → supervisor (stdout): ["R", ts, monitor, url, location, result, error, http_code, time_ms,
                                dns_ms, connect_ms, tls_ms, ttfb_ms, bytes, cert_days, detail]
                              ["K", name, why]  a skipped tick
                              ["S", started, skipped, [lateness s …], [histogram counts …], sum]
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from typing import Any

from ..config import Monitor
from ..result import FIELDS, Result

# Alerting is the supervisor's business: workers get monitors without channels or windows.
_NOT_SENT = {"notify", "maintenance"}


def shard_of(name: str, workers: int) -> int:
    """A monitor's worker: stable across restarts and reloads (a hash of its name)."""
    return zlib.crc32(name.encode()) % workers


def encode_monitor(m: Monitor) -> dict[str, Any]:
    out = {f.name: getattr(m, f.name) for f in dataclasses.fields(m) if f.name not in _NOT_SENT}
    out["status"] = None if m.status is None else sorted(m.status)
    return out


def decode_monitor(d: dict[str, Any]) -> Monitor:
    d = dict(d)
    d["status"] = None if d["status"] is None else frozenset(d["status"])
    d["headers"] = tuple(tuple(h) for h in d["headers"])
    for key in ("contains", "not_contains"):
        d[key] = tuple(d[key])
    return Monitor(**d)


def encode_result(r: Result) -> str:
    return json.dumps(["R", *(getattr(r, name) for name in FIELDS)], ensure_ascii=False)


def decode(line: bytes | str) -> list[Any]:
    message = json.loads(line)
    if not isinstance(message, list) or not message:
        raise ValueError(f"not a message: {line!r}")
    return message


def result_of(message: list[Any]) -> Result:
    return Result(*message[1:])
