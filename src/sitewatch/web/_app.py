"""The Flask app: the status page, the JSON API, /metrics and /healthz.

Handlers run as greenlets on the monitor's own hub, so anything that reads the store or walks all
monitors is pushed to a worker thread with :func:`off_hub`; the hub only shuttles bytes.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import gevent
from flask import Flask, Response, jsonify, render_template, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.exceptions import HTTPException

from ..result import RESULTS, Result, iso_utc, now
from ..state import RECENT
from ..store import US, StoreError
from ..store._report import build_report
from ..timeparse import parse_time
from ._metrics import ProcessFigures, SitewatchCollector, registry_for
from ._openapi import CURSOR_PATTERN, TIME_PATTERN, openapi
from ._source import STATES, MonitorView, Source

T = TypeVar("T")
PAGE_SIZE = 100
_COLOUR = {"up": "ok", "slow": "warn", "content_mismatch": "bad", "http_error": "bad",
           "connection_error": "bad", "timeout": "bad"}  # fmt: skip


def off_hub(fn: Callable[[], T]) -> T:
    """Run ``fn`` in a real thread and wait for it without blocking the hub. Its exception, if any,
    is re-raised here (caught in the thread, so the pool does not also print it)."""

    def guarded() -> tuple[bool, Any]:
        try:
            return True, fn()
        except Exception as exc:
            return False, exc

    ok, value = gevent.get_hub().threadpool.apply(guarded)
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


class ApiError(Exception):
    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


def create_app(
    source: Source, *, mode: str = "run", process: Callable[[], ProcessFigures | None] = lambda: None
) -> Flask:
    """Build the web app over ``source``; ``process`` supplies the running monitor's counters."""
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.jinja_env.filters["iso"] = iso_utc
    app.jinja_env.filters["ago"] = _ago
    started = time.monotonic()
    registry = registry_for(SitewatchCollector(lambda: source.latest(), process))

    # -- the page --------------------------------------------------------------------------------

    def page_context() -> dict[str, Any]:
        query = request.args.get("q", "").strip().lower()
        try:
            page = max(1, int(request.args.get("page", "1")))
        except ValueError:
            page = 1

        def build() -> dict[str, Any]:
            views = source.views()
            summary = {state: 0 for state in STATES}
            for v in views:
                summary[v.state] = summary.get(v.state, 0) + 1
            shown = [v for v in views if v.matches(query)] if query else views
            pages = max(1, math.ceil(len(shown) / PAGE_SIZE))
            current = min(page, pages)
            window = shown[(current - 1) * PAGE_SIZE : current * PAGE_SIZE]
            source.fill_recent(window)
            return {"summary": summary, "total": len(views), "matching": len(shown), "rows": [_row(v) for v in window],
                    "page": current, "pages": pages, "q": query, "now": now(), "mode": mode}  # fmt: skip

        return off_hub(build)

    @app.get("/")
    def index() -> str:
        return render_template("page.html", **page_context())

    @app.get("/partials/monitors")
    def partial() -> str:
        return render_template("_monitors.html", **page_context())

    # -- the API ---------------------------------------------------------------------------------

    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> tuple[Response, int]:
        body = {"error": exc.message} | ({"parameter": exc.parameter} if exc.parameter else {})
        return jsonify(body), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            response = jsonify({"error": exc.description or exc.name})
            response.status_code = exc.code or 500
            for key, value in exc.get_headers():  # keep e.g. Allow on a 405
                if key.lower() != "content-type":
                    response.headers[key] = value
            return response
        return exc

    @app.get("/api/monitors")
    def monitors() -> Response:
        views = off_hub(source.views)
        return jsonify({"monitors": [_monitor_json(v) for v in views]})

    @app.get("/api/monitors/<path:name>/results")
    def results(name: str) -> Response:
        store = _need_store(source)
        since, until = _interval(-3600)
        limit = _int_arg("limit", 100, 1, 10_000)
        result = _arg("result")
        if result is not None and result not in RESULTS:
            raise ApiError(400, f"result must be one of {', '.join(RESULTS)}", "result")

        def query() -> tuple[list[Result], str | None]:
            if name not in store.monitors():
                raise ApiError(404, f"unknown monitor {name!r}")
            page = store.query(name, int(since * US), int(until * US), location=request_location,
                               result=result, cursor=cursor, limit=limit)  # fmt: skip
            return page.results, page.cursor

        request_location, cursor = _arg("location"), _arg("cursor")
        if cursor is not None and not re.fullmatch(CURSOR_PATTERN, cursor):
            raise ApiError(400, "invalid cursor: pass back the cursor of the previous page", "cursor")
        try:
            rows, next_cursor = off_hub(query)
        except StoreError as exc:
            if "cursor" in str(exc):
                raise ApiError(400, "invalid cursor: pass back the cursor of the previous page", "cursor") from exc
            raise ApiError(503, f"store unavailable: {exc}") from exc
        return jsonify({"results": [r.to_dict() for r in rows], "cursor": next_cursor})

    @app.get("/api/report")
    def report() -> Response:
        store = _need_store(source)
        since, until = _interval(-86400)
        by_location = request.args.get("by_location", "false")
        if by_location not in ("true", "false"):
            raise ApiError(400, "by_location must be true or false", "by_location")

        def build() -> list[dict[str, Any]]:
            from ..cli_store import report_record

            rows = build_report(store, since, until, now(), by_location=by_location == "true")
            return [report_record(r) for r in rows]

        return jsonify({"since": iso_utc(since), "until": iso_utc(until), "monitors": off_hub(build)})

    @app.get("/openapi.json")
    def openapi_json() -> Response:
        return jsonify(openapi())

    @app.get("/healthz")
    def healthz() -> Response:
        count = len(off_hub(source.views))
        return jsonify(
            {"status": "ok", "mode": mode, "monitors": count, "uptime_s": round(time.monotonic() - started, 3)}
        )

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(off_hub(lambda: generate_latest(registry)), content_type=CONTENT_TYPE_LATEST)

    return app


