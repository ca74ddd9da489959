"""Durations as users write them: a number of seconds, or ``"250ms"``, ``"30s"``, ``"5m"``, ``"1h"``."""

from __future__ import annotations

import math
import re

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$")


def parse_duration(value: object) -> float:
    """Return the duration in seconds; raise ValueError with a message fit for the user."""
    if isinstance(value, bool):  # bool is an int subclass; `true` is never a duration
        raise ValueError(f'expected a duration like 30, "250ms", "30s" or "5m", got {value!r}')
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f'expected a duration like 30, "250ms", "30s" or "5m", got {value!r}')
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    else:
        raise ValueError(f'expected a duration like 30, "250ms", "30s" or "5m", got {value!r}')
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"must be greater than zero, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest faithful spelling: 0.25 → ``250ms``, 30 → ``30s``, 300 → ``5m``."""
    if seconds < 1 or seconds != int(seconds):
        return f"{seconds * 1000:g}ms"
    if seconds % 3600 == 0:
        return f"{int(seconds // 3600)}h"
    if seconds % 60 == 0:
        return f"{int(seconds // 60)}m"
    return f"{int(seconds)}s"
