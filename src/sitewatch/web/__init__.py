"""The status page, JSON API and Prometheus metrics, served on the monitor's own gevent hub.

Public face: :func:`create_app`, :class:`WebServer`, the sources :class:`LiveSource` (``run``) and
:class:`StoreSource` (``serve``), and :class:`ProcessFigures` for /metrics.
"""

from __future__ import annotations

from flask import Flask
from gevent.pywsgi import WSGIServer

from ..errors import UsageError
from ._app import create_app
from ._metrics import ProcessFigures
from ._source import LiveSource, StoreSource

__all__ = ["LiveSource", "ProcessFigures", "StoreSource", "WebServer", "create_app", "parse_listen"]


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8080`` for IPv6) → (host, port); UsageError when malformed."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"--web: expected HOST:PORT such as 127.0.0.1:8080, got {text!r}")
    return host, int(port)


class WebServer:
    """gevent's WSGI server in this process; handlers are greenlets on the same hub as checks."""

    def __init__(self, app: Flask, host: str, port: int) -> None:
        self.app = app
        self._server = WSGIServer((host, port), app, log=None, error_log=None)

    def start(self) -> None:
        try:
            self._server.start()
        except OSError as exc:
            host, port = self._server.address[:2]
            raise UsageError(
                f"cannot listen on {host}:{port}: {exc.strerror} (use --web HOST:PORT or --no-web)"
            ) from exc

    @property
    def url(self) -> str:
        host, port = self._server.address[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"

    def stop(self) -> None:
        self._server.stop(timeout=0.5)
