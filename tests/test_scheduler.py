"""The scheduler and the minute ticker, on the real hub against a real server."""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import gevent

from sitewatch.config import parse_config
from sitewatch.outputs import ConsoleReport
from sitewatch.probe import Engine
from sitewatch.result import Result
from sitewatch.runner import Runner
from sitewatch.scheduler import MinuteTicker, Scheduler, phase_of

from .misbehaving import MisbehavingServer
from .test_run import parse_logfmt


def run_scheduler(monitors: list[dict[str, object]], seconds: float, **kw: int) -> tuple[Scheduler, list[Result]]:
    results: list[Result] = []
    engine = Engine()
    scheduler = Scheduler(engine, results.append, **kw)
    scheduler.set_monitors(parse_config(monitors).monitors)
    scheduler.start()
    gevent.sleep(seconds)
    scheduler.stop(grace=0)
    engine.close()
    return scheduler, results


def test_checks_stay_on_a_fixed_grid_aligned_to_utc(server: MisbehavingServer) -> None:
    scheduler, results = run_scheduler([{"name": "grid", "url": server.url("/ok"), "interval": "100ms"}], 1.25)
    assert len(results) >= 10
    phase = phase_of("grid", 0.1)
    # start = phase + k·interval in UTC epoch seconds, whatever k; late by a little at most …
    late = [(r.ts - phase) % 0.1 for r in results]
    late = [x - 0.1 if x > 0.05 else x for x in late]
    assert all(abs(x) < 0.05 for x in late), late
    # … and never more and more late: no drift accumulates from one check to the next
    assert sorted(late[-4:])[2] - sorted(late[:4])[2] < 0.005, late
    assert len(scheduler.lateness) == len(results)


def test_first_checks_are_spread_across_the_interval() -> None:
    bins = Counter(int(phase_of(f"site-{i}", 60.0) // 6) for i in range(10_000))
    assert set(bins) == set(range(10))
    assert max(bins.values()) < 1.2 * 1000  # no slot gets much more than its share


def test_a_check_still_running_at_its_next_deadline_skips_that_tick(server: MisbehavingServer) -> None:
    scheduler, results = run_scheduler(
        [{"name": "stuck", "url": server.url("/hang"), "interval": "250ms", "timeout": "250ms"}], 1.4
    )
    assert scheduler.skipped >= 2
    assert all(r.result == "timeout" for r in results)
    starts = sorted(r.ts for r in results)
    assert all(b - a >= 0.45 for a, b in itertools.pairwise(starts))  # never two at once


def test_max_concurrency_bounds_the_checks_in_flight(server: MisbehavingServer) -> None:
    results: list[Result] = []
    engine = Engine()
    scheduler = Scheduler(engine, results.append, max_concurrency=3)
    monitors = [{"name": f"m{i}", "url": server.url("/slow/150"), "interval": "2s"} for i in range(12)]
    scheduler.set_monitors(parse_config(monitors).monitors)
    scheduler.start()
    peak = 0
    for _ in range(250):
        peak = max(peak, engine.active)
        gevent.sleep(0.01)
    scheduler.stop(grace=0)
    engine.close()
    assert peak == 3
    assert {r.monitor for r in results} == {f"m{i}" for i in range(12)}  # queued checks ran, late not never


def test_reloading_the_same_monitors_keeps_their_schedule(server: MisbehavingServer) -> None:
    engine = Engine()
    scheduler = Scheduler(engine, lambda r: None)
    monitors = parse_config([{"name": f"m{i}", "url": server.url("/ok"), "interval": "1m"} for i in range(5)])
    scheduler.set_monitors(monitors.monitors)
    before = {e.monitor.name: e.due for e in scheduler._entries.values()}
    scheduler.set_monitors(monitors.monitors)
    assert {e.monitor.name: e.due for e in scheduler._entries.values()} == before
    changed = parse_config([{"name": "m0", "url": server.url("/ok"), "interval": "30s"}])
    scheduler.set_monitors(changed.monitors)
    assert [m.name for m in scheduler.monitors] == ["m0"]
    engine.close()


def test_the_minute_ticker_fires_on_each_boundary_and_measures_its_lateness() -> None:
    fired: list[tuple[float, float]] = []
    ticker = MinuteTicker(lambda b, late: fired.append((b, late)), period=0.2)
    ticker.start()
    gevent.sleep(1.05)
    ticker.stop()
    assert 4 <= len(fired) <= 6
    for boundary, lateness in fired:
        assert abs(boundary / 0.2 - round(boundary / 0.2)) < 1e-6  # exactly on a boundary
        assert lateness >= 0
    assert [round(b2 - b1, 6) for (b1, _), (b2, _) in itertools.pairwise(fired)] == [0.2] * (len(fired) - 1)


def test_the_minute_task_writes_one_summary_line_per_monitor(server: MisbehavingServer, tmp_path: Path) -> None:
    config = tmp_path / "urls.json"
    config.write_text(
        '{"monitors": ['
        f'{{"name": "good", "url": "{server.url("/ok")}", "interval": "100ms"}},'
        f'{{"name": "bad", "url": "{server.url("/status/502")}", "interval": "100ms"}},'
        f'{{"name": "rare", "url": "{server.url("/ok")}", "interval": "1h"}},'
        f'{{"name": "stuck", "url": "{server.url("/hang")}", "interval": "200ms", "timeout": "200ms"}}]}}'
    )
    runner = Runner(
        config,
        {"log": str(tmp_path / "log.txt"), "health": str(tmp_path / "health.txt"), "store": "none"},
        console=ConsoleReport(quiet=True),
        minute_period=0.5,
    )
    assert runner.run(duration=1.6) == 0
    minutes = [parse_logfmt(x) for x in (tmp_path / "health.txt").read_text().splitlines() if "event=minute" in x]
    assert len(minutes) >= 8 and len(minutes) % 4 == 0
    by_monitor = {m["monitor"]: m for m in minutes[-4:]}
    assert set(by_monitor) == {"good", "bad", "rare", "stuck"}
    good, bad, rare = by_monitor["good"], by_monitor["bad"], by_monitor["rare"]
    assert int(by_monitor["stuck"]["skipped"]) >= 1 and good["skipped"] == "0"
    assert good["state"] == "up" and int(good["checks"]) >= 3 and good["availability"] == "100.000"
    assert float(good["p50_ms"]) <= float(good["p95_ms"]) <= float(good["max_ms"])
    assert bad["state"] == "down" and bad["availability"] == "0.000" and bad["up"] == "0"
    assert rare["checks"] == "0" and rare["availability"] == "-"
    assert all(m["ts"].endswith((".000000Z", ".500000Z")) for m in minutes)
    assert all(float(m["lateness_ms"]) >= 0 for m in minutes)
