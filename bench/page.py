"""Status page with 10,000 monitors: first paint and page weight, in headless Chromium.

    .venv/bin/python bench/page.py [--monitors 10000]

Fills a throwaway store with the latest 50 results of each monitor, starts `sitewatch serve` on
it, and loads the page in Debian's Chromium (Playwright) five times. Not a test.
"""

from __future__ import annotations

import argparse
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from sitewatch.result import RESULTS, Result
from sitewatch.store import SQLiteStore

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--disable-component-update"]  # fmt: skip


# The paint entry may be recorded a frame after the load event: wait for it (at most 2 s).
FCP = """new Promise(resolve => {
  const t0 = Date.now();
  (function poll() {
    const e = performance.getEntriesByName('first-contentful-paint')[0];
    if (e) resolve(e.startTime); else if (Date.now() - t0 > 2000) resolve(null); else setTimeout(poll, 20);
  })();
})"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--monitors", type=int, default=10_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sitewatch-bench-page-"))
    store = SQLiteStore(tmp / "h.db")
    rng, now = random.Random(1), time.time()
    for k in range(50):
        rows = []
        for m in range(args.monitors):
            result = RESULTS[0] if rng.random() < 0.97 else rng.choice(RESULTS[1:])
            rows.append(Result(now - (50 - k) * 60 + m * 0.001, f"site-{m:05d}", f"https://site-{m}.example/",
                               "local", result, http_code=200, time_ms=rng.lognormvariate(4, 0.4)))  # fmt: skip
        store.write(rows)
    store.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "sitewatch", "serve", "--store", f"sqlite:///{tmp / 'h.db'}",
                             "--web", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "healthz", timeout=5).read()
            break
        except OSError:
            time.sleep(0.1)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            paints, htmls, weights = [], [], []
            for _ in range(6):
                page = browser.new_page()
                sizes: list[int] = []
                page.on("response", lambda r, sizes=sizes: sizes.append(len(r.body())))
                page.goto(base, wait_until="load")
                fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
                nav = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
                paints.append(fcp)
                htmls.append(__import__("json").loads(nav)["responseEnd"])
                weights.append(sum(sizes))
                page.close()
            browser.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()
    paints, htmls = [p for p in paints[1:] if p is not None], htmls[1:]  # the first load warms caches
    print(
        f"{args.monitors:,} monitors: first contentful paint median {statistics.median(paints):.0f} ms "
        f"(max {max(paints):.0f}), HTML received by {statistics.median(htmls):.0f} ms, "
        f"page weight {statistics.median(weights) / 1024:.0f} KiB (HTML + CSS + JS, 100 rows per page)"
    )


if __name__ == "__main__":
    main()
