"""The status page in a real browser (Debian's Chromium, driven by Playwright): it updates itself
without a reload, the filter works, and a screenshot is taken (SCREENSHOT=path keeps it)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .misbehaving import MisbehavingServer
from .test_run import Run
from .test_web import free_port, get_json

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it as root)"
)
# No sandbox as root; nothing that reaches for the internet.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
        "--disable-background-networking", "--disable-component-update"]  # fmt: skip


def test_the_page_shows_a_state_change_without_reload_and_filters(server: MisbehavingServer, tmp_path: Path) -> None:
    flip = server.set_page("flip", "all good", status=200)
    port = free_port()
    run = Run(
        tmp_path,
        [
            {"name": "checkout", "url": flip, "interval": "300ms", "contains": "good"},
            {"name": "homepage", "url": server.url("/ok"), "interval": "300ms"},
            {"name": "search api", "url": server.url("/slow/120"), "interval": "300ms", "max_response_ms": 50},
            {"name": "legacy", "url": server.url("/status/503"), "interval": "300ms"},
        ],
        web=port,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        run.wait_for(lambda: all(m["state"] != "unknown" for m in get_json(base + "api/monitors")[1]["monitors"]))
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 420})
            page.goto(base)
            page.evaluate("window.__loadedOnce = true")  # gone if the page were reloaded
            badge = page.locator('tr[data-monitor="checkout"] .badge')
            playwright.expect(badge).to_have_text("UP")

            server.set_page("flip", "oops: internal error", status=500)
            playwright.expect(badge).to_have_text("DOWN", timeout=20_000)
            assert page.evaluate("window.__loadedOnce") is True
            playwright.expect(page.locator('tr[data-monitor="checkout"] .why')).to_contain_text("status 500")
            playwright.expect(page.locator(".summary .state-down b")).to_have_text("2")

            page.fill("#filter", "home")
            playwright.expect(page.locator("tr.monitor")).to_have_count(1)
            playwright.expect(page.locator("tr.monitor .name b")).to_have_text("homepage")
            page.fill("#filter", "")
            playwright.expect(page.locator("tr.monitor")).to_have_count(4)

            page.wait_for_timeout(1500)  # a few more checks for the sparklines
            shot = Path(os.environ.get("SCREENSHOT") or tmp_path / "screenshot.png")
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            browser.close()
    finally:
        server.set_page("flip", "all good", status=200)
        run.stop()
