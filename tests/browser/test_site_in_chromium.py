"""The published site in headless Chromium, from file:// and over HTTP: charts draw, the selector
works, secrets stay dots, keyboard users get around, and nothing is fetched from outside the site.

Uses the system Chromium (`apt-get install -y chromium`; override with GMSD_CHROMIUM); Playwright
never downloads a browser here. Without Chromium the tests are skipped with that reason.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dashboards.serve import make_server
from dashboards.site import build_site
from tests.unit.test_site import GENERATED, RELEASES, REVISIONS, SECRET_VALUE, benchmark_table, indicatoren

from tests.fixtures.chromium import requires_chromium

pytestmark = [
    pytest.mark.browser,
    requires_chromium,
]


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    df = indicatoren()
    build_site(df, out, release="2025-09", generated_at=GENERATED, benchmark=benchmark_table(df),
               releases=RELEASES, revisions=REVISIONS)
    return out


@pytest.fixture()
def page(browser):
    """A fresh page that records console errors, page errors and every request URL."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.problems, page.requests = [], []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def _wait_for_charts(page) -> None:
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)


def test_home_loads_without_errors_or_outside_requests(site_dir, page):
    page.goto((site_dir / "index.html").as_uri())
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Monitor Sociaal Domein"
    assert page.locator("ul.kerncijfers li").count() >= 2
    assert page.locator("#releases-kop").is_visible()
    assert not page.problems, page.problems
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_selector_leads_to_the_gemeente_page(site_dir, page):
    page.goto((site_dir / "index.html").as_uri())
    page.get_by_label("Gemeente", exact=True).select_option("GM0363")
    page.get_by_role("button", name="Bekijk de cijfers").click()
    page.wait_for_url("**/gemeente/GM0363.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Amsterdam"
    assert not page.problems, page.problems


def test_selector_without_javascript_ends_on_the_list_and_forwards(site_dir, page):
    # What the plain form submits to; with JavaScript the list page forwards to the gemeente.
    page.goto((site_dir / "gemeente" / "index.html").as_uri() + "?gemeente=GM0358")
    page.wait_for_url("**/gemeente/GM0358.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Aalsmeer"


def test_gemeente_page_draws_charts_and_shows_the_secret_dot(site_dir, page):
    page.goto((site_dir / "gemeente" / "GM0363.html").as_uri())
    _wait_for_charts(page)
    charts = page.locator(".js-plotly-plot")
    assert charts.count() >= 2
    assert page.locator(".js-plotly-plot .main-svg").count() >= charts.count()
    assert page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].every(d => d.data && d.data.length)")
    details = page.locator("details.wijken").first
    details.locator("summary").click()
    secret = details.locator("td.geheim abbr").first
    assert secret.is_visible() and secret.inner_text() == "."
    assert secret.get_attribute("title") == "Geheim: klein aantal"
    body = page.locator("body").inner_text()
    assert "Burgwallen-Oude Zijde" in body and f"{SECRET_VALUE}".replace(".", ",") not in body
    data = page.evaluate("() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')].map(d => d.data))")
    assert str(SECRET_VALUE) not in data
    assert not page.problems, page.problems
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_wijk_table_sorts_with_the_header_buttons(site_dir, page):
    page.goto((site_dir / "gemeente" / "GM0358.html").as_uri())
    details = page.locator("details.wijken").first
    details.locator("summary").click()
    table = details.locator("table")
    names = lambda: table.locator("tbody th").all_inner_texts()  # noqa: E731
    assert names() == ["Aalsmeer-Centrum", "Kudelstaart"]
    button = table.get_by_role("button", name="Wijk")
    button.click()
    button.click()
    assert names() == ["Kudelstaart", "Aalsmeer-Centrum"]
    assert table.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"


def test_indicator_page_shows_all_gemeenten_on_one_chart(site_dir, page):
    page.goto((site_dir / "indicator" / "jeugd_pct.html").as_uri())
    _wait_for_charts(page)
    names = page.evaluate("() => document.querySelector('.js-plotly-plot').data.flatMap(t => t.y)")
    assert {"Aalsmeer", "Amsterdam"} <= set(names)
    assert not page.problems, page.problems


def test_keyboard_reaches_the_selector(site_dir, page):
    page.goto((site_dir / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip"
    for _ in range(20):
        if page.evaluate("() => document.activeElement.id") == "gemeente-keuze":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "gemeente-keuze"


def test_served_over_http_requests_stay_on_the_server(site_dir, page):
    server = make_server(site_dir, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        page.goto(base + "index.html")
        page.get_by_label("Gemeente", exact=True).select_option("GM0358")
        page.get_by_role("button", name="Bekijk de cijfers").click()
        page.wait_for_url(base + "gemeente/GM0358.html")
        _wait_for_charts(page)
        page.goto(base + "revisies.html")
        assert page.get_by_role("heading", level=1).inner_text() == "Revisies"
        assert not page.problems, page.problems
        assert page.requests and all(url.startswith(base) for url in page.requests), page.requests
    finally:
        server.shutdown()
        server.server_close()


def test_phone_width_does_not_overflow_the_page(site_dir, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        page.goto((site_dir / "gemeente" / "GM0363.html").as_uri())
        _wait_for_charts(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1  # wide tables scroll inside their own box
    finally:
        context.close()
