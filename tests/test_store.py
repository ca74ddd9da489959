"""The storage suite every backend must pass (SQLite today; Cassandra joins the params later)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sitewatch.result import Result
from sitewatch.store import US, Rollup, SQLiteStore, Store, Transition

T0 = 1_796_342_400.0  # 2026-12-04T00:00:00Z


def result(monitor: str = "shop", ts: float = T0, location: str = "local", **kw: object) -> Result:
    fields: dict[str, object] = {"result": "up", "http_code": 200, "time_ms": 12.5, "url": f"https://{monitor}.test/"}
    fields.update(kw)
    return Result(ts=ts, monitor=monitor, location=location, **fields)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    backend = SQLiteStore(tmp_path / "history.db")
    yield backend
    backend.close()


def all_rows(store: Store, monitor: str, since: float, until: float, **kw: object) -> list[Result]:
    rows, cursor = [], None
    while True:
        page = store.query(monitor, int(since * US), int(until * US), cursor=cursor, **kw)  # type: ignore[arg-type]
        rows += page.results
        if page.cursor is None:
            return rows
        cursor = page.cursor


def test_a_stored_result_comes_back_with_every_field(store: Store) -> None:
    original = Result(
        ts=T0 + 0.123456, monitor="shop", url="https://shop.test/", location="eu-1", result="connection_error",
        error="tls", http_code=None, time_ms=12.345, dns_ms=0.5, connect_ms=1.25, tls_ms=None, ttfb_ms=None,
        bytes=None, detail="SSL certificate problem: certificate has expired — «détail»",
    )  # fmt: skip
    store.write([original])
    [back] = all_rows(store, "shop", T0, T0 + 1)
    assert back == original


def test_the_interval_includes_since_and_excludes_until_oldest_first(store: Store) -> None:
    store.write([result(ts=T0 + i) for i in (5, 0, 10, 3)])
    rows = all_rows(store, "shop", T0, T0 + 10)
    assert [r.ts - T0 for r in rows] == [0, 3, 5]


def test_paging_with_a_cursor_returns_every_row_exactly_once(store: Store) -> None:
    store.write([result(ts=T0 + i, location=loc) for i in range(50) for loc in ("a", "b")])
    seen, cursor, pages = [], None, 0
    while True:
        page = store.query("shop", int(T0 * US), int((T0 + 100) * US), cursor=cursor, limit=7)
        seen += [(r.ts, r.location) for r in page.results]
        pages += 1
        if page.cursor is None:
            break
        cursor = page.cursor
    assert seen == sorted((T0 + i, loc) for i in range(50) for loc in ("a", "b"))
    assert pages == 15


def test_queries_filter_by_location_and_result(store: Store) -> None:
    store.write([
        result(ts=T0 + 1, location="a"), result(ts=T0 + 2, location="b", result="timeout", error="connect"),
        result(ts=T0 + 3, location="a", result="timeout", error="response"),
    ])  # fmt: skip
    assert [r.ts - T0 for r in all_rows(store, "shop", T0, T0 + 9, location="a")] == [1, 3]
    assert [r.ts - T0 for r in all_rows(store, "shop", T0, T0 + 9, result="timeout")] == [2, 3]
    assert all_rows(store, "shop", T0, T0 + 9, location="nowhere") == []


def test_an_unknown_monitor_or_an_empty_range_gives_no_rows(store: Store) -> None:
    store.write([result(ts=T0)])
    assert all_rows(store, "nope", T0, T0 + 9) == []
    assert all_rows(store, "shop", T0 + 1, T0 + 9) == []
    assert store.monitors() == ["shop"]


def test_latest_gives_the_newest_result_per_monitor_and_location(store: Store) -> None:
    store.write([result(ts=T0 + 2, location="a"), result(ts=T0 + 1, location="b"), result("cart", ts=T0)])
    store.write([result(ts=T0 + 1, location="a", result="timeout")])  # older than what is there: ignored
    latest = {(r.monitor, r.location): r.ts - T0 for r in store.latest()}
    assert latest == {("shop", "a"): 2, ("shop", "b"): 1, ("cart", "local"): 0}


def test_recent_gives_the_newest_results_oldest_first(store: Store) -> None:
    store.write([result(ts=T0 + i, location="a" if i % 2 else "b") for i in range(100)])
    assert [r.ts - T0 for r in store.recent("shop", 5)] == [95, 96, 97, 98, 99]
    assert store.recent("nope") == []


def test_transitions_include_the_last_one_before_the_interval(store: Store) -> None:
    def t(ts: float, old: str, new: str) -> Transition:
        return Transition("shop", "local", int(ts * US), old, new, "up" if new == "up" else "timeout")

    store.write([], [t(T0, "unknown", "up"), t(T0 + 10, "up", "down"), t(T0 + 20, "down", "up")])
    got = store.transitions("shop", int((T0 + 15) * US), int((T0 + 30) * US))
    assert [(x.ts_us / US - T0, x.new) for x in got] == [(10, "down"), (20, "up")]


def test_rollups_and_meta_round_trip(store: Store) -> None:
    roll = Rollup("shop", "local", int(T0), counts={"up": 5, "timeout": 1}, time_max_ms=900.0, hist={10: 5, 200: 1})
    store.write_rollups(60, [roll])
    assert list(store.rollups(60, "shop", int(T0), int(T0) + 60)) == [roll]
    assert list(store.rollups(3600, "shop", int(T0), int(T0) + 60)) == []
    assert store.get_meta("rollup_60") is None
    store.set_meta("rollup_60", "123")
    assert store.get_meta("rollup_60") == "123"


def test_prune_deletes_only_what_is_older_than_the_cutoffs(store: Store) -> None:
    store.write([result(ts=T0 + i) for i in range(10)])
    store.write_rollups(60, [Rollup("shop", "local", int(T0) + 60 * i, counts={"up": 1}) for i in range(3)])
    deleted = store.prune(int((T0 + 5) * US), int(T0) + 60)
    assert deleted == 5 + 1
    assert [r.ts - T0 for r in all_rows(store, "shop", T0, T0 + 99)] == [5, 6, 7, 8, 9]
    assert [r.bucket - int(T0) for r in store.rollups(60, "shop", 0, int(T0) + 999)] == [60, 120]


def test_data_survives_closing_and_reopening(tmp_path: Path) -> None:
    first = SQLiteStore(tmp_path / "h.db")
    first.write([result(ts=T0)])
    first.close()
    again = SQLiteStore(tmp_path / "h.db")
    assert len(all_rows(again, "shop", T0, T0 + 1)) == 1
    again.close()
