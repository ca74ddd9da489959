"""Times as users type them: ISO 8601 (``2026-12-04T10:00Z``, offsets allowed) or relative
(``-15m``, ``-2h``, ``-7d``, ``now``). Always returned as UTC epoch seconds."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_RELATIVE = re.compile(r"^-(\d+(?:\.\d+)?)(s|m|h|d|w)$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_time(text: str, now: float) -> float:
    """Parse ``text`` relative to ``now`` (epoch seconds). Raise ValueError saying what is accepted.

    A time without an offset is taken as UTC (this tool never uses local time). Nothing is older
    than the Unix epoch here: earlier times become 1970-01-01T00:00Z ("from the beginning")."""
    return max(0.0, _parse(text, now))


def _parse(text: str, now: float) -> float:
    value = text.strip()
    if value == "now":
        return now
    match = _RELATIVE.match(value)
    if match:
        return now - float(match.group(1)) * _UNIT[match.group(2)]
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a time: use ISO 8601 like 2026-12-04T10:00Z (offsets allowed) "
            "or a relative time like -15m, -2h, -7d, now"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
