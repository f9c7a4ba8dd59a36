"""The published site in headless Chromium, from file:// and over HTTP: charts and the map draw, the
compare tool keeps its selection in the URL (a permalink reproduces it), search finds, secrets stay
dots with their reason, keyboard users get around, phones don't overflow, page weights stay low,
axe-core finds no serious or critical WCAG 2.1 AA problem, and nothing is fetched from outside.

Uses the system Chromium (override with GMSD_CHROMIUM); Playwright never downloads a browser.
"""

from __future__ import annotations

import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboards.serve import make_server
from dashboards.site import build_site
from tests.fixtures.accessibility import axe_findings, serious
from tests.fixtures.chromium import requires_chromium
from tests.fixtures.published import GENERATED, RELEASES, REVISIONS, SECRET_VALUE, full_catalogue_indicatoren, tables

pytestmark = [pytest.mark.browser, requires_chromium]

PAGE_TYPES = {
    "home": "index.html",
    "gemeente": "gemeente/GM0363.html",
    "wijken": "wijken/GM0363.html",
    "factsheet": "gemeente/GM0363-factsheet.html",
    "indicator": "indicator/jeugd_pct.html",
    "vergelijk": "vergelijk.html?gemeenten=GM0358,GM0363&indicator=jeugd_pct",
    "zoeken": "zoeken.html?q=am",
    "releases": "releases.html",
    "downloads": "downloads.html",
    "datakwaliteit": "datakwaliteit.html",
    "kwaliteitsrapport": "kwaliteit/index.html",
    "over de cijfers": "over-de-cijfers.html",
    "gemeentelijst": "gemeente/index.html",
    "gegevenswoordenboek": "gegevenswoordenboek.html",
}


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    docs = folder / "gx"
    docs.mkdir()
    (docs / "index.html").write_text("<html><body><h1>Datakwaliteit</h1><p>Alle controles geslaagd.</p></body></html>",
                                     encoding="utf-8")
    out = folder / "site"
    build_site(tables(releases=RELEASES, revisies=REVISIONS), out, generated_at=GENERATED, quality_docs=docs)
    return out


