"""The lines of health.txt: state changes as they happen, and the minute summary.

Both are logfmt, like log.txt, so ``grep monitor=shop output/health.txt`` shows one site's story::

    ts=… event=state monitor=shop location=local from=up to=down result=timeout error=response …
    ts=…:00.000000Z event=minute monitor=shop location=local state=up checks=6 up=6 slow=0 down=0 skipped=0
        availability=100.000 p50_ms=… p95_ms=… max_ms=… lateness_ms=0.412
"""

from __future__ import annotations

from collections.abc import Mapping

from ..result import iso_utc, logfmt_line
from ..scheduler import summarize
from ..state import MinuteBucket, MonitorState, StateChange


def state_line(change: StateChange) -> str:
    """One line for a confirmed state change, stamped with the check that confirmed it; ``since``
    is when the new state began (the first check that saw it)."""
    r = change.result
    lasted = change.lasted
    fields = [
        ("ts", iso_utc(r.ts)),
        ("event", "state"),
        ("monitor", r.monitor),
        ("location", r.location),
        ("from", change.old),
        ("to", change.new),
        ("since", iso_utc(change.at)),
        ("result", r.result),
        ("error", r.error),
        ("http_code", r.http_code),
        ("time_ms", r.time_ms),
        ("was_for_s", None if lasted is None else round(lasted, 3)),
        ("detail", r.detail),
    ]
    return logfmt_line(fields)


def minute_lines(
    boundary: float,
    lateness_s: float,
    location: str,
    monitors: list[str],
    buckets: Mapping[str, MinuteBucket],
    states: Mapping[str, MonitorState],
) -> list[str]:
    """One line per configured monitor for the minute that ended at ``boundary``.

    Runs in the writer thread (it sorts), not on the hub."""
    ts = iso_utc(boundary)
    late = f"{lateness_s * 1000:.3f}"
    empty = MinuteBucket()
    lines = []
    for name in monitors:
        bucket = buckets.get(name, empty)
        state = states.get(name)
        summary = summarize(bucket.times_ms)
        checks = bucket.checks
        availability = None if not checks else 100.0 * (bucket.up + bucket.slow) / checks
        fields = [
            ("ts", ts),
            ("event", "minute"),
            ("monitor", name),
            ("location", location),
            ("state", state.state if state else "unknown"),
            ("checks", checks),
            ("up", bucket.up),
            ("slow", bucket.slow),
            ("down", bucket.down),
            ("skipped", bucket.skipped),
            ("availability", availability),
            ("p50_ms", summary.p50),
            ("p95_ms", summary.p95),
            ("max_ms", summary.max),
            ("lateness_ms", late),
        ]
        lines.append(logfmt_line(fields))
    return lines
