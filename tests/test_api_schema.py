"""The OpenAPI document is valid and the API keeps to it under fuzzing (schemathesis, in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from sitewatch.store import SQLiteStore, Transition
from sitewatch.web import StoreSource, create_app

from .test_store import T0, result


def _app(path: Path) -> object:
    store = SQLiteStore(path)
    rows = [result("shop", ts=T0 + i * 10, location="eu" if i % 2 else "us") for i in range(40)]
    rows += [result("cart/checkout", ts=T0 + i, result="timeout", error="response", http_code=None) for i in range(5)]
    store.write(rows, [Transition("shop", "us", int(T0 * 1e6), "unknown", "up", "up")])
    return create_app(StoreSource(store), mode="serve")


_db = Path(__import__("tempfile").mkdtemp(prefix="sitewatch-schema-")) / "h.db"
schema = schemathesis.openapi.from_wsgi("/openapi.json", _app(_db))


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_openapi_document(case: schemathesis.Case) -> None:
    # Every check but "schema-valid data is accepted": some valid-looking requests are rightly
    # refused with a documented 400 that names the parameter (until <= since, 2026-02-30), a
    # constraint between values that OpenAPI cannot express. No 5xx, undocumented status, or
    # response outside the schema gets through.
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])


def test_the_openapi_document_lists_every_route_of_the_api() -> None:
    app = _app(_db.with_name("other.db"))
    rules = {r.rule for r in app.url_map.iter_rules()}  # type: ignore[attr-defined]
    api_rules = {r.replace("<path:name>", "{name}") for r in rules if r.startswith("/api/") or r == "/healthz"}
    documented = set(schema.raw_schema["paths"])
    assert api_rules == documented


@pytest.mark.parametrize("path", ["/api/monitors/cart%2Fcheckout/results", "/api/monitors/cart/checkout/results"])
def test_a_monitor_name_with_a_slash_is_reachable(path: str) -> None:
    client = _app(_db.with_name("slash.db")).test_client()  # type: ignore[attr-defined]
    response = client.get(path + "?since=2026-12-04T00:00Z&until=2026-12-05T00:00Z")
    assert response.status_code == 200 and len(response.json["results"]) == 5
