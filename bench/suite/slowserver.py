"""A page that answers in 200 ms: a threaded HTTP server on 127.0.0.1 (nginx cannot delay a reply).

    python -m suite.slowserver PORT [--delay 0.2] [--lifetime 3600]

Every request gets its own thread, sleeps ``--delay`` seconds, then gets a small page containing
the keyword, with Content-Length, and the connection closed. The query string is ignored (the
timing section tags each request with ``?id=`` only to tell them apart in a capture). Exits by
itself after ``--lifetime`` seconds so that it can never be left behind. Run pinned to the target
core by the caller.
"""

from __future__ import annotations

import argparse
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from _nginx import KEYWORD

BODY = f"<html><body><p>{KEYWORD}</p></body></html>".encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("port", type=int)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--lifetime", type=float, default=3600.0)
    args = parser.parse_args()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(args.delay)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(BODY)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(BODY)

        def log_message(self, format: str, *args: object) -> None:
            return

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    server = Server(("127.0.0.1", args.port), Slow)
    timer = threading.Timer(args.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever(poll_interval=0.5)


if __name__ == "__main__":
    main()
