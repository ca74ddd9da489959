"""Alerts delivered for real: Apprise to a webhook and an SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from .misbehaving import MisbehavingServer
from .test_cli import sitewatch
from .test_run import Run
from .test_web import free_port, get, get_json


@pytest.fixture
def receiver() -> Iterator[MisbehavingServer]:
    with MisbehavingServer() as srv:
        yield srv


def messages(receiver: MisbehavingServer, path: str = "/hook") -> list[dict[str, Any]]:
    return [json.loads(str(r["body"])) for r in receiver.requests if r["path"] == path and r["method"] == "POST"]


def hook(receiver: MisbehavingServer, path: str = "/hook") -> str:
    return f"json://127.0.0.1:{receiver.port}{path}"


def health(run: Run, event: str) -> list[dict[str, str]]:
    return [h for h in run.health_lines() if h.get("event") == event]


def test_a_confirmed_outage_and_its_recovery_reach_a_webhook(
    server: MisbehavingServer, receiver: MisbehavingServer, tmp_path: Path
) -> None:
    target = server.set_page("alerting", "fine", status=200)
    run = Run(tmp_path, [{"name": "checkout", "url": target, "interval": "150ms", "notify": hook(receiver)}])
    try:
        run.wait_for(lambda: any(h["to"] == "up" for h in health(run, "state")))
        server.set_page("alerting", "broken", status=500)
        run.wait_for(lambda: len(messages(receiver)) >= 1)
        server.set_page("alerting", "fine", status=200)
        run.wait_for(lambda: len(messages(receiver)) >= 2)
    finally:
        server.set_page("alerting", "fine", status=200)
        run.stop()
    down, recovered = messages(receiver)[:2]
    assert down["title"] == "[sitewatch] DOWN: checkout"
    for text in ("Monitor: checkout", f"URL: {target}", "Location: local", "Result: http_error / status / HTTP 500",
                 "Detail: status 500, expected 2xx", "Since: 20"):  # fmt: skip
        assert text in down["message"]
    assert recovered["title"] == "[sitewatch] RECOVERED: checkout"
    assert "after being down for" in recovered["message"]
    outcomes = [(h["kind"], h["outcome"], h["channel"]) for h in health(run, "notify")]
    channel = f"json://127.0.0.1:{receiver.port}/hook"
    assert ("down", "sent", channel) in outcomes and ("recovered", "sent", channel) in outcomes
    changes = [(h["from"], h["to"]) for h in health(run, "state")]
    assert changes == [("unknown", "up"), ("up", "down"), ("down", "up")]


def test_a_flapping_site_with_confirm_2_sends_nothing(
    server: MisbehavingServer, receiver: MisbehavingServer, tmp_path: Path
) -> None:
    run = Run(tmp_path, [{"name": "flappy", "url": server.url("/flap"), "interval": "100ms", "notify": hook(receiver)}])
    run.wait_for(lambda: len(run.log_lines()) >= 16)
    run.stop()
    results = [r["result"] for r in run.log_lines()]
    assert "up" in results and "http_error" in results
    assert messages(receiver) == []
    assert all(h["to"] != "down" for h in health(run, "state"))


def test_a_dead_or_slow_receiver_never_delays_checks_and_is_retried(
    server: MisbehavingServer, receiver: MisbehavingServer, closed_port: int, tmp_path: Path
) -> None:
    dead = f"json://127.0.0.1:{closed_port}/hook"
    run = Run(tmp_path, [{"name": "broken", "url": server.url("/status/500"), "interval": "100ms", "confirm": 1,
                          "notify": [dead, hook(receiver, "/hook-slow")]}])  # fmt: skip
    run.wait_for(lambda: any(h["outcome"] == "retrying" and h["attempt"] == "2" for h in health(run, "notify")))
    started = [r["ts"] for r in run.log_lines()]
    time.sleep(1.0)
    during = len(run.log_lines()) - len(started)
    run.stop()
    assert during >= 7  # ~10 checks a second went on while both channels hung or failed
    refused = [h for h in health(run, "notify") if h["channel"] == f"json://127.0.0.1:{closed_port}/hook"]
    assert [h["outcome"] for h in refused[:2]] == ["retrying", "retrying"]
    assert "refused" in refused[0]["detail"].lower() or "connection" in refused[0]["detail"].lower()


def test_a_maintenance_window_suppresses_notifications_and_shows_on_the_page(
    server: MisbehavingServer, receiver: MisbehavingServer, tmp_path: Path
) -> None:
    start = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    port = free_port()
    run = Run(tmp_path, [{"name": "upgrading", "url": server.url("/status/503"), "interval": "100ms", "confirm": 1,
                          "notify": hook(receiver), "maintenance": [{"start": start, "duration": "1h"}]}],
              web=port)  # fmt: skip
    try:
        run.wait_for(lambda: any(h["outcome"] == "suppressed" for h in health(run, "notify")))
        _status, body = get_json(f"http://127.0.0.1:{port}/api/monitors")
        assert body["monitors"][0]["maintenance"] is True and body["monitors"][0]["state"] == "down"
        assert "MAINTENANCE" in get(f"http://127.0.0.1:{port}/")[2]
        time.sleep(0.5)
    finally:
        run.stop()
    assert messages(receiver) == []
    assert any(r["monitor"] == "upgrading" for r in run.log_lines())  # checks went on


def test_a_certificate_expiring_in_3_days_warns_once(
    ca: trustme.CA, ca_file: str, receiver: MisbehavingServer, tmp_path: Path
) -> None:
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", not_after=soon).configure_cert(context)
    port = free_port()
    with MisbehavingServer(tls=context) as tls:
        run = Run(tmp_path, [{"name": "shop", "url": tls.url("/ok", host="localhost"), "ca_file": ca_file,
                              "interval": "100ms", "notify": hook(receiver)}], web=port)  # fmt: skip
        run.wait_for(lambda: len(run.log_lines()) >= 8 and len(messages(receiver)) >= 1)
        metrics = get(f"http://127.0.0.1:{port}/metrics")[2]
        run.stop()
    [warning] = messages(receiver)
    assert warning["title"] == "[sitewatch] CERTIFICATE EXPIRES SOON: shop"
    assert "expires in 3.0 days" in warning["message"]
    assert {(r["result"], r["cert_days"][:1]) for r in run.log_lines()} == {("up", "3")}, run.log_lines()[:3]
    expiry = next(line for line in metrics.splitlines() if line.startswith("probe_ssl_earliest_cert_expiry{"))
    assert abs(float(expiry.rsplit(" ", 1)[1]) - soon.timestamp()) < 120


def test_an_outage_is_mailed_through_smtp(server: MisbehavingServer, tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    mails: list[tuple[str, list[str], str]] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            mails.append((envelope.mail_from, envelope.rcpt_tos, envelope.content.decode()))
            return "250 OK"

    smtp_port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        url = f"mailto://127.0.0.1:{smtp_port}?from=sitewatch@example.test&to=ops@example.test"
        run = Run(tmp_path, [{"name": "api", "url": server.url("/status/502"), "interval": "100ms", "notify": url}])
        run.wait_for(lambda: len(mails) >= 1)
        run.stop()
    finally:
        controller.stop()
    sender, recipients, content = mails[0]
    assert (sender, recipients) == ("sitewatch@example.test", ["ops@example.test"])
    assert "Subject: [sitewatch] DOWN: api" in content
    assert "Monitor: api" in content and "HTTP 502" in content


def test_secrets_in_notify_urls_never_show(
    server: MisbehavingServer, receiver: MisbehavingServer, tmp_path: Path
) -> None:
    port = free_port()
    secret_url = f"json://sitewatch:hunter2secret@127.0.0.1:{receiver.port}/hook"
    run = Run(tmp_path, [{"name": "s", "url": server.url("/status/500"), "interval": "100ms", "notify": secret_url}],
              web=port)  # fmt: skip
    run.wait_for(lambda: any(h["outcome"] == "sent" for h in health(run, "notify")))
    pages = [get(f"http://127.0.0.1:{port}{path}")[2] for path in ("/", "/api/monitors", "/metrics", "/healthz")]
    _code, out, err, _ = run.stop()
    assert receiver.requests[0]["headers"]["authorization"].startswith("Basic ")  # it was used …
    for text in [*pages, out, err, run.health.read_text(), run.log.read_text()]:
        assert "hunter2secret" not in text  # … and shown nowhere


def test_notify_test_reports_each_channel(receiver: MisbehavingServer, closed_port: int, write_config: Any) -> None:
    path = write_config({"settings": {"notify": [hook(receiver)]},
                         "monitors": [{"name": "a", "url": "http://a.test/", "notify": f"json://127.0.0.1:{closed_port}/x"},
                                      {"name": "b", "url": "http://b.test/"}]})  # fmt: skip
    out = sitewatch("notify-test", "b", "-c", str(path))
    assert out.returncode == 0 and out.stdout.startswith(f"ok   json://127.0.0.1:{receiver.port}/hook")
    assert messages(receiver)[0]["title"] == "[sitewatch] test message"
    out = sitewatch("notify-test", "-c", str(path))
    assert out.returncode == 1 and "FAIL json://127.0.0.1:" in out.stdout
    assert sitewatch("notify-test", "nope", "-c", str(path)).returncode == 2
    bare = write_config([{"url": "http://a.test/"}], name="bare.json")
    out = sitewatch("notify-test", "-c", str(bare))
    assert out.returncode == 2 and "no notify channels" in out.stderr


def test_a_bad_apprise_url_is_a_config_error_that_hides_the_secret(write_config: Any) -> None:
    path = write_config([{"name": "x", "url": "http://a.test/", "notify": ["nosuchservice://token123@host"]}])
    out = sitewatch("validate", "-c", str(path))
    assert out.returncode == 2
    assert "monitors[0] (x): notify: entry 0 (nosuchservice://…) is not a valid Apprise URL" in out.stdout
    assert "token123" not in out.stdout


def test_retry_interval_confirms_a_failure_long_before_the_next_regular_check(
    server: MisbehavingServer, tmp_path: Path
) -> None:
    from sitewatch.scheduler import phase_of

    # a name whose first check comes 3-5 s from now (after the workers have started), so the test
    # does not wait a whole interval
    now = time.time()
    name = next(n for n in (f"retry-{i}" for i in range(1000)) if 3 < (phase_of(n, 30) - now) % 30 < 5)
    run = Run(tmp_path, [{"name": name, "url": server.url("/status/500"), "interval": "30s",
                          "retry_interval": "200ms", "confirm": 3}])  # fmt: skip
    run.wait_for(lambda: any(h["to"] == "down" for h in health(run, "state")), timeout=20)
    run.stop()
    starts = [dt.datetime.fromisoformat(r["ts"]).timestamp() for r in run.log_lines()]
    assert len(starts) == 3 and starts[2] - starts[0] < 2  # confirmed in well under a second, not a minute
