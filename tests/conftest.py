"""Shared fixtures: real servers on loopback (plain and TLS), and a one-line way to check a URL."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from sitewatch.config import parse_config
from sitewatch.probe import check_once
from sitewatch.result import Result

from .misbehaving import MisbehavingServer

CheckFn = Callable[..., Result]


@pytest.fixture(scope="session")
def server() -> Iterator[MisbehavingServer]:
    with MisbehavingServer() as srv:
        yield srv


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _tls_server(cert: trustme.LeafCert) -> MisbehavingServer:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return MisbehavingServer(tls=context)


@pytest.fixture(scope="session")
def tls_server(ca: trustme.CA) -> Iterator[MisbehavingServer]:
    with _tls_server(ca.issue_cert("localhost", "127.0.0.1")) as srv:
        yield srv


@pytest.fixture(scope="session")
def expired_tls_server(ca: trustme.CA) -> Iterator[MisbehavingServer]:
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    cert = ca.issue_cert("localhost", "127.0.0.1", not_before=past - dt.timedelta(days=30), not_after=past)
    with _tls_server(cert) as srv:
        yield srv


@pytest.fixture(scope="session")
def wrong_host_tls_server(ca: trustme.CA) -> Iterator[MisbehavingServer]:
    with _tls_server(ca.issue_cert("somewhere-else.test")) as srv:
        yield srv


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port that is bound but not listening: connecting to it is refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def check() -> CheckFn:
    """``check(url, contains="x", timeout="2s", ...)``: one real check with a monitor built from kwargs."""

    def run(url: str, **monitor: Any) -> Result:
        config = parse_config([{"url": url, **monitor}])
        return check_once(config.monitors[0])

    return run


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[[Any], Path]:
    import json

    def write(data: Any, name: str = "urls.json") -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
        return path

    return write
