"""`sitewatch history` and `sitewatch report` from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from sitewatch.store import SQLiteStore
from sitewatch.timeparse import parse_time

from .test_cli import sitewatch
from .test_store import T0, result


@pytest.fixture
def db(tmp_path: Path) -> str:
    store = SQLiteStore(tmp_path / "h.db")
    store.write([result("shop", ts=T0 + i * 10, location="eu" if i % 2 else "us") for i in range(30)])
    store.write([result("cart", ts=T0 + 5 + i * 10, result="http_error", error="status", http_code=503)
                 for i in range(30)])  # fmt: skip
    store.close()
    return f"sqlite:///{tmp_path / 'h.db'}"


def test_times_are_iso_8601_with_offsets_or_relative_and_always_utc() -> None:
    now = T0 + 3600
    assert parse_time("2026-12-04T00:00Z", now) == T0
    assert parse_time("2026-12-04T02:00:00+02:00", now) == T0
    assert parse_time("2026-12-03T19:00-05:00", now) == T0
    assert parse_time("2026-12-04", now) == T0  # a date is midnight UTC
    assert parse_time("2026-12-04T00:00", now) == T0  # no offset: UTC, never local time
    assert parse_time("-15m", now) == now - 900
    assert parse_time("-7d", now) == now - 7 * 86400
    assert parse_time("now", now) == now
    assert parse_time("-100000w", now) == 0.0  # nothing is older than the epoch: "from the beginning"
    # the night clocks go forward in Europe is an ordinary UTC hour here
    assert parse_time("2026-03-29T03:30+02:00", now) - parse_time("2026-03-29T00:30Z", now) == 3600


def test_history_streams_one_monitor_oldest_first_as_json_lines(db: str) -> None:
    out = sitewatch("history", "shop", "--since", "2026-12-04T00:00Z", "--until", "2026-12-04T00:01Z",
                    "--format", "json", "--store", db, "--batch", "4")  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["ts"] for r in rows] == [f"2026-12-04T00:00:{s:02d}.000000Z" for s in range(0, 60, 10)]
    assert {r["monitor"] for r in rows} == {"shop"}


def test_history_of_all_monitors_is_merged_by_time(db: str) -> None:
    out = sitewatch("history", "--since", "2026-12-04T00:00Z", "--until", "2026-12-04T00:00:30Z",
                    "--format", "csv", "--store", db)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(r["monitor"], r["ts"][17:19]) for r in rows] == [
        ("shop", "00"), ("cart", "05"), ("shop", "10"), ("cart", "15"), ("shop", "20"), ("cart", "25")
    ]  # fmt: skip
    assert rows[1]["http_code"] == "503" and rows[0]["error"] == ""


def test_history_filters_by_location_and_result(db: str) -> None:
    out = sitewatch("history", "--since", "2026-12-04T00:00Z", "--until", "2026-12-04T00:01Z", "--location",
                    "eu", "--format", "json", "--store", db)  # fmt: skip
    assert {json.loads(x)["location"] for x in out.stdout.splitlines()} == {"eu"}
    out = sitewatch("history", "--since", "2026-12-04T00:00Z", "--result", "http_error", "--format", "json",
                    "--store", db)  # fmt: skip
    assert {json.loads(x)["monitor"] for x in out.stdout.splitlines()} == {"cart"}


def test_an_empty_range_prints_nothing_but_the_header(db: str) -> None:
    out = sitewatch("history", "shop", "--since", "2020-01-01T00:00Z", "--until", "2020-01-02T00:00Z",
                    "--store", db)  # fmt: skip
    assert out.returncode == 0
    assert len(out.stdout.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "--since: 'yesterday' is not a time"),
        (["--since", "2026-13-40T00:00Z"], "--since: '2026-13-40T00:00Z' is not a time"),
        (["--since", "-5x"], "use ISO 8601"),
        (["--since", "-1h", "--until", "-2h"], "must be later than --since"),
        (["nope", "--since", "-1h"], "unknown monitor 'nope' (known: cart, shop)"),
        (["--since", "-1h", "--batch", "0"], "must be at least 1"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_error(db: str, args: list[str], message: str) -> None:
    out = sitewatch("history", *args, "--store", db)
    assert out.returncode == 2
    assert message in out.stderr


def test_a_bad_store_url_is_a_usage_error() -> None:
    out = sitewatch("history", "--since", "-1h", "--store", "postgres://x")
    assert out.returncode == 2 and "unsupported store URL" in out.stderr


def test_reading_a_store_that_does_not_exist_says_so_and_creates_nothing(tmp_path: Path) -> None:
    out = sitewatch("report", "--store", f"sqlite:///{tmp_path / 'none.db'}")
    assert out.returncode == 2 and "no history at" in out.stderr
    assert not (tmp_path / "none.db").exists()


def test_report_gives_availability_and_counts_per_monitor(db: str) -> None:
    out = sitewatch("report", "--since", "2026-12-04T00:00Z", "--until", "2026-12-04T01:00Z", "--format",
                    "json", "--store", db)  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = {r["monitor"]: r for r in map(json.loads, out.stdout.splitlines())}
    assert rows["shop"]["checks"] == 30 and rows["shop"]["availability"] == 100.0
    assert rows["cart"]["http_error"] == 30 and rows["cart"]["availability"] == 0.0
    assert rows["cart"]["state"] == "down" and rows["shop"]["state"] == "up"


def test_report_by_location_and_as_a_table(db: str) -> None:
    out = sitewatch("report", "--since", "2026-12-04T00:00Z", "--until", "2026-12-04T01:00Z", "--monitor",
                    "shop", "--by-location", "--format", "csv", "--store", db)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert sorted((r["location"], r["checks"]) for r in rows) == [("eu", "15"), ("us", "15")]
    table = sitewatch("report", "--since", "2026-12-04T00:00Z", "--until", "2026-12-04T01:00Z", "--store", db)
    assert table.returncode == 0 and "shop" in table.stdout and "cart" in table.stdout
    assert sitewatch("report", "--monitor", "nope", "--store", db).returncode == 2
