"""A compact, mergeable histogram of response times for rollups.

Buckets grow by 2^(1/8) (≈ 9 %) from 10 µs, so a percentile read from a histogram is within
±4.5 % of the true value; 240 buckets reach past 10 minutes. Encoded sparse — (bucket, count)
pairs as bytes — so a minute with a couple of checks costs a few bytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

_BASE_MS = 0.01
_PER_OCTAVE = 8
BUCKETS = 240


def bucket_of(ms: float) -> int:
    if ms <= _BASE_MS:
        return 0
    return min(BUCKETS - 1, int(math.log2(ms / _BASE_MS) * _PER_OCTAVE) + 1)


def bucket_value(bucket: int) -> float:
    """A representative value (geometric middle) of a bucket, in ms."""
    if bucket == 0:
        return _BASE_MS
    low = _BASE_MS * 2 ** ((bucket - 1) / _PER_OCTAVE)
    return low * 2 ** (0.5 / _PER_OCTAVE)


def encode(counts: dict[int, int]) -> bytes:
    out = bytearray()
    for bucket in sorted(counts):
        out.append(bucket)
        _varint(out, counts[bucket])
    return bytes(out)


def decode_into(blob: bytes, counts: dict[int, int]) -> None:
    """Add the histogram in ``blob`` to ``counts``."""
    i, n = 0, len(blob)
    while i < n:
        bucket = blob[i]
        i += 1
        value = shift = 0
        while True:
            byte = blob[i]
            i += 1
            value |= (byte & 0x7F) << shift
            if byte < 0x80:
                break
            shift += 7
        counts[bucket] = counts.get(bucket, 0) + value


def add_values(values: Iterable[float], counts: dict[int, int]) -> None:
    for ms in values:
        b = bucket_of(ms)
        counts[b] = counts.get(b, 0) + 1


def percentile(counts: dict[int, int], q: float) -> float | None:
    """Nearest-rank percentile read from the histogram (±4.5 %)."""
    total = sum(counts.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen >= rank:
            return bucket_value(bucket)
    return None  # pragma: no cover - unreachable


def _varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
