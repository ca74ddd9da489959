"""prometheus-blackbox-exporter as the reference, and wrk as the load generator and the ceiling.

blackbox_exporter runs on 127.0.0.1 pinned to one core (``taskset`` and ``GOMAXPROCS=1``) with a
module ``http_kw``: http prober, IPv4, ``fail_if_body_not_matches_regexp`` on the keyword, i.e. the
same check sitewatch does. wrk drives it through ``/probe?module=http_kw&target=…`` from the other
core; every /probe request is one probe with a new connection to nginx. :meth:`Blackbox.verify`
proves the body is really checked (the keyword module succeeds, a module wanting an absent word
fails) before any rate is believed.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _nginx import KEYWORD, free_port

from .common import CPU_TARGET, child_env, http_get, pin, spawn, stop, wait_http, which

CONFIG = f"""modules:
  http_kw:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      fail_if_body_not_matches_regexp: ["{KEYWORD}"]
  http_absent:
    prober: http
    timeout: 5s
    http:
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      fail_if_body_not_matches_regexp: ["no-such-word-in-the-page"]
"""


def wrk(url: str, seconds: float, *, connections: int = 100, cpu: int | None, close: bool = False) -> dict[str, Any]:
    """Requests/s of ``wrk -t1`` against ``url`` (``close``: a new connection per request)."""
    cmd = [
        *pin(cpu),
        which("wrk") or "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
    ]
    if close:
        cmd += ["-H", "Connection: close"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 30).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": float(rate.group(1)) if rate else None,
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "non_2xx": int(bad.group(1)) if bad else 0,
    }


class Blackbox:
    """``with Blackbox(tmp, cpu=0) as bb: bb.rate(target, 10)``"""

    def __init__(self, tmp: Path, cpu: int | None) -> None:
        self.binary = which("prometheus-blackbox-exporter")
        self.config = tmp / "blackbox.yml"
        self.config.write_text(CONFIG)
        self.log = tmp / "blackbox.log"
        self.cpu = cpu
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[Any] | None = None

    def __enter__(self) -> Blackbox:
        if self.binary is None:
            raise RuntimeError("prometheus-blackbox-exporter is not installed")
        cmd = [*pin(self.cpu), self.binary, f"--config.file={self.config}",
               f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=error"]  # fmt: skip
        self.proc = spawn(cmd, log=self.log, env=child_env(GOMAXPROCS="1"))
        if not wait_http(self.base + "/metrics", 15, self.proc):
            stop(self.proc)
            raise RuntimeError(f"blackbox_exporter did not start (see {self.log})")
        return self

    def __exit__(self, *exc: object) -> None:
        stop(self.proc)

    def probe_url(self, target: str, module: str = "http_kw") -> str:
        return f"{self.base}/probe?module={module}&target={quote(target, safe='')}"

    def success(self, target: str, module: str = "http_kw") -> bool:
        text = http_get(self.probe_url(target, module))
        return bool(re.search(r"^probe_success 1\b", text, re.M))

    def verify(self, target: str) -> bool:
        """The keyword module passes and the absent-word module fails: the body is checked."""
        return self.success(target) and not self.success(target, "http_absent")

    def rate(self, target: str, seconds: float, connections: int = 100) -> dict[str, Any]:
        """Probes/s, driven by wrk from the target core."""
        return wrk(self.probe_url(target), seconds, connections=connections, cpu=CPU_TARGET)
