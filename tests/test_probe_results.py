"""Every result and error the probe can give, each produced by a real misbehaving server."""

from __future__ import annotations

from .conftest import CheckFn
from .misbehaving import MisbehavingServer


def test_it_reports_a_good_page_as_up_with_timings(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/ok"), contains="hello")
    assert (r.result, r.error, r.http_code, r.bytes) == ("up", None, 200, 15)
    assert r.time_ms is not None and r.connect_ms is not None and r.ttfb_ms is not None
    assert 0 < r.ttfb_ms <= r.time_ms
    assert r.tls_ms is None  # plain http has no TLS phase


def test_it_reports_refused_as_connection_error(closed_port: int, check: CheckFn) -> None:
    r = check(f"http://127.0.0.1:{closed_port}/")
    assert (r.result, r.error, r.http_code) == ("connection_error", "refused", None)
    assert "refused" in (r.detail or "").lower()


def test_it_reports_a_reset_before_the_response_as_reset(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/reset"))
    assert (r.result, r.error) == ("connection_error", "reset")


def test_it_reports_a_reset_in_the_middle_of_the_body_as_reset(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/reset-mid"))
    assert (r.result, r.error) == ("connection_error", "reset")


def test_it_reports_a_close_without_response_as_closed(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/close"))
    assert (r.result, r.error) == ("connection_error", "closed")


def test_it_reports_a_body_shorter_than_promised_as_closed(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/partial"))
    assert (r.result, r.error) == ("connection_error", "closed")
    assert "early" in (r.detail or "")


def test_it_reports_a_reply_that_is_not_http_as_protocol_error(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/garbage"))
    assert (r.result, r.error) == ("connection_error", "protocol")


def test_it_reports_undecodable_gzip_as_protocol_error(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/bad-gzip"))
    assert (r.result, r.error) == ("connection_error", "protocol")


def test_it_reports_an_unexpected_status_as_http_error(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/status/503"))
    assert (r.result, r.error, r.http_code) == ("http_error", "status", 503)
    assert "503" in (r.detail or "") and "2xx" in (r.detail or "")


def test_it_accepts_the_status_codes_the_monitor_expects(server: MisbehavingServer, check: CheckFn) -> None:
    assert check(server.url("/status/404"), status=404).result == "up"
    assert check(server.url("/status/418"), status=["4xx"]).result == "up"
    assert check(server.url("/status/200"), status=[301, 302]).result == "http_error"


def test_it_follows_redirects_up_to_five(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/redirect/5"), contains="hello sitewatch")
    assert (r.result, r.http_code) == ("up", 200)


def test_it_reports_too_many_redirects_as_http_error(server: MisbehavingServer, check: CheckFn) -> None:
    assert (check(server.url("/redirect/6")).result, check(server.url("/redirect/6")).error) == (
        "http_error",
        "redirects",
    )
    r = check(server.url("/loop"))
    assert (r.result, r.error) == ("http_error", "redirects")


def test_it_judges_the_redirect_itself_when_not_following(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/redirect/1"), follow_redirects=False)
    assert (r.result, r.http_code) == ("http_error", 302)
    assert "/ok" in (r.detail or "")  # says where it was sent
    assert check(server.url("/redirect/1"), follow_redirects=False, status=302).result == "up"


def test_it_refuses_to_follow_a_redirect_to_another_protocol(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/redirect-ftp"))
    assert (r.result, r.error) == ("connection_error", "protocol")


def test_it_reports_missing_text_as_content_mismatch(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/ok"), contains=["hello", "goodbye"])
    assert (r.result, r.error, r.http_code) == ("content_mismatch", "contains", 200)
    assert "goodbye" in (r.detail or "")


def test_it_reports_forbidden_text_as_content_mismatch(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/ok"), not_contains="sitewatch")
    assert (r.result, r.error) == ("content_mismatch", "not_contains")
    assert "forbidden" in (r.detail or "")


def test_it_applies_the_regex_rule(server: MisbehavingServer, check: CheckFn) -> None:
    assert check(server.url("/ok"), regex=r"hel+o\s+site").result == "up"
    r = check(server.url("/ok"), regex=r"^bye")
    assert (r.result, r.error) == ("content_mismatch", "regex") and "regex" in (r.detail or "")


def test_it_decodes_the_body_with_the_declared_charset(server: MisbehavingServer, check: CheckFn) -> None:
    assert check(server.url("/latin1"), contains="10 € — café").result == "up"


def test_it_decodes_with_a_meta_charset_when_the_header_has_none(server: MisbehavingServer, check: CheckFn) -> None:
    assert check(server.url("/meta-charset"), contains="Grüße").result == "up"


def test_it_replaces_undecodable_bytes_instead_of_failing(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/bad-utf8"), contains=["ok ", "broken but ok"])
    assert r.result == "up"


def test_it_reports_a_slow_answer_as_slow_when_rules_pass(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/slow/150"), max_response_ms=50, contains="fine")
    assert (r.result, r.error, r.http_code) == ("slow", None, 200)
    assert r.time_ms is not None and r.time_ms >= 150
    assert "max_response_ms" in (r.detail or "")


def test_a_failed_rule_wins_over_slowness(server: MisbehavingServer, check: CheckFn) -> None:
    assert check(server.url("/slow/150"), max_response_ms=50, contains="nope").result == "content_mismatch"


def test_it_reports_a_server_that_never_answers_as_timeout_waiting_for_response(
    server: MisbehavingServer, check: CheckFn
) -> None:
    r = check(server.url("/hang"), timeout="300ms")
    assert (r.result, r.error, r.http_code) == ("timeout", "response", None)


def test_a_trickling_server_cannot_stretch_the_deadline(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/trickle"), timeout="1s")
    assert (r.result, r.error, r.http_code) == ("timeout", "body", 200)
    # the deadline is part of the contract: the whole check ends within timeout + 100 ms
    assert r.time_ms is not None and 1000 <= r.time_ms <= 1100


def test_it_stops_reading_a_huge_body_and_judges_what_it_read(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/big"), max_body_bytes=100_000, contains="BBBB")
    assert (r.result, r.bytes) == ("up", 100_000)
    assert "truncated" in (r.detail or "")


def test_a_gzip_bomb_is_cut_off_after_decompression(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/gzip-bomb"), max_body_bytes=1_000_000, contains="\0\0")
    assert (r.result, r.bytes) == ("up", 1_000_000)
    assert "truncated" in (r.detail or "")


def test_a_content_rule_failing_on_a_truncated_body_says_so(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/big"), max_body_bytes=1000, contains="the end")
    assert r.result == "content_mismatch"
    assert "truncated" in (r.detail or "")


def test_it_sends_the_method_headers_and_body_of_the_monitor(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(
        server.url("/echo"),
        method="post",
        headers={"X-Token": "abc"},
        body='{"q": 1}',
        contains=['"method": "POST"', '"x-token": "abc"', '{\\"q\\": 1}', "sitewatch/"],
    )
    assert r.result == "up", r.detail


def test_a_head_check_reads_no_body(server: MisbehavingServer, check: CheckFn) -> None:
    r = check(server.url("/ok"), method="HEAD")
    assert (r.result, r.http_code, r.bytes) == ("up", 200, 0)


def test_a_reused_connection_handle_forgets_the_previous_monitors_options(server: MisbehavingServer) -> None:
    from sitewatch.config import parse_config
    from sitewatch.probe import Engine

    post, get = parse_config(
        [
            {"name": "post", "url": server.url("/echo"), "method": "POST", "headers": {"X-Token": "t"}, "body": "b"},
            {"name": "get", "url": server.url("/echo"), "contains": '"method": "GET"', "not_contains": "x-token"},
        ]
    ).monitors
    engine = Engine()
    try:
        assert engine.check(post).result == "up"
        r = engine.check(get)
        assert r.result == "up", r.detail
    finally:
        engine.close()


def test_a_killed_check_is_taken_out_of_libcurl_and_the_engine_goes_on(server: MisbehavingServer) -> None:
    import gevent

    from sitewatch.config import parse_config
    from sitewatch.probe import Engine

    hang, ok = parse_config([{"url": server.url("/hang")}, {"url": server.url("/ok")}]).monitors
    engine = Engine()
    try:
        waiting = gevent.spawn(engine.check, hang)
        gevent.sleep(0.1)
        assert engine.active == 1
        waiting.kill()
        assert engine.active == 0
        assert engine.check(ok).result == "up"
    finally:
        engine.close()
