"""The status page, JSON API, /metrics and /healthz of a real `sitewatch run`, over real HTTP."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .misbehaving import MisbehavingServer
from .test_run import Run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read().decode()


def get_json(url: str) -> tuple[int, Any]:
    status, _, body = get(url)
    return status, json.loads(body)


EVIL = "<script>alert('name')</script>"


@pytest.fixture(scope="module")
def running(server: MisbehavingServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Run, str]]:
    tmp = tmp_path_factory.mktemp("web")
    port = free_port()
    evil_target = server.set_page("evil", "moved", status=302, Location="/<script>alert('detail')</script>")
    run = Run(
        tmp,
        [
            {"name": "good", "url": server.url("/ok"), "interval": "200ms", "contains": "hello"},
            {"name": "broken", "url": server.url("/status/503"), "interval": "200ms"},
            {"name": EVIL, "url": evil_target, "interval": "200ms", "follow_redirects": False},
        ],
        web=port,
    )
    base = f"http://127.0.0.1:{port}"
    run.wait_for(lambda: len({r["monitor"] for r in run.log_lines()}) == 3)
    run.wait_for(lambda: all(m["state"] != "unknown" for m in get_json(base + "/api/monitors")[1]["monitors"]))
    yield run, base
    run.stop()


def test_the_page_lists_every_monitor_with_a_text_state_and_the_summary(running: tuple[Run, str]) -> None:
    _, base = running
    status, content_type, html = get(base + "/")
    assert status == 200 and content_type.startswith("text/html")
    assert "<b>2</b> down" in html and "<b>1</b> up" in html
    assert 'class="badge state-up">UP<' in html and 'class="badge state-down">DOWN<' in html
    assert html.index('data-monitor="broken"') < html.index('data-monitor="good"')  # problems first
    assert "http_error / status" in html and "status 503, expected 2xx" in html
    assert '<svg class="spark"' in html and '<path class="ok"' in html


def test_text_from_monitored_sites_and_config_is_escaped(running: tuple[Run, str]) -> None:
    _, base = running
    html = get(base + "/")[2]
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;detail&#39;)&lt;/script&gt;" in html  # the redirect target, in the detail
    assert html.count("<script") == 1  # only our own app.js


def test_the_filter_and_pages_work_without_javascript(running: tuple[Run, str]) -> None:
    _, base = running
    html = get(base + "/?q=broken")[2]
    assert 'data-monitor="broken"' in html and 'data-monitor="good"' not in html
    assert "1 match" in html
    assert "No monitor matches" in get(base + "/?q=nothing-like-this")[2]


def test_static_assets_are_served_by_the_app(running: tuple[Run, str]) -> None:
    _, base = running
    status, content_type, js = get(base + "/static/app.js")
    assert status == 200 and "javascript" in content_type and "/partials/monitors" in js
    assert get(base + "/static/style.css")[0] == 200


def test_api_monitors_gives_current_state_and_last_result(running: tuple[Run, str]) -> None:
    _, base = running
    status, body = get_json(base + "/api/monitors")
    assert status == 200
    by_name = {m["monitor"]: m for m in body["monitors"]}
    assert by_name["good"]["state"] == "up" and by_name["good"]["last"]["http_code"] == 200
    assert by_name["broken"]["last"]["result"] == "http_error"
    assert by_name["good"]["since"].endswith("Z")


def test_api_results_pages_through_the_store(running: tuple[Run, str]) -> None:
    run, base = running
    until = "2099-12-28T00:00Z"  # a fixed end, so rows written meanwhile do not shift the pages
    everything = base + f"/api/monitors/good/results?since=-1h&until={until}&limit=10000"
    run.wait_for(lambda: len(get_json(everything)[1].get("results", [])) >= 6)
    expected = [r["ts"] for r in get_json(everything)[1]["results"]]
    seen, cursor = [], None
    while True:
        url = (
            base
            + f"/api/monitors/good/results?since=-1h&until={until}&limit=2"
            + (f"&cursor={cursor}" if cursor else "")
        )
        status, page = get_json(url)
        assert status == 200 and len(page["results"]) <= 2, page
        seen += [r["ts"] for r in page["results"]]
        cursor = page["cursor"]
        if cursor is None or len(seen) >= len(expected):
            break
    assert seen == expected[: len(seen)] and len(seen) >= 6


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("since=yesterday", "since"), ("limit=0", "limit"), ("limit=lots", "limit"), ("cursor=zzz", "cursor"),
     ("result=fine", "result"), ("since=-1h&until=-2h", "until")],
)  # fmt: skip
def test_bad_parameters_get_400_naming_the_parameter(running: tuple[Run, str], query: str, parameter: str) -> None:
    _, base = running
    status, body = get_json(base + f"/api/monitors/good/results?{query}")
    assert status == 400 and body["parameter"] == parameter and body["error"]


def test_an_unknown_monitor_gets_404(running: tuple[Run, str]) -> None:
    _, base = running
    status, body = get_json(base + "/api/monitors/nope/results")
    assert status == 404 and "nope" in body["error"]
    assert get_json(base + "/api/no-such-thing")[0] == 404


def test_api_report_and_openapi(running: tuple[Run, str]) -> None:
    _, base = running
    status, report = get_json(base + "/api/report?since=-1h")
    assert status == 200
    rows = {r["monitor"]: r for r in report["monitors"]}
    assert rows["good"]["availability"] == 100.0 and rows["broken"]["availability"] == 0.0
    status, spec = get_json(base + "/openapi.json")
    assert status == 200 and set(spec["paths"]) >= {"/api/monitors", "/api/monitors/{name}/results", "/api/report"}


def test_metrics_use_blackbox_exporter_names(running: tuple[Run, str]) -> None:
    _, base = running
    status, content_type, text = get(base + "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    assert 'probe_success{location="local",monitor="good",url="' in text
    assert 'probe_success{location="local",monitor="broken"' in text
    lines = dict(line.rsplit(" ", 1) for line in text.splitlines() if line and not line.startswith("#"))
    good = next(k for k in lines if k.startswith('probe_success{location="local",monitor="good"'))
    assert lines[good] == "1.0"
    assert any(k.startswith("probe_http_duration_seconds{") and 'phase="connect"' in k for k in lines)
    assert any(k.startswith("probe_http_status_code{") and lines[k] == "503.0" for k in lines)
    assert float(lines['sitewatch_checks_total{result="up"}']) >= 1
    assert (
        "sitewatch_checks_skipped_total" in lines and 'sitewatch_schedule_lateness_seconds_bucket{le="+Inf"}' in lines
    )
    assert "sitewatch_store_buffer" in lines


def test_healthz_reports_the_process(running: tuple[Run, str]) -> None:
    _, base = running
    status, body = get_json(base + "/healthz")
    assert status == 200 and body["status"] == "ok" and body["mode"] == "run" and body["monitors"] == 3


def test_a_busy_port_is_a_clear_error(server: MisbehavingServer, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = Run(tmp_path, [{"url": server.url("/ok")}], web=taken.getsockname()[1])
        assert run.proc.wait(timeout=10) == 2
        assert "cannot listen on 127.0.0.1" in (run.proc.stderr.read() if run.proc.stderr else "")


def test_serve_shows_every_location_from_the_store_alone(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    from sitewatch.store import SQLiteStore

    from .test_store import result

    store = SQLiteStore(tmp_path / "h.db")
    now = time.time()
    store.write([result("shop", ts=now - 5, location="eu-1"), result("shop", ts=now - 4, location="us-1",
                 result="timeout", error="connect", http_code=None)])  # fmt: skip
    store.close()
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sitewatch", "serve", "--store", f"sqlite:///{tmp_path / 'h.db'}", "--web",
         f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                status, body = get_json(base + "/api/monitors")
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.05)
        assert status == 200
        states = {(m["monitor"], m["location"]): m["state"] for m in body["monitors"]}
        assert states == {("shop", "us-1"): "down", ("shop", "eu-1"): "up"}
        html = get(base + "/")[2]
        assert "@eu-1" in html and "@us-1" in html
        assert get_json(base + "/healthz")[1]["mode"] == "serve"
        assert "sitewatch_checks_total" not in get(base + "/metrics")[2]  # no probing here
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
