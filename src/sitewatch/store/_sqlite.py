"""The embedded SQLite store: one writer connection, one reader connection per thread, WAL.

Why this layout: ``results`` is a WITHOUT ROWID table whose primary key *is* the access path —
(monitor, ts, location) — so an interval query of one monitor is one B-tree range scan, pruning is
a range delete, and no secondary index costs bytes. Names, locations, URLs, errors and details are
stored once in ``strings`` and referenced by small integers, which keeps a row near 50 bytes.
Durations are integer microseconds.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..result import RESULTS, Result
from . import _hist
from ._base import US, Page, Rollup, StoreError, Transition
from ._sqlite_schema import SCHEMA, ms, translated, us

_RESULT_CODE = {name: i for i, name in enumerate(RESULTS)}
_COUNT_COLUMNS = ", ".join(RESULTS)


class SQLiteStore:
    """A :class:`~sitewatch.store.Store` in one SQLite file."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 10.0, create: bool = True) -> None:
        self.path = str(path)
        self.busy_timeout = busy_timeout
        if not create and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"no history at {self.path} (nothing stored there yet)")
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._ids: dict[str, int] = {}  # strings.text → id
        self._texts: dict[int, str] = {}  # strings.id → text
        self._monitor_ids: dict[str, int] = {}
        self._monitor_names: dict[int, str] = {}
        try:
            self._db = self._connect()
            with self._db:
                self._db.executescript(SCHEMA)
                columns = {row[1] for row in self._db.execute("PRAGMA table_info(results)")}
                if "cert_cdays" not in columns:  # a store written before certificates were tracked
                    self._db.execute("ALTER TABLE results ADD COLUMN cert_cdays INTEGER")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open SQLite store {self.path}: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a committed batch survives a crash of the process (kill -9); only a
        # power cut can lose the last commits. That is the "at most the last second" promise.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=OFF")
        return db

    @property
    def _reader(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    # -- dictionary encoding ---------------------------------------------------------------------

    def _string_id(self, text: str) -> int:
        sid = self._ids.get(text)
        if sid is None:
            self._db.execute("INSERT OR IGNORE INTO strings(text) VALUES (?)", (text,))
            sid = self._db.execute("SELECT id FROM strings WHERE text = ?", (text,)).fetchone()[0]
            self._ids[text], self._texts[sid] = sid, text
        return sid

    def _optional_id(self, text: str | None) -> int | None:
        return None if text is None else self._string_id(text)

    def _text(self, sid: int | None) -> str | None:
        if sid is None:
            return None
        text = self._texts.get(sid)
        if text is None:
            row = self._reader.execute("SELECT text FROM strings WHERE id = ?", (sid,)).fetchone()
            text = self._texts[sid] = row[0]
        return text

    def _monitor_id(self, name: str) -> int:
        mid = self._monitor_ids.get(name)
        if mid is None:
            self._db.execute("INSERT OR IGNORE INTO monitors(name) VALUES (?)", (name,))
            mid = self._db.execute("SELECT id FROM monitors WHERE name = ?", (name,)).fetchone()[0]
            self._monitor_ids[name], self._monitor_names[mid] = mid, name
        return mid

    def _find_monitor(self, name: str) -> int | None:
        mid = self._monitor_ids.get(name)
        if mid is None:
            row = self._reader.execute("SELECT id FROM monitors WHERE name = ?", (name,)).fetchone()
            if row is None:
                return None
            mid = row[0]
        return mid

    def _find_string(self, text: str) -> int | None:
        sid = self._ids.get(text)
        if sid is None:
            row = self._reader.execute("SELECT id FROM strings WHERE text = ?", (text,)).fetchone()
            sid = None if row is None else row[0]
        return sid

    # -- writing ---------------------------------------------------------------------------------

    @translated
    def write(self, results: Sequence[Result], transitions: Sequence[Transition] = ()) -> None:
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                rows = []
                latest: dict[tuple[int, int], int] = {}
                for r in results:
                    mid, loc, ts = self._monitor_id(r.monitor), self._string_id(r.location), round(r.ts * US)
                    rows.append((
                        mid, ts, loc, self._string_id(r.url), _RESULT_CODE[r.result],
                        self._optional_id(r.error), r.http_code, us(r.time_ms), us(r.dns_ms),
                        us(r.connect_ms), us(r.tls_ms), us(r.ttfb_ms), r.bytes, self._optional_id(r.detail),
                        None if r.cert_days is None else round(r.cert_days * 100),
                    ))  # fmt: skip
                    if ts > latest.get((mid, loc), -1):
                        latest[(mid, loc)] = ts
                db.executemany("INSERT OR REPLACE INTO results VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
                db.executemany(
                    "INSERT INTO latest VALUES (?,?,?) ON CONFLICT(monitor, location) "
                    "DO UPDATE SET ts = excluded.ts WHERE excluded.ts > latest.ts",
                    [(m, loc, ts) for (m, loc), ts in latest.items()],
                )
                db.executemany(
                    "INSERT OR REPLACE INTO transitions VALUES (?,?,?,?,?,?,?)",
                    [
                        (self._monitor_id(t.monitor), t.ts_us, self._string_id(t.location), t.old, t.new,
                         t.result, t.error)
                        for t in transitions
                    ],
                )  # fmt: skip
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    @translated
    def write_rollups(self, level: int, rollups: Sequence[Rollup]) -> None:
        rows = []
        with self._lock:
            for r in rollups:
                counts = [r.counts.get(name, 0) for name in RESULTS]
                rows.append((
                    self._monitor_id(r.monitor), r.bucket, self._string_id(r.location), *counts,
                    us(r.time_max_ms), _hist.encode(r.hist),
                ))  # fmt: skip
            with self._db:
                self._db.executemany(
                    f"INSERT OR REPLACE INTO rollup_{level} VALUES ({','.join('?' * (len(RESULTS) + 5))})", rows
                )

    @translated
    def set_meta(self, key: str, value: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @translated
    def prune(self, raw_before_us: int, rollups_before: int, limit: int = 10_000) -> int:
        deleted = 0
        with self._lock:
            ids = [row[0] for row in self._db.execute("SELECT id FROM monitors")]
            for mid in ids:
                if deleted >= limit:
                    break
                with self._db:
                    for table, column, cutoff in (
                        ("results", "ts", raw_before_us),
                        ("transitions", "ts", raw_before_us),
                        *((f"rollup_{lv}", "bucket", rollups_before) for lv in (60, 3600, 86400)),
                    ):
                        cur = self._db.execute(
                            f"DELETE FROM {table} WHERE monitor = ? AND {column} IN "
                            f"(SELECT {column} FROM {table} WHERE monitor = ? AND {column} < ? LIMIT ?)",
                            (mid, mid, cutoff, limit - deleted),
                        )
                        deleted += max(0, cur.rowcount)
        return deleted

    # -- reading ---------------------------------------------------------------------------------

    _COLUMNS = (
        "ts, location, url, result, error, http_code, time_us, dns_us, connect_us, tls_us, ttfb_us, bytes, detail, "
        "cert_cdays"
    )

    def _result(self, monitor: str, row: Sequence[Any]) -> Result:
        return self._results(monitor, [row])[0]

    def _results(self, monitor: str, rows: Sequence[Sequence[Any]]) -> list[Result]:
        """Rows → Results. The hot loop of every read: lookups and conversions are inlined."""
        texts = self._texts
        try:
            return self._build(monitor, rows, texts)
        except KeyError:  # a string written by another process: load the ones missing, then again
            for row in rows:
                for sid in (row[1], row[2], row[4], row[12]):
                    if sid is not None and sid not in texts:
                        self._text(sid)
            return self._build(monitor, rows, texts)

    @staticmethod
    def _build(monitor: str, rows: Sequence[Sequence[Any]], texts: dict[int, str]) -> list[Result]:
        return [
            Result(
                ts / US, monitor, texts[url], texts[loc], RESULTS[code], None if err is None else texts[err], http,
                None if t is None else t / 1000, None if dns is None else dns / 1000,
                None if conn is None else conn / 1000, None if tls is None else tls / 1000,
                None if ttfb is None else ttfb / 1000, size, None if cert is None else cert / 100,
                None if det is None else texts[det],
            )
            for ts, loc, url, code, err, http, t, dns, conn, tls, ttfb, size, det, cert in rows
        ]  # fmt: skip

    @translated
    def query(
        self,
        monitor: str,
        since_us: int,
        until_us: int,
        *,
        location: str | None = None,
        result: str | None = None,
        cursor: str | None = None,
        limit: int = 1000,
    ) -> Page:
        mid = self._find_monitor(monitor)
        if mid is None:
            return Page([], None)
        after_ts, after_loc = since_us - 1, 1 << 62
        if cursor:
            try:
                ts_text, loc_text = cursor.split(":")
                after_ts, after_loc = int(ts_text), int(loc_text)
            except ValueError:
                raise StoreError(f"invalid cursor {cursor!r}") from None
        sql = f"SELECT {self._COLUMNS} FROM results WHERE monitor = ? AND (ts, location) > (?, ?) AND ts < ?"
        args: list[Any] = [mid, after_ts, after_loc, until_us]
        if location is not None:
            loc_id = self._find_string(location)
            if loc_id is None:
                return Page([], None)
            sql += " AND location = ?"
            args.append(loc_id)
        if result is not None:
            sql += " AND result = ?"
            args.append(_RESULT_CODE[result])
        rows = self._reader.execute(sql + " ORDER BY ts, location LIMIT ?", (*args, limit)).fetchall()
        page = self._results(monitor, rows)
        next_cursor = f"{rows[-1][0]}:{rows[-1][1]}" if len(rows) == limit else None
        return Page(page, next_cursor)

    @translated
    def monitors(self) -> list[str]:
        return [row[0] for row in self._reader.execute("SELECT name FROM monitors ORDER BY name")]

    @translated
    def latest(self) -> list[Result]:
        cols = ", ".join(f"r.{c.strip()}" for c in self._COLUMNS.split(","))
        rows = self._reader.execute(
            f"SELECT m.name, {cols} FROM latest l JOIN monitors m ON m.id = l.monitor "
            "JOIN results r ON r.monitor = l.monitor AND r.ts = l.ts AND r.location = l.location "
            "ORDER BY m.name, l.location"
        ).fetchall()
        return [self._result(row[0], row[1:]) for row in rows]

    @translated
    def recent(self, monitor: str, limit: int = 50) -> list[Result]:
        mid = self._find_monitor(monitor)
        if mid is None:
            return []
        rows = self._reader.execute(
            f"SELECT {self._COLUMNS} FROM results WHERE monitor = ? ORDER BY ts DESC, location DESC LIMIT ?",
            (mid, limit),
        ).fetchall()
        return self._results(monitor, rows[::-1])

    @translated
    def transitions(self, monitor: str, since_us: int, until_us: int) -> list[Transition]:
        mid = self._find_monitor(monitor)
        if mid is None:
            return []
        db = self._reader
        before = db.execute(
            "SELECT t.ts, t.location, t.old, t.new, t.result, t.error FROM transitions t "
            "JOIN (SELECT location, MAX(ts) AS ts FROM transitions WHERE monitor = ? AND ts < ? GROUP BY location) "
            "b ON b.location = t.location AND b.ts = t.ts WHERE t.monitor = ?",
            (mid, since_us, mid),
        ).fetchall()
        within = db.execute(
            "SELECT ts, location, old, new, result, error FROM transitions "
            "WHERE monitor = ? AND ts >= ? AND ts < ? ORDER BY ts",
            (mid, since_us, until_us),
        ).fetchall()
        return [
            Transition(monitor, self._text(loc) or "", ts, old, new, res, err)
            for ts, loc, old, new, res, err in sorted(before) + within
        ]

    @translated
    def rollups(self, level: int, monitor: str, since: int, until: int) -> Iterator[Rollup]:
        mid = self._find_monitor(monitor)
        if mid is None:
            return iter(())
        rows = self._reader.execute(
            f"SELECT bucket, location, {_COUNT_COLUMNS}, time_max_us, hist FROM rollup_{level} "
            "WHERE monitor = ? AND bucket >= ? AND bucket < ? ORDER BY bucket, location",
            (mid, since, until),
        ).fetchall()
        return iter([self._rollup(monitor, row) for row in rows])

    def _rollup(self, monitor: str, row: Sequence[Any]) -> Rollup:
        bucket, loc, *counts, time_max, blob = row
        hist: dict[int, int] = {}
        _hist.decode_into(blob, hist)
        return Rollup(
            monitor=monitor,
            location=self._text(loc) or "",
            bucket=bucket,
            counts={name: c for name, c in zip(RESULTS, counts, strict=True) if c},
            time_max_ms=ms(time_max),
            hist=hist,
        )

    @translated
    def get_meta(self, key: str) -> str | None:
        row = self._reader.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @translated
    def size_bytes(self) -> int:
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = self._db.execute("PRAGMA page_count").fetchone()[0]
            free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
            size = self._db.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * size)

    def close(self) -> None:
        with self._lock:
            self._db.close()
        reader = getattr(self._local, "db", None)
        if reader is not None:
            reader.close()
            self._local.db = None
