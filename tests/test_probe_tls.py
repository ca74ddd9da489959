"""TLS: good, untrusted, expired and wrong-host certificates from real TLS servers on loopback."""

from __future__ import annotations

from .conftest import CheckFn
from .misbehaving import MisbehavingServer


def test_it_reports_a_trusted_certificate_as_up_with_a_tls_phase(
    tls_server: MisbehavingServer, ca_file: str, check: CheckFn
) -> None:
    r = check(tls_server.url("/ok", host="localhost"), ca_file=ca_file, contains="hello")
    assert (r.result, r.http_code) == ("up", 200), r.detail
    assert r.tls_ms is not None and r.tls_ms > 0


def test_it_reports_an_untrusted_certificate_as_tls_error(tls_server: MisbehavingServer, check: CheckFn) -> None:
    r = check(tls_server.url("/ok", host="localhost"))  # our test CA is not in the system store
    assert (r.result, r.error, r.http_code) == ("connection_error", "tls", None)
    assert "certificate" in (r.detail or "").lower()


def test_it_reports_an_expired_certificate_as_tls_error(
    expired_tls_server: MisbehavingServer, ca_file: str, check: CheckFn
) -> None:
    r = check(expired_tls_server.url("/ok", host="localhost"), ca_file=ca_file)
    assert (r.result, r.error) == ("connection_error", "tls")
    assert "expired" in (r.detail or "").lower()


def test_it_reports_a_certificate_for_another_host_as_tls_error(
    wrong_host_tls_server: MisbehavingServer, ca_file: str, check: CheckFn
) -> None:
    r = check(wrong_host_tls_server.url("/ok", host="localhost"), ca_file=ca_file)
    assert (r.result, r.error) == ("connection_error", "tls")
    assert "localhost" in (r.detail or "") or "name" in (r.detail or "").lower()


def test_verify_tls_false_accepts_any_certificate(expired_tls_server: MisbehavingServer, check: CheckFn) -> None:
    r = check(expired_tls_server.url("/ok", host="localhost"), verify_tls=False, contains="hello")
    assert r.result == "up"


def test_it_reports_plain_http_spoken_to_a_tls_port_as_an_error_not_up(
    tls_server: MisbehavingServer, check: CheckFn
) -> None:
    r = check(tls_server.url("/ok").replace("https://", "http://"))
    assert r.result == "connection_error"
    assert r.error in {"closed", "reset", "protocol"}
