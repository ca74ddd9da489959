"""A monitor compiled into what the engine needs for each check: libcurl options and rules."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pycurl

from .. import __version__
from ..config import Monitor
from ._rules import Rules

USER_AGENT = f"sitewatch/{__version__}"
MAX_REDIRECTS = 5


# Set once on every new (or reset) easy handle; identical for all monitors.
BASE_OPTIONS: tuple[tuple[int, Any], ...] = (
    (pycurl.NOSIGNAL, 1),
    # A new connection and a fresh DNS lookup per check: the timings are then the real ones a
    # visitor would see, not those of a warm pool.
    (pycurl.FRESH_CONNECT, 1),
    (pycurl.FORBID_REUSE, 1),
    (pycurl.DNS_CACHE_TIMEOUT, 0),
    (pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS),
    (pycurl.REDIR_PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS),
    (pycurl.MAXREDIRS, MAX_REDIRECTS),
    (pycurl.ACCEPT_ENCODING, ""),  # every encoding libcurl can decode; rules see plain bytes
    (pycurl.USERAGENT, USER_AGENT),
)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything about a monitor that does not change between its checks.

    ``options`` are set before every check (they overwrite the previous check's); ``extra`` are
    options most monitors leave at libcurl's default, so a handle that had them is reset after use.
    """

    monitor: Monitor
    rules: Rules
    options: tuple[tuple[int, Any], ...]
    extra: tuple[tuple[int, Any], ...]
    https: bool
    ip_literal: bool

    @classmethod
    def of(cls, monitor: Monitor) -> Prepared:
        host = urlsplit(monitor.url).hostname or ""
        try:
            ipaddress.ip_address(host)
            ip_literal = True
        except ValueError:
            ip_literal = False
        return cls(
            monitor=monitor,
            rules=Rules.of(monitor),
            options=_curl_options(monitor),
            extra=_extra_options(monitor),
            https=monitor.url.startswith("https:"),
            ip_literal=ip_literal,
        )


def _curl_options(m: Monitor) -> tuple[tuple[int, Any], ...]:
    timeout_ms = max(1, round(m.timeout * 1000))
    return (
        (pycurl.URL, m.url),
        (pycurl.TIMEOUT_MS, timeout_ms),
        (pycurl.CONNECTTIMEOUT_MS, timeout_ms),
        (pycurl.FOLLOWLOCATION, 1 if m.follow_redirects else 0),
        (pycurl.SSL_VERIFYPEER, 1 if m.verify_tls else 0),
        (pycurl.SSL_VERIFYHOST, 2 if m.verify_tls else 0),
    )


def _extra_options(m: Monitor) -> tuple[tuple[int, Any], ...]:
    opts: list[tuple[int, Any]] = []
    if m.ca_file:
        opts.append((pycurl.CAINFO, m.ca_file))
    if m.url.startswith("https:"):
        opts.append((pycurl.OPT_CERTINFO, 1))  # the chain's expiry dates, for cert_days
        # No TLS session resumption: a full handshake every time, so tls_ms is what a new visitor
        # pays and the certificate (with its expiry) is really presented on every check.
        opts.append((pycurl.SSL_SESSIONID_CACHE, 0))
    if m.headers:
        opts.append((pycurl.HTTPHEADER, [f"{k}: {v}" for k, v in m.headers]))
    if m.method == "HEAD":
        opts.append((pycurl.NOBODY, 1))
    elif m.method != "GET":
        opts.append((pycurl.CUSTOMREQUEST, m.method))
    if m.body is not None:
        opts.append((pycurl.POSTFIELDS, m.body.encode("utf-8")))
    return tuple(opts)
