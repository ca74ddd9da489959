"""A real HTTP/1.1 server on loopback that misbehaves on purpose, one behaviour per path.

It runs in plain threads with blocking sockets (sitewatch never monkey-patches, so these stay real
threads beside the gevent hub). Every test talks to it over 127.0.0.1; nothing here is a mock.

Paths:
  /ok                     200 "hello sitewatch"
  /status/<code>          that status
  /slow/<ms>              answers after <ms>
  /hang                   reads the request and never answers
  /trickle                headers, then one body byte every 0.2 s
  /reset                  reads the request and resets the connection (RST)
  /reset-mid              headers and part of the body, then RST
  /close                  closes without a response
  /partial                Content-Length 1000, 10 bytes, close
  /garbage                a reply that is not HTTP
  /redirect/<n>           a chain of n redirects ending at /ok
  /loop                   redirects to itself forever
  /redirect-ftp           redirects to ftp://
  /latin1, /meta-charset, /bad-utf8     bodies in various encodings
  /big                    5 MiB body
  /gzip-bomb              64 MiB of zeros, gzip-compressed on the wire
  /bad-gzip               claims gzip, is not
  /echo                   the request as JSON
  /page/<name>            a response registered with ``set_page``
  /flap                   200 and 500 in turn
  /hook, /hook-slow       a notification receiver: 200 (after 3 s for the slow one)
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import ssl
import struct
import threading
import time
from functools import cache


@cache
def _gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


class MisbehavingServer:
    """Start with ``with MisbehavingServer() as srv:``; ``srv.url("/ok")`` gives a URL."""

    def __init__(self, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self.tls = tls
        self.host = host
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[dict[str, object]] = []
        self._flaps = 0
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, 0))
        self._sock.listen(512)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)

    def __enter__(self) -> MisbehavingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()

    def url(self, path: str, host: str | None = None) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host or self.host}:{self.port}{path}"

    def set_page(self, name: str, body: bytes | str, status: int = 200, **headers: str) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.pages[name] = (status, {k.replace("_", "-"): v for k, v in headers.items()}, data)
        return self.url(f"/page/{name}")

    # -- internals ---------------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            if self.tls is not None:
                try:
                    conn = self.tls.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return  # the client refused our certificate: that is the point of some tests
            request = _read_request(conn)
            if request is None:
                return
            self.requests.append(request)
            self._route(conn, request)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()

    def _route(self, conn: socket.socket, req: dict[str, object]) -> None:
        path = str(req["path"]).split("?")[0]
        parts = path.strip("/").split("/")
        head, arg = parts[0], (parts[1] if len(parts) > 1 else "")
        if head == "ok":
            _respond(conn, 200, b"hello sitewatch", {"Content-Type": "text/plain"})
        elif head == "status":
            _respond(conn, int(arg), f"status {arg}".encode())
        elif head == "slow":
            time.sleep(int(arg) / 1000)
            _respond(conn, 200, b"slow but fine")
        elif head == "hang":
            self._stop.wait(30)
        elif head == "trickle":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            for _ in range(1000):
                if self._stop.wait(0.2):
                    return
                conn.sendall(b"x")
        elif head == "reset":
            _reset(conn)
        elif head == "reset-mid":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 100)
            time.sleep(0.05)
            _reset(conn)
        elif head == "close":
            return
        elif head == "partial":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"0123456789")
        elif head == "garbage":
            conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\nthis is not http\r\n\r\n")
        elif head == "redirect":
            n = int(arg)
            _redirect(conn, f"/redirect/{n - 1}" if n > 1 else "/ok")
        elif head == "loop":
            _redirect(conn, "/loop")
        elif head == "redirect-ftp":
            _redirect(conn, "ftp://127.0.0.1/file")
        elif head == "latin1":
            _respond(
                conn, 200, "prix: 10 € — café".encode("cp1252"), {"Content-Type": "text/plain; charset=windows-1252"}
            )
        elif head == "meta-charset":
            body = '<html><head><meta charset="iso-8859-1"></head><body>Grüße</body></html>'
            _respond(conn, 200, body.encode("latin-1"), {"Content-Type": "text/html"})
        elif head == "bad-utf8":
            _respond(conn, 200, b"ok \xff\xfe broken but ok", {"Content-Type": "text/plain"})
        elif head == "big":
            _respond(conn, 200, b"B" * (5 * 1024 * 1024))
        elif head == "gzip-bomb":
            _respond(conn, 200, _gzip_bomb(), {"Content-Encoding": "gzip", "Content-Type": "text/plain"})
        elif head == "bad-gzip":
            _respond(conn, 200, b"this is not gzip at all" * 10, {"Content-Encoding": "gzip"})
        elif head == "flap":
            self._flaps += 1
            _respond(conn, 500 if self._flaps % 2 == 0 else 200, b"flapping")
        elif head == "hook":
            _respond(conn, 200, b"ok")
        elif head == "hook-slow":
            self._stop.wait(3)
            _respond(conn, 200, b"ok")
        elif head == "echo":
            _respond(conn, 200, json.dumps(req).encode(), {"Content-Type": "application/json"})
        elif head == "page" and arg in self.pages:
            status, headers, body = self.pages[arg]
            _respond(conn, status, body, headers)
        else:
            _respond(conn, 404, b"not found")


def _read_request(conn: socket.socket) -> dict[str, object] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return {"method": method, "path": path, "headers": headers, "body": body.decode("utf-8", "replace")}


def _respond(conn: socket.socket, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def _redirect(conn: socket.socket, location: str) -> None:
    _respond(conn, 302, b"moved", {"Location": location})


def _reset(conn: socket.socket) -> None:
    """Close with SO_LINGER 0: the kernel sends RST instead of FIN."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
