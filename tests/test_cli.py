"""The command line as a user meets it: exit codes, --json, validate's messages, DNS failures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitewatch.result import FIELDS

from .misbehaving import MisbehavingServer

WriteConfig = Callable[[Any], Path]


def sitewatch(*args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "sitewatch", *args], capture_output=True, text=True, timeout=60
    )


def test_check_exits_0_when_up_and_prints_every_field_as_json(server: MisbehavingServer) -> None:
    out = sitewatch("check", server.url("/ok"), "--contains", "hello", "--json")
    assert out.returncode == 0, out.stderr
    record = json.loads(out.stdout)
    assert list(record) == list(FIELDS)
    assert record["result"] == "up" and record["http_code"] == 200
    assert record["ts"].endswith("Z") and "T" in record["ts"]


def test_check_exits_1_for_any_result_but_up(server: MisbehavingServer) -> None:
    out = sitewatch("check", server.url("/ok"), "--contains", "absent")
    assert out.returncode == 1
    assert "content_mismatch" in out.stdout and "absent" in out.stdout
    assert sitewatch("check", server.url("/status/500")).returncode == 1


def test_check_honours_status_timeout_and_insecure(server: MisbehavingServer) -> None:
    assert sitewatch("check", server.url("/status/404"), "--status", "404,410").returncode == 0
    out = sitewatch("check", server.url("/hang"), "--timeout", "200ms", "--json")
    assert json.loads(out.stdout)["result"] == "timeout"


def test_check_exits_2_on_bad_usage() -> None:
    out = sitewatch("check", "ftp://example.test/")
    assert out.returncode == 2
    assert "url: must start with http:// or https://" in out.stderr
    assert sitewatch("check", "http://a.test/", "--timeout", "soon").returncode == 2


def test_validate_lists_every_problem_and_exits_2(write_config: WriteConfig) -> None:
    path = write_config({"monitors": [{"name": "a", "url": "http://a.test/", "timeout": "x"}, {"url": 5}]})
    out = sitewatch("validate", "-c", str(path))
    assert out.returncode == 2
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: monitors[0] (a): timeout:")
    assert lines[1].startswith(f"{path}: monitors[1]: url:")


def test_validate_reports_json_syntax_errors_with_line_and_column(write_config: WriteConfig) -> None:
    path = write_config('{"monitors": [\n  {"url": "http://a.test/"\n]}')
    out = sitewatch("validate", "-c", str(path))
    assert out.returncode == 2
    assert out.stdout.startswith(f"{path}:3:1: JSON syntax error")


def test_validate_exits_0_for_a_good_config(write_config: WriteConfig) -> None:
    out = sitewatch("validate", "-c", str(write_config([{"url": "http://a.test/"}])))
    assert (out.returncode, out.stdout.strip().endswith("ok, 1 monitors")) == (0, True)


def test_schema_prints_a_json_schema() -> None:
    out = sitewatch("schema")
    assert out.returncode == 0
    assert json.loads(out.stdout)["title"] == "sitewatch config"


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_an_unresolvable_host_is_a_dns_connection_error() -> None:
    # Run in a network namespace of our own with no network at all, so the lookup fails locally
    # and no query leaves this machine.
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot create a network namespace: {probe.stderr.decode().strip()}")
    out = sitewatch("check", "http://no-such-host.invalid/", "--json", prefix=("unshare", "-n"))
    assert out.returncode == 1
    record = json.loads(out.stdout)
    assert (record["result"], record["error"]) == ("connection_error", "dns")
    assert "no-such-host.invalid" in record["detail"]
