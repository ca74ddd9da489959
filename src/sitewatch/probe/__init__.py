"""The probe: one check of one monitor → one :class:`~sitewatch.result.Result`.

It knows HTTP and the monitor's rules, nothing of logs, stores or pages. Public face:
:class:`Engine` (many concurrent checks on the gevent hub) and :func:`check_once`.
"""

from __future__ import annotations

from ..config import Monitor
from ..result import Result
from ._engine import Check, Engine
from ._prepare import USER_AGENT, Prepared

__all__ = ["USER_AGENT", "Check", "Engine", "Prepared", "check_once"]


def check_once(monitor: Monitor, location: str = "local") -> Result:
    """Run a single check with a private engine (for ``sitewatch check`` and tests)."""
    engine = Engine(location=location)
    try:
        return engine.check(monitor)
    finally:
        engine.close()
