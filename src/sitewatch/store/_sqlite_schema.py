"""The SQLite store's schema and the small helpers its methods share."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from ..result import RESULTS
from ._base import StoreError

P = ParamSpec("P")
T = TypeVar("T")
LEVEL_TABLES = (60, 3600, 86400)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS strings (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS monitors (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS results (
    monitor INTEGER NOT NULL, ts INTEGER NOT NULL, location INTEGER NOT NULL,
    url INTEGER NOT NULL, result INTEGER NOT NULL, error INTEGER, http_code INTEGER,
    time_us INTEGER, dns_us INTEGER, connect_us INTEGER, tls_us INTEGER, ttfb_us INTEGER,
    bytes INTEGER, detail INTEGER, cert_cdays INTEGER,
    PRIMARY KEY (monitor, ts, location)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest (
    monitor INTEGER NOT NULL, location INTEGER NOT NULL, ts INTEGER NOT NULL,
    PRIMARY KEY (monitor, location)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS transitions (
    monitor INTEGER NOT NULL, ts INTEGER NOT NULL, location INTEGER NOT NULL,
    old TEXT NOT NULL, new TEXT NOT NULL, result TEXT NOT NULL, error TEXT,
    PRIMARY KEY (monitor, ts, location)
) WITHOUT ROWID;
""" + "".join(
    f"""
CREATE TABLE IF NOT EXISTS rollup_{level} (
    monitor INTEGER NOT NULL, bucket INTEGER NOT NULL, location INTEGER NOT NULL,
    {", ".join(f"{r} INTEGER NOT NULL DEFAULT 0" for r in RESULTS)},
    time_max_us INTEGER, hist BLOB NOT NULL,
    PRIMARY KEY (monitor, bucket, location)
) WITHOUT ROWID;"""
    for level in LEVEL_TABLES
)


def translated(method: Callable[P, T]) -> Callable[P, T]:
    """Turn sqlite3's exceptions into StoreError at this boundary."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(f"sqlite: {exc}") from exc

    return wrapper


def us(ms: float | None) -> int | None:
    return None if ms is None else round(ms * 1000)


def ms(us: int | None) -> float | None:
    return None if us is None else us / 1000
