"""The published site in headless Chromium, from file:// and over HTTP: charts and the map draw, the
compare tool keeps its selection in the URL (a permalink reproduces it), search finds, secrets stay
dots with their reason, keyboard users get around, phones don't overflow, page weights stay low,
axe-core finds no serious or critical WCAG 2.1 AA problem, and nothing is fetched from outside.

Uses the system Chromium (override with GMSD_CHROMIUM); Playwright never downloads a browser.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from playwright.sync_api import expect

from dashboards.serve import make_server
from dashboards.site import build_site
from indicators.catalogus import load_catalogue
from tests.fixtures.accessibility import axe_findings, serious
from tests.fixtures.chromium import DRAWN, requires_chromium
from tests.fixtures.published import (
    GENERATED, RELEASES, REVISIONS, SECRET_VALUE, Declared, benchmark_table, full_catalogue_indicatoren, indicatoren, tables,
)

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
def full_catalogue_site(tmp_path_factory) -> Path:
    """Every catalogue indicator for two gemeenten with ten wijken each."""
    out = tmp_path_factory.mktemp("volledig") / "site"
    build_site(tables(full_catalogue_indicatoren(wijken=10)), out, generated_at=GENERATED)
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
    """Until `count` charts are drawn: a Plotly chart with traces, or the SVG map."""
    page.wait_for_function(f"({DRAWN}) >= {count}", timeout=15_000)


def _chart(page, key: str):
    return page.locator(f"[data-grafiek='{key}']")


def test_home_loads_without_errors_or_outside_requests(site_dir, page):
    page.goto((site_dir / "index.html").as_uri())
    _wait_for_charts(page)  # the map
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == "Monitor Sociaal Domein"
    assert page.locator("ul.kerncijfers li").count() >= 2
    assert page.locator(".teken > svg path").count() >= 342  # every gemeente on the map
    assert page.evaluate("() => typeof window.Plotly") == "undefined"  # a map only: no chart library loaded
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


def test_gemeente_page_draws_plotly_charts_in_dutch_and_keeps_secrets_out(site_dir, page):
    page.goto((site_dir / "gemeente" / "GM0358.html").as_uri())
    _wait_for_charts(page, 3)  # the map and two trend charts
    chart = _chart(page, "g-wmo_per_1000")
    assert "js-plotly-plot" in chart.get_attribute("class")
    assert chart.evaluate("g => g.data.map(t => t.type + ':' + t.y.join('|'))") == [
        "scatter:39.1|39.2", "scatter:48.1|48.1"]  # Aalsmeer, all participating gemeenten together
    assert chart.locator(".scatterlayer .trace").count() == 2
    assert chart.locator(".xtick text").all_text_contents() == ["H2 2024", "H1 2025"]
    assert chart.locator(".legendtext").all_text_contents() == ["Aalsmeer", "alle deelnemende gemeenten (2)"]
    assert "Wmo-cliënten per 1.000 inwoners (per 1.000)" in chart.locator(".gtitle").text_content()
    assert chart.evaluate("g => [g._context.locale, g._fullLayout.separators, g._context.displaylogo]") == ["nl", ",.", False]
    assert chart.locator(".modebar-btn").count() == 1  # only: download the picture
    assert chart.locator(".main-svg").first.get_attribute("role") == "img"
    chart.evaluate("g => Plotly.Fx.hover(g, {xval: 1})")  # hover over the last half-year
    assert "Aalsmeer: 39,2" in chart.locator(".hoverlayer").text_content()  # decimal comma
    assert page.locator("figure.grafiek .downloads button").count() >= 3 * 3
    assert not page.problems, page.problems
    page.goto((site_dir / "gemeente" / "GM0363.html").as_uri())
    _wait_for_charts(page, 3)
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
    assert info.value.suggested_filename == "GM0358-wmo_per_1000.svg"
    svg = Path(info.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "Wmo-cliënten per 1.000 inwoners" in svg and "Bron: Monitor Sociaal Domein" in svg
    with page.expect_download() as info:
        figure.get_by_role("button", name="PNG (grafiek als afbeelding)").click()
    assert info.value.suggested_filename == "GM0358-wmo_per_1000.png"
    png = Path(info.value.path()).read_bytes()
    width = figure.locator(".js-plotly-plot").evaluate("g => g._fullLayout.width")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 2 * width  # sharp: twice the size
    assert not page.problems, page.problems


def test_permalink_reproduces_the_chosen_comparison(site_dir, page):
    url = (site_dir / "vergelijk.html").as_uri() + "?gemeenten=GM0358,GM0363&indicator=wmo_per_1000"
    page.goto(url)
    _wait_for_charts(page)
    chosen = lambda: page.locator("ul.gekozen li").all_inner_texts()  # noqa: E731
    assert [t.split(" ")[0] for t in chosen()] == ["Aalsmeer", "Amsterdam"]
    assert page.get_by_label("Indicator", exact=True).input_value() == "wmo_per_1000"
    assert page.locator(".vergelijk table thead th").all_inner_texts() == ["Periode", "Aalsmeer", "Amsterdam"]
    lines = lambda: page.locator(".vergelijk .js-plotly-plot").evaluate("g => g.data.map(t => t.name)")  # noqa: E731
    assert lines() == ["Aalsmeer", "Amsterdam"]
    # Change the selection in the page: the address follows, and opening it again shows the same.
    page.get_by_role("button", name="Verwijder Aalsmeer").click()
    page.get_by_label("Indicator", exact=True).select_option("jeugd_pct")
    page.wait_for_function("document.querySelector('.vergelijk .js-plotly-plot').data.length == 1")
    assert lines() == ["Amsterdam"]
    assert "Jongeren met jeugdzorg" in page.locator(".vergelijk .gtitle").text_content()  # the chart was redrawn
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


def test_trend_chart_draws_band_median_total_trend_break_and_a_gap(tmp_path, page):
    """A secret half-year is a gap in the gemeente's line; the group's P25–P75 band, its median, all
    gemeenten together and a trend break (line and label) are drawn."""
    df = indicatoren()
    later = [df.assign(periode=p, teller=df["teller"] + 5 * (i + 1), release=f"{p}-r1") for i, p in enumerate(("2025-H2", "2026-H1"))]
    df = pd.concat([df, *later], ignore_index=True)
    secret = (df["indicator_id"] == "jeugd_pct") & (df["periode"] == "2025-H1") & (df["regio_code"] == "GM0358")
    df.loc[secret, ["waarde", "geheim", "geheim_reden"]] = [float("nan"), True, "klein aantal"]
    bench = benchmark_table(df)
    bench.loc[bench["groep_soort"] == "vergelijkbaar", ["groep_mediaan", "groep_p25", "groep_p75", "groep_aantal"]] = [12.5, 11.0, 14.0, 6]
    catalogue = [Declared(i, kanttekeningen=(SimpleNamespace(periode="2025-H2", soort="trendbreuk", tekst="Nieuwe definitie."),))
                 if i.id == "jeugd_pct" else i for i in load_catalogue()]
    build_site({"indicatoren": df, "benchmark": bench}, tmp_path / "site", generated_at=GENERATED, catalogue=catalogue)
    page.goto((tmp_path / "site" / "gemeente" / "GM0358.html").as_uri())
    _wait_for_charts(page, 3)
    chart = _chart(page, "g-jeugd_pct")
    assert chart.locator(".xtick text").all_text_contents() == ["H2 2024", "H1 2025", "H2 2025", "H1 2026"]
    names = chart.locator(".legendtext").all_text_contents()  # in the legend's order
    assert names[0] == "Aalsmeer" and names[1].endswith("(mediaan)") and "P25–P75" in names[2]
    assert names[3] == "alle deelnemende gemeenten (2)"
    own = chart.locator(".scatterlayer .trace").nth(chart.evaluate("g => g.data.findIndex(t => t.name === 'Aalsmeer')"))
    assert own.locator(".point").count() == 3  # four half-years, one secret
    segments = [path.get_attribute("d").count("L") for path in own.locator(".js-line").all()]
    assert segments == [0, 1]  # a lone point before the gap, one line after it; nothing drawn across it
    assert chart.locator(".scatterlayer .js-fill").count() >= 1  # the band
    assert chart.locator(".shapelayer path").count() == 1 and chart.locator(".annotation-text").text_content() == "trendbreuk"
    assert not page.problems, page.problems


def test_counts_are_drawn_per_1000_inwoners_beside_all_gemeenten(full_catalogue_site, page):
    page.goto((full_catalogue_site / "gemeente" / "GM0358.html").as_uri())
    _wait_for_charts(page, 10)
    bars = _chart(page, "g-instroom-per-1000")
    bars.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector(\"[data-grafiek='g-instroom-per-1000'] .barlayer .trace\")")
    assert bars.locator(".barlayer .trace").count() == 2  # Aalsmeer and all participating gemeenten
    assert bars.locator(".bartext").all_text_contents()[:3] == ["3,2", "3,2", "3,2"]  # 105 / 33.279 inwoners × 1.000
    assert "per 1.000 inwoners" in bars.locator(".gtitle").text_content()
    assert not page.problems, page.problems


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
    labels = _chart(page, "verdeling").evaluate("""g => [...g.querySelectorAll('.ytick text')]
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map(t => t.textContent)""")
    assert labels == ["Aalsmeer", "Amsterdam"]  # highest (13,7 %) on top
    assert _chart(page, "verdeling").locator(".scatterlayer .point").count() == 2
    assert not page.problems, page.problems
    _chart(page, "verdeling").scroll_into_view_if_needed()
    dot = _chart(page, "verdeling").locator(".scatterlayer .point").first.bounding_box()  # Aalsmeer's dot
    page.mouse.move(dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2, steps=3)
    expect(_chart(page, "verdeling").locator(".hoverlayer")).to_have_text("Aalsmeer: 13,7 %")
    page.mouse.click(dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2)  # leads to the gemeente
    page.wait_for_url("**/gemeente/GM0358.html")


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
        # No clipped axis, title or legend: every text of a Plotly chart lies inside its chart.
        clipped = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(g => {
            const box = g.getBoundingClientRect();
            return [...g.querySelectorAll('.main-svg:first-of-type text')].filter(t => t.textContent.trim()).filter(t => {
                const r = t.getBoundingClientRect();
                return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1;
            }).map(t => g.getAttribute('data-grafiek') + ': ' + t.textContent); })""")
        assert clipped == []
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


def test_page_weight_first_and_next_visit(full_catalogue_site, browser):
    """A gemeente page with the whole catalogue: ≤ 1,5 MB on the first visit, ≤ 300 kB on the next."""
    server = make_server(full_catalogue_site, port=0)
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
