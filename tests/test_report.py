"""Rollups and reports: long ranges read rollups and still count exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitewatch.store import US, Maintenance, SQLiteStore, Store, Transition, watermarks
from sitewatch.store._report import build_report, plan

from .test_store import T0, result

DAY = 86400


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    backend = SQLiteStore(tmp_path / "history.db")
    yield backend
    backend.close()


def test_plan_uses_the_coarsest_rollup_that_fits_and_raw_for_the_edges() -> None:
    marks = {60: int(T0) + 3 * DAY, 3600: int(T0) + 3 * DAY, 86400: int(T0) + 3 * DAY}
    pieces = plan(T0 - 90.5, T0 + 2 * DAY + 3600 + 125, marks)
    assert pieces == [
        (0, T0 - 90.5, T0 - 60),
        (60, T0 - 60, T0),
        (86400, T0, T0 + 2 * DAY),
        (3600, T0 + 2 * DAY, T0 + 2 * DAY + 3600),
        (60, T0 + 2 * DAY + 3600, T0 + 2 * DAY + 3600 + 120),
        (0, T0 + 2 * DAY + 3600 + 120, T0 + 2 * DAY + 3600 + 125),
    ]


def test_plan_never_reads_rollups_past_their_watermark() -> None:
    marks = {60: int(T0) + 120, 3600: int(T0), 86400: int(T0)}
    assert plan(T0, T0 + 600, marks) == [(60, T0, T0 + 120), (0, T0 + 120, T0 + 600)]


def fill(store: Store, days: float, every: float, monitors: tuple[str, ...] = ("shop",)) -> int:
    """Results every ``every`` seconds from T0; every 10th a timeout. Returns the count per monitor."""
    n = int(days * DAY / every)
    for monitor in monitors:
        batch = []
        for i in range(n):
            bad = i % 10 == 9
            batch.append(result(monitor, ts=T0 + i * every, result="timeout" if bad else "up",
                                time_ms=1000.0 if bad else 10.0 + i % 7))  # fmt: skip
        store.write(batch)
    return n


def roll_everything(store: Store, until: float) -> None:
    for level in (60, 3600, 86400):
        store.set_meta(f"rollup_{level}", str(int(T0)))
    maintenance = Maintenance(store, grace_s=0, clock=lambda: until)
    while watermarks(store)[86400] < int(until) // DAY * DAY:
        maintenance.step(max_span=DAY)


def test_maintenance_rolls_raw_results_up_to_minutes_hours_and_days(store: Store) -> None:
    n = fill(store, days=2, every=60)
    roll_everything(store, T0 + 2 * DAY + 30)
    days = list(store.rollups(86400, "shop", int(T0), int(T0) + 2 * DAY))
    assert [d.checks for d in days] == [1440, 1440]
    assert sum(d.counts.get("timeout", 0) for d in days) == n // 10
    assert days[0].time_max_ms == 1000.0
    hours = list(store.rollups(3600, "shop", int(T0), int(T0) + DAY))
    assert len(hours) == 24 and all(h.checks == 60 for h in hours)


def test_a_report_over_rollups_counts_exactly_what_raw_rows_hold(store: Store) -> None:
    n = fill(store, days=2, every=60)
    roll_everything(store, T0 + 2 * DAY + 30)
    since, until = T0 + 30, T0 + 2 * DAY - 30  # ragged edges: raw and minute pieces too
    [row] = build_report(store, since, until, now=until)
    assert row.checks == n - 1
    assert row.counts["timeout"] == n // 10
    assert row.availability == pytest.approx(100 * row.counts["up"] / row.checks)
    assert row.approximate
    assert row.p50_ms == pytest.approx(13.0, rel=0.05)
    assert row.p99_ms == pytest.approx(1000.0, rel=0.05)
    assert row.max_ms == 1000.0


def test_a_short_report_reads_raw_rows_and_its_percentiles_are_exact(store: Store) -> None:
    store.write([result(ts=T0 + i, time_ms=float(i + 1)) for i in range(100)])
    [row] = build_report(store, T0, T0 + 100, now=T0 + 100)
    assert (row.checks, row.p50_ms, row.p95_ms, row.p99_ms, row.max_ms) == (100, 50.0, 95.0, 99.0, 100.0)
    assert not row.approximate


def test_the_longest_outage_and_current_state_come_from_state_changes(store: Store) -> None:
    def t(at: float, old: str, new: str, location: str = "local") -> Transition:
        return Transition("shop", location, int((T0 + at) * US), old, new, "up" if new == "up" else "timeout")

    store.write(
        [result(ts=T0 + 500, result="timeout", location="local"), result(ts=T0 + 500, location="eu")],
        [t(0, "unknown", "up"), t(100, "up", "down"), t(130, "down", "up"), t(200, "up", "down"),
         t(300, "down", "up"), t(450, "up", "down"), t(0, "unknown", "up", "eu")],
    )  # fmt: skip
    [row] = build_report(store, T0 + 50, T0 + 520, now=T0 + 520)
    assert (row.longest_outage_start, row.longest_outage_s) == (T0 + 200, 100)
    assert row.state == "down"  # worst location wins when locations are combined
    by_location = {r.location: r for r in build_report(store, T0 + 50, T0 + 520, now=T0 + 520, by_location=True)}
    assert by_location["eu"].state == "up" and by_location["eu"].longest_outage_s is None
    assert by_location["local"].state == "down"
    # an outage still going on at the end is counted up to the end of the interval
    [clipped] = build_report(store, T0 + 440, T0 + 480, now=T0 + 520)
    assert (clipped.longest_outage_start, clipped.longest_outage_s) == (T0 + 450, 30)


def test_an_empty_range_reports_zero_checks(store: Store) -> None:
    store.write([result(ts=T0)])
    [row] = build_report(store, T0 + 10, T0 + 20, now=T0 + 20)
    assert (row.checks, row.availability, row.p50_ms) == (0, None, None)
