"""A throwaway nginx on 127.0.0.1 for benchmarks: one worker, no access log, a 2 KB page.

Installs Debian's nginx-light if nginx is missing (the benchmark is not a test: it may apt-get).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

KEYWORD = "sitewatch-benchmark-keyword"


def ensure_nginx() -> str:
    path = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if path is None:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True)
        path = "/usr/sbin/nginx"
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Nginx:
    """``with Nginx(cpu=1) as n: n.url`` — serves ``/page.html`` (2 KB containing KEYWORD)."""

    def __init__(self, cpu: int | None = 1, page_bytes: int = 2048) -> None:
        self.binary = ensure_nginx()
        self.dir = Path(tempfile.mkdtemp(prefix="sitewatch-bench-nginx-"))
        self.port = free_port()
        self.cpu = cpu
        body = f"<html><body><p>{KEYWORD}</p>"
        body += "x" * (page_bytes - len(body) - len("</body></html>")) + "</body></html>"
        (self.dir / "page.html").write_text(body)
        affinity = f"worker_cpu_affinity {1 << cpu:b};" if cpu is not None else ""
        (self.dir / "nginx.conf").write_text(
            f"""
worker_processes 1; {affinity}
daemon off; pid {self.dir}/nginx.pid; error_log {self.dir}/error.log warn;
worker_rlimit_nofile 65536;
events {{ worker_connections 16384; multi_accept on; }}
http {{
  access_log off; keepalive_requests 1000000;
  client_body_temp_path {self.dir}; proxy_temp_path {self.dir}; fastcgi_temp_path {self.dir};
  uwsgi_temp_path {self.dir}; scgi_temp_path {self.dir};
  server {{ listen 127.0.0.1:{self.port} backlog=8192 reuseport; root {self.dir};
           location = /slow {{ return 200 "ok"; }} }}
}}"""
        )
        self.url = f"http://127.0.0.1:{self.port}/page.html"
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Nginx:
        self.proc = subprocess.Popen([self.binary, "-c", str(self.dir / "nginx.conf"), "-p", str(self.dir)])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not start; see {self.dir}/error.log")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=5)
        shutil.rmtree(self.dir, ignore_errors=True)
