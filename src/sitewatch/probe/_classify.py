"""Turning what libcurl reports into ``result`` / ``error`` / ``detail``.

The one place that knows libcurl's error codes. Connection problems, HTTP problems and content
problems never share a ``result``:

=====================  ==========================================================================
result                 error
=====================  ==========================================================================
connection_error       dns, refused, unreachable, connect, tls, reset, closed, protocol, recv, send
timeout                the phase the deadline hit: dns, connect, tls, response (no first byte), body
http_error             status, redirects
=====================  ==========================================================================
"""

from __future__ import annotations

import errno
import os

import pycurl

from ..result import CONNECTION_ERROR, HTTP_ERROR, TIMEOUT

_TLS = {
    pycurl.E_SSL_CONNECT_ERROR,
    pycurl.E_PEER_FAILED_VERIFICATION,
    pycurl.E_SSL_CERTPROBLEM,
    pycurl.E_SSL_CIPHER,
    pycurl.E_SSL_CACERT_BADFILE,
    pycurl.E_SSL_ISSUER_ERROR,
    pycurl.E_SSL_PINNEDPUBKEYNOTMATCH,
    pycurl.E_SSL_INVALIDCERTSTATUS,
    pycurl.E_SSL_CRL_BADFILE,
    pycurl.E_SSL_ENGINE_INITFAILED,
    pycurl.E_SSL_ENGINE_NOTFOUND,
    pycurl.E_SSL_SHUTDOWN_FAILED,
}
_PROTOCOL = {
    # pycurl names some codes after their old meaning; the numbers are libcurl's (see libcurl-errors)
    pycurl.E_FTP_WEIRD_SERVER_REPLY,  # 8: CURLE_WEIRD_SERVER_REPLY, not HTTP at all
    pycurl.E_UNSUPPORTED_PROTOCOL,  # 1: e.g. a redirect to ftp://
    pycurl.E_BAD_CONTENT_ENCODING,  # 61: undecodable gzip/br
    pycurl.E_HTTP2,  # 16
    92,  # CURLE_HTTP2_STREAM
    95,  # CURLE_HTTP3
    pycurl.E_RANGE_ERROR,
    pycurl.E_URL_MALFORMAT,
}
_RESET_ERRNOS = {errno.ECONNRESET, errno.EPIPE, errno.ECONNABORTED}


def classify_curl_error(code: int, message: str, os_errno: int, phase: str) -> tuple[str, str, str]:
    """Map a libcurl failure to ``(result, error, detail)``. ``phase`` is where the check stopped."""
    detail = message or f"curl error {code}"
    if os_errno:
        reason = os.strerror(os_errno)
        if reason.lower() not in detail.lower():
            detail = f"{detail} ({reason})"
    if code == pycurl.E_OPERATION_TIMEDOUT:
        return TIMEOUT, phase, f"deadline passed while waiting for {_PHASE_WORDS.get(phase, phase)}"
    if code == pycurl.E_TOO_MANY_REDIRECTS:
        return HTTP_ERROR, "redirects", detail
    if code in (pycurl.E_COULDNT_RESOLVE_HOST, pycurl.E_COULDNT_RESOLVE_PROXY):
        return CONNECTION_ERROR, "dns", detail
    if code == pycurl.E_COULDNT_CONNECT:
        if os_errno == errno.ECONNREFUSED:
            return CONNECTION_ERROR, "refused", detail
        if os_errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
            return CONNECTION_ERROR, "unreachable", detail
        return CONNECTION_ERROR, "connect", detail
    if code in _TLS:
        return CONNECTION_ERROR, "tls", detail
    if os_errno in _RESET_ERRNOS and code in (pycurl.E_RECV_ERROR, pycurl.E_SEND_ERROR, *_TLS):
        return CONNECTION_ERROR, "reset", detail
    if code == pycurl.E_GOT_NOTHING:
        return CONNECTION_ERROR, "closed", "server closed the connection without a response"
    if code == pycurl.E_PARTIAL_FILE:
        return CONNECTION_ERROR, "closed", f"server closed the connection early: {detail}"
    if code in _PROTOCOL:
        return CONNECTION_ERROR, "protocol", detail
    if code == pycurl.E_RECV_ERROR:
        return CONNECTION_ERROR, "recv", detail
    if code == pycurl.E_SEND_ERROR:
        return CONNECTION_ERROR, "send", detail
    return CONNECTION_ERROR, f"curl_{code}", detail


_PHASE_WORDS = {
    "dns": "DNS resolution",
    "connect": "the TCP connection",
    "tls": "the TLS handshake",
    "response": "the first byte of the response",
    "body": "the rest of the body",
}


def phase_reached(dns: float, connect: float, tls: float, responded: bool, https: bool) -> str:
    """The phase a failed check was in, from libcurl's phase times (0 = not reached)."""
    if dns == 0:
        return "dns"
    if connect == 0:
        return "connect"
    if https and tls == 0:
        return "tls"
    if not responded:
        return "response"
    return "body"
