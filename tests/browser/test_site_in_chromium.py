"""The published site in headless Chromium, from file:// and offline: charts draw, links work, secrets stay dots.

Uses the system Chromium (`apt-get install -y chromium`; override with GMSD_CHROMIUM); Playwright
never downloads a browser here. Without Chromium the tests are skipped with that reason.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dashboards.site import build_site
from tests.unit.test_site import GENERATED, SECRET_VALUE, indicatoren

CHROMIUM = os.environ.get("GMSD_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="Chromium not installed (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    out = tmp_path_factory.mktemp("site") / "site"
    build_site(indicatoren(), out, release="2025-09", generated_at=GENERATED)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        problems: list[str] = []
        requests: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("request", lambda request: requests.append(request.url))
        yield out, page, problems, requests
        browser.close()


def _open(page, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)


def test_index_draws_every_chart_offline(browser_page):
    out, page, problems, requests = browser_page
    _open(page, out / "index.html")
    charts = page.locator(".js-plotly-plot")
    assert charts.count() >= 2
    assert page.locator(".js-plotly-plot .main-svg").count() >= charts.count()  # each one rendered
    assert page.locator("html").get_attribute("lang") == "nl"
    assert not problems, problems
    assert all(url.startswith("file://") for url in requests), [u for u in requests if not u.startswith("file://")]


def test_gemeente_page_via_link_shows_wijken_and_secret_dot(browser_page):
    out, page, problems, _ = browser_page
    _open(page, out / "index.html")
    page.get_by_role("link", name="Amsterdam").first.click()
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)
    assert page.url.endswith("gemeente/GM0363.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Amsterdam"
    body = page.locator("body").inner_text()
    assert "Burgwallen-Oude Zijde" in body and "Burgwallen-Nieuwe Zijde" in body  # the wijk table
    assert page.locator("td.geheim").count() >= 1
    assert f"{SECRET_VALUE}".replace(".", ",") not in body
    # Plotly's own data must not carry the secret value either.
    data = page.evaluate("() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')].map(d => d.data))")
    assert str(SECRET_VALUE) not in data
    assert not problems, problems