@pytest.fixture(scope="module")
def server(site_dir):
    server = make_server(site_dir, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def page(browser):
    """A fresh page that records console errors, page errors and every request URL."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems, page.requests = [], []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def _wait_for_charts(page, count: int = 1) -> None:
    page.wait_for_function(f"document.querySelectorAll('.teken svg').length >= {count}", timeout=15_000)


def test_home_loads_without_errors_or_outside_requests(site_dir, page):
    page.goto((site_dir / "index.html").as_uri())
    _wait_for_charts(page)  # the map
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Monitor Sociaal Domein"
    assert page.locator("ul.kerncijfers li").count() >= 2
    assert page.locator(".teken svg path").count() >= 342  # every gemeente on the map
    assert not page.problems, page.problems
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_selector_leads_to_the_gemeente_page(site_dir, page):
    page.goto((site_dir / "index.html").as_uri())
    page.get_by_label("Gemeente", exact=True).select_option("GM0363")
    page.get_by_role("button", name="Bekijk de cijfers").click()
    page.wait_for_url("**/gemeente/GM0363.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Amsterdam"


def test_selector_without_javascript_ends_on_the_list_and_forwards(site_dir, page):
    page.goto((site_dir / "gemeente" / "index.html").as_uri() + "?gemeente=GM0358")
    page.wait_for_url("**/gemeente/GM0358.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Aalsmeer"


def test_search_from_any_page_goes_to_the_gemeente_or_lists_matches(site_dir, page):
    page.goto((site_dir / "indicator" / "wmo_per_1000.html").as_uri())
    page.get_by_label("Zoek een gemeente of indicator").fill("Amsterdam")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/gemeente/GM0363.html")
    page.get_by_label("Zoek een gemeente of indicator").fill("jeugd")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/zoeken.html?q=jeugd")
    visible = page.locator(".zoeklijst li:visible").all_inner_texts()
    assert any("Jongeren met jeugdzorg" in text for text in visible) and not any("Amsterdam" in t for t in visible)


def test_gemeente_page_draws_charts_and_keeps_secrets_out(site_dir, page):
    page.goto((site_dir / "gemeente" / "GM0363.html").as_uri())
    _wait_for_charts(page, 3)
    assert page.locator("figure.grafiek .downloads button").count() >= 3 * 3
    assert str(SECRET_VALUE) not in page.content() and "42,4" not in page.locator("body").inner_text()
    page.goto((site_dir / "wijken" / "GM0363.html").as_uri())
    secret = page.locator("td.geheim").first
    assert secret.inner_text().startswith(".") and "klein aantal" in secret.text_content()
    assert "klein aantal: 0 tot en met 7 personen" in page.locator("p.noot").first.inner_text()  # visible, no hover
    assert not page.problems, page.problems


def test_chart_data_downloads_as_dutch_csv(site_dir, page):
    page.goto((site_dir / "gemeente" / "GM0358.html").as_uri())
    _wait_for_charts(page, 2)
    figure = page.locator("figure.grafiek", has=page.locator("[data-grafiek='g-wmo_per_1000']"))
    with page.expect_download() as info:
        figure.get_by_role("button", name="CSV (cijfers van deze grafiek)").click()
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert download.suggested_filename == "GM0358-wmo_per_1000.csv"
    assert text.startswith("periode;Aalsmeer;") and "1e halfjaar 2025;39,2" in text
    with page.expect_download() as info:
        figure.get_by_role("button", name="SVG (grafiek als afbeelding)").click()
    assert Path(info.value.path()).read_text(encoding="utf-8").startswith("<svg")


def test_permalink_reproduces_the_chosen_comparison(site_dir, page):
    url = (site_dir / "vergelijk.html").as_uri() + "?gemeenten=GM0358,GM0363&indicator=wmo_per_1000"
    page.goto(url)
    _wait_for_charts(page)
    chosen = lambda: page.locator("ul.gekozen li").all_inner_texts()  # noqa: E731
    assert [t.split(" ")[0] for t in chosen()] == ["Aalsmeer", "Amsterdam"]
    assert page.get_by_label("Indicator", exact=True).input_value() == "wmo_per_1000"
    assert page.locator(".vergelijk table thead th").all_inner_texts() == ["Periode", "Aalsmeer", "Amsterdam"]
    # Change the selection in the page: the address follows, and opening it again shows the same.
    page.get_by_role("button", name="Verwijder Aalsmeer").click()
    page.get_by_label("Indicator", exact=True).select_option("jeugd_pct")
    query = parse_qs(urlsplit(page.url).query)
    assert query["gemeenten"] == ["GM0363"] and query["indicator"] == ["jeugd_pct"]
    link = page.get_by_label("Link naar deze vergelijking").input_value()
    assert link == page.url
    other = page.context.new_page()
    other.goto(link)
    other.wait_for_function("document.querySelectorAll('.vergelijk table thead th').length == 2")
    assert other.locator(".vergelijk table thead th").all_inner_texts() == ["Periode", "Amsterdam"]
    assert other.get_by_label("Indicator", exact=True).input_value() == "jeugd_pct"
    embed = other.get_by_label("Code om in te sluiten").input_value()
    assert embed.startswith("<iframe") and "insluiten=1" in embed
    assert not page.problems, page.problems


def test_gemeente_page_compares_with_its_peers_and_adds_a_gemeente(site_dir, page):
    page.goto((site_dir / "gemeente" / "GM0358.html").as_uri())
    _wait_for_charts(page, 2)
    page.get_by_label("Gemeente toevoegen").fill("Amsterdam")
    page.get_by_role("button", name="Toevoegen").click()
    assert "GM0363" in parse_qs(urlsplit(page.url).query)["vergelijk"][0]
    assert "Amsterdam" in page.locator(".vergelijk table thead").inner_text()


def test_wijk_table_sorts_with_the_header_buttons(site_dir, page):
    page.goto((site_dir / "wijken" / "GM0358.html").as_uri())
    table = page.locator("table.sorteerbaar").first
    names = lambda: table.locator("tbody th").all_inner_texts()  # noqa: E731
    assert names() == ["Aalsmeer-Centrum", "Kudelstaart"]
    button = table.get_by_role("button", name="Wijk")
    button.click()
    button.click()
    assert names() == ["Kudelstaart", "Aalsmeer-Centrum"]
    assert table.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"


def test_indicator_page_shows_all_gemeenten(site_dir, page):
    page.goto((site_dir / "indicator" / "jeugd_pct.html").as_uri())
    _wait_for_charts(page, 2)
    labels = page.locator("[data-grafiek='verdeling'] svg text").all_text_contents()
    assert "Aalsmeer" in labels and "Amsterdam" in labels
    assert not page.problems, page.problems


def test_keyboard_reaches_the_skip_link_search_and_selector(site_dir, page):
    page.goto((site_dir / "index.html").as_uri())
    page.keyboard.press("Tab")
    assert "nl-skip-link" in page.evaluate("() => document.activeElement.className")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Monitor Sociaal Domein"  # the site name
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "zoekterm"
    for _ in range(30):
        if page.evaluate("() => document.activeElement.id") == "gemeente-keuze":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "gemeente-keuze"


def test_served_over_http_requests_stay_on_the_server(server, page):
    page.goto(server + "index.html")
    page.get_by_label("Gemeente", exact=True).select_option("GM0358")
    page.get_by_role("button", name="Bekijk de cijfers").click()
    page.wait_for_url(server + "gemeente/GM0358.html")
    _wait_for_charts(page, 2)
    page.goto(server + "releases.html")
    assert page.get_by_role("heading", level=1).inner_text() == "Releases"
    assert not page.problems, page.problems
    assert page.requests and all(url.startswith(server) for url in page.requests), page.requests


@pytest.mark.parametrize("path", ["gemeente/GM0363.html", "indicator/jeugd_pct.html", "index.html",
                                  "vergelijk.html?gemeenten=GM0358,GM0363&indicator=jeugd_pct"])
def test_phone_width_fits(site_dir, browser, path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto((site_dir / path.split("?")[0]).as_uri() + ("?" + path.split("?")[1] if "?" in path else ""))
        _wait_for_charts(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1  # wide tables scroll inside their own box
        too_wide = page.evaluate("""() => [...document.querySelectorAll('.teken svg')]
            .filter(s => s.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length""")
        assert too_wide == 0
        if path.startswith("gemeente/"):
            sticky = page.evaluate("() => getComputedStyle(document.querySelector('table.kern tbody th')).position")
            assert sticky == "sticky"  # the first column stays while the figures scroll
    finally:
        context.close()


@pytest.mark.parametrize("kind", sorted(PAGE_TYPES))
def test_no_serious_accessibility_findings(server, page, kind):
    page.goto(server + PAGE_TYPES[kind])
    if page.locator("[data-grafiek], .vergelijk").count():
        _wait_for_charts(page)
    findings = axe_findings(page)
    assert serious(findings) == [], serious(findings)


def test_the_accessibility_check_finds_a_planted_problem(server, page):
    page.goto(server + "index.html")
    page.evaluate("""() => {
        const form = document.createElement('form');
        form.innerHTML = '<input type="text" id="zonder-label">';
        document.querySelector('main').appendChild(form);
        const img = document.createElement('img'); img.src = 'favicon.svg';
        document.querySelector('main').appendChild(img);
    }""")
    ids = {f["id"] for f in serious(axe_findings(page))}
    assert {"label", "image-alt"} <= ids


def _transfer(page, url: str) -> int:
    """Bytes on the wire for loading `url` (headers and bodies, as Chromium's network layer counts)."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    total = []
    session.on("Network.loadingFinished", lambda event: total.append(event["encodedDataLength"]))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    _wait_for_charts(page)
    session.detach()
    return sum(total)


def test_page_weight_first_and_next_visit(tmp_path, browser):
    """A gemeente page with the whole catalogue: ≤ 1,5 MB on the first visit, ≤ 300 kB on the next."""
    out = tmp_path / "site"
    build_site(tables(full_catalogue_indicatoren(wijken=10)), out, generated_at=GENERATED)
    server = make_server(out, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        first = _transfer(page, base + "gemeente/GM0358.html")
        following = _transfer(page, base + "gemeente/GM0363.html")
        assert first <= 1_500_000, first
        assert following <= 300_000, following
    finally:
        context.close()
        server.shutdown()
        server.server_close()
