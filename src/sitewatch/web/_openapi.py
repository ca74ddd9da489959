"""The OpenAPI 3.0 document of the read-only JSON API, served at ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from .. import __version__
from ..result import FIELDS, RESULTS

_NUM = {"type": "number", "nullable": True}
_INT = {"type": "integer", "nullable": True}
_STR = {"type": "string", "nullable": True}
_RESULT_PROPS: dict[str, Any] = {
    "ts": {"type": "string", "format": "date-time"},
    "monitor": {"type": "string"},
    "url": {"type": "string"},
    "location": {"type": "string"},
    "result": {"type": "string", "enum": list(RESULTS)},
    "error": _STR,
    "http_code": _INT,
    "time_ms": _NUM,
    "dns_ms": _NUM,
    "connect_ms": _NUM,
    "tls_ms": _NUM,
    "ttfb_ms": _NUM,
    "bytes": _INT,
    "cert_days": _NUM,
    "detail": _STR,
}
assert list(_RESULT_PROPS) == list(FIELDS)

_STATE = {"type": "string", "enum": ["up", "slow", "down", "unknown"]}
_TIME_PARAM = "ISO 8601 (2026-12-04T10:00Z, offsets allowed) or relative (-15m, -2h, -7d, now)"
# The API's time syntax; the server checks it too, so the document and the behaviour agree. Empty
# means the default. Dates stop at day 28 here only to keep the pattern simple and always valid.
TIME_PATTERN = (
    r"^(|now|-[0-9]{1,6}[smhdw]|20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])?)?)$"
)
CURSOR_PATTERN = r"^[0-9]{1,18}:[0-9]{1,18}$"
_TIME = {"type": "string", "pattern": TIME_PATTERN}
_CURSOR = {"type": "string", "pattern": CURSOR_PATTERN}


def _param(name: str, description: str, schema: dict[str, Any], where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path", "description": description, "schema": schema}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def openapi() -> dict[str, Any]:
    report_props: dict[str, Any] = {
        "monitor": {"type": "string"},
        "location": {"type": "string"},
        "checks": {"type": "integer", "minimum": 0},
        "availability": _NUM,
        **{name: {"type": "integer", "minimum": 0} for name in RESULTS},
        "p50_ms": _NUM, "p95_ms": _NUM, "p99_ms": _NUM, "max_ms": _NUM,
        "longest_outage_start": {"type": "string", "format": "date-time", "nullable": True},
        "longest_outage_s": _NUM,
        "state": _STATE,
    }  # fmt: skip
    return {
        "openapi": "3.0.3",
        "info": {"title": "sitewatch", "version": __version__, "description": "Read-only API of a sitewatch monitor."},
        "paths": {
            "/api/monitors": {
                "get": {
                    "summary": "Current state of every monitor at every location",
                    "operationId": "listMonitors",
                    "responses": {"200": _json("#/components/schemas/MonitorList", "Monitors, problems first")},
                }
            },
            "/api/monitors/{name}/results": {
                "get": {
                    "summary": "Stored results of one monitor in a time interval, oldest first, one page",
                    "operationId": "monitorResults",
                    "parameters": [
                        _param("name", "Monitor name", {"type": "string"}, "path"),
                        _param("since", f"Start (default -1h): {_TIME_PARAM}", _TIME),
                        _param("until", f"End, exclusive (default now): {_TIME_PARAM}", _TIME),
                        _param("location", "Only this location", {"type": "string"}),
                        _param("result", "Only this result", {"type": "string", "enum": list(RESULTS)}),
                        _param("cursor", "From the previous page's `cursor`", _CURSOR),
                        _param("limit", "Page size (default 100)", {"type": "integer", "minimum": 1, "maximum": 10000}),
                    ],
                    "responses": {
                        "200": _json("#/components/schemas/ResultPage", "One page of results"),
                        "400": _error("A parameter is invalid; `parameter` names it"),
                        "404": _error("No such monitor"),
                        "503": _error("This process keeps no history (--store none)"),
                    },
                }
            },
            "/api/report": {
                "get": {
                    "summary": "Availability and response times per monitor over an interval",
                    "operationId": "report",
                    "parameters": [
                        _param("since", f"Start (default -24h): {_TIME_PARAM}", _TIME),
                        _param("until", f"End (default now): {_TIME_PARAM}", _TIME),
                        _param("by_location", "One row per monitor and location", {"type": "boolean"}),
                    ],
                    "responses": {
                        "200": _json("#/components/schemas/Report", "The report"),
                        "400": _error("A parameter is invalid; `parameter` names it"),
                        "503": _error("This process keeps no history (--store none)"),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Health of the sitewatch process itself",
                    "operationId": "healthz",
                    "responses": {"200": _json("#/components/schemas/Health", "The process is serving")},
                }
            },
        },
        "components": {
            "schemas": {
                "Result": {"type": "object", "required": list(FIELDS), "properties": _RESULT_PROPS},
                "Monitor": {
                    "type": "object",
                    "required": [
                        "monitor",
                        "location",
                        "url",
                        "state",
                        "since",
                        "last",
                        "availability_24h",
                        "maintenance",
                    ],
                    "properties": {
                        "monitor": {"type": "string"},
                        "location": {"type": "string"},
                        "url": {"type": "string"},
                        "state": _STATE,
                        "since": {"type": "string", "format": "date-time", "nullable": True},
                        "last": {"allOf": [{"$ref": "#/components/schemas/Result"}], "nullable": True},
                        "availability_24h": _NUM,
                        "maintenance": {"type": "boolean", "description": "In a maintenance window now"},
                    },
                },
                "MonitorList": {
                    "type": "object",
                    "required": ["monitors"],
                    "properties": {"monitors": {"type": "array", "items": {"$ref": "#/components/schemas/Monitor"}}},
                },
                "ResultPage": {
                    "type": "object",
                    "required": ["results", "cursor"],
                    "properties": {
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
                        "cursor": {"type": "string", "nullable": True},
                    },
                },
                "Report": {
                    "type": "object",
                    "required": ["since", "until", "monitors"],
                    "properties": {
                        "since": {"type": "string", "format": "date-time"},
                        "until": {"type": "string", "format": "date-time"},
                        "monitors": {
                            "type": "array",
                            "items": {"type": "object", "required": list(report_props), "properties": report_props},
                        },
                    },
                },
                "Health": {
                    "type": "object",
                    "required": ["status", "mode", "monitors"],
                    "properties": {
                        "status": {"type": "string", "enum": ["ok"]},
                        "mode": {"type": "string", "enum": ["run", "serve"]},
                        "monitors": {"type": "integer", "minimum": 0},
                        "uptime_s": {"type": "number"},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}, "parameter": {"type": "string"}},
                },
            }
        },
    }