def _ago(seconds: float) -> str:
    s = max(0, round(seconds))
    if s < 90:
        return f"{s} s ago"
    if s < 5400:
        return f"{round(s / 60)} min ago"
    if s < 172800:
        return f"{round(s / 3600)} h ago"
    return f"{round(s / 86400)} days ago"


def _need_store(source: Source) -> Any:
    if source.store is None:
        raise ApiError(503, "this process keeps no history (started with --store none)")
    return source.store


def _arg(name: str) -> str | None:
    """A query parameter; an empty one counts as absent (as a form with an empty field sends it)."""
    return request.args.get(name) or None


def _interval(default_since: float) -> tuple[float, float]:
    current = now()
    values = {}
    for name, default in (("since", current + default_since), ("until", current)):
        text = _arg(name)
        if text is not None and not re.fullmatch(TIME_PATTERN, text):
            raise ApiError(400, f"{name}: {text!r} is not a time: use 2026-12-04T10:00Z, -15m, -2h, -7d or now", name)
        try:
            values[name] = default if text is None else parse_time(text, current)
        except ValueError as exc:
            raise ApiError(400, str(exc), name) from None
    if values["until"] <= values["since"]:
        raise ApiError(400, "until must be later than since", "until")
    return values["since"], values["until"]


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name)
    if text is None:
        return default
    if not re.fullmatch(r"-?[0-9]{1,9}", text):
        raise ApiError(400, f"{name} must be a whole number, got {text!r}", name)
    value = int(text)
    if not low <= value <= high:
        raise ApiError(400, f"{name} must be between {low} and {high}, got {value}", name)
    return value


def _monitor_json(v: MonitorView) -> dict[str, Any]:
    return {
        "monitor": v.monitor,
        "location": v.location,
        "url": v.url,
        "state": v.state,
        "since": None if v.since is None else iso_utc(v.since),
        "last": None if v.last is None else v.last.to_dict(),
        "availability_24h": None if v.availability_24h is None else round(v.availability_24h, 3),
        "maintenance": v.maintenance,
    }


def _row(v: MonitorView) -> dict[str, Any]:
    """Everything the template needs for one row, with the SVG geometry computed here."""
    times = [ms for _, ms, _ in v.recent if ms is not None]
    top = max(times, default=0.0) or 1.0
    step = 118 / max(1, RECENT - 1)
    offset = RECENT - len(v.recent)
    points = " ".join(
        f"{1 + (offset + i) * step:.1f},{23 - ms / top * 21:.1f}"
        for i, (_, ms, _) in enumerate(v.recent)
        if ms is not None
    )
    # one path per colour instead of 50 rects: a row of the page stays around 1 KB
    paths: dict[str, list[str]] = {}
    for i, (_, _, result) in enumerate(v.recent):
        paths.setdefault(_COLOUR.get(result, "bad"), []).append(f"M{(offset + i) * 3} 0h2v16h-2z")
    counts: dict[str, int] = {}
    for _, _, result in v.recent:
        counts[result] = counts.get(result, 0) + 1
    bars = [{"colour": colour, "d": "".join(parts)} for colour, parts in paths.items()]
    bar_title = ", ".join(f"{n} {result}" for result, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    return {"v": v, "last": v.last, "points": points, "bars": bars, "bar_title": bar_title,
            "top_ms": top if times else None}  # fmt: skip
