"""The dashboard site: pages per consenting gemeente and indicator, honest comparisons, secrets
explained, offline, light, atomic. Built from publish.benchmark as production makes it."""

from __future__ import annotations

import gc
import json
import math
import re
import shutil
import threading
import urllib.error
import urllib.request
from datetime import datetime
from types import SimpleNamespace

import pandas as pd
import pytest

from clearinghouse.privacy_audit import VENDOR_FILES, Needles, elfproef, scan
from dashboards import kaart
from dashboards.data import InputError, _lists, pooled, prepare
from dashboards.downloads import archive_releases
from dashboards.links import broken_links
from dashboards.serve import make_server
from dashboards.render import PLOTLY_SCRIPTS
from dashboards.site import VENDOR, build_site
from indicators.catalogus import load_catalogue
from tests.fixtures.published import (
    GENERATED, RELEASES, REVISIONS, SECRET_VALUE, Declared, benchmark_table, full_catalogue_indicatoren, indicatoren, tables,
)
from vocabulary.formatting import fmt_count, fmt_datetime, fmt_number, fmt_periode, fmt_waarde


@pytest.fixture()
def site(tmp_path):
    return build_site(tables(), tmp_path / "publicatie" / "site", generated_at=GENERATED)


@pytest.fixture()
def full_site(tmp_path):
    """Every optional input: peer groups, releases, revisions, downloads with an archive, quality docs."""
    docs = tmp_path / "gx"
    (docs / "validations").mkdir(parents=True)
    (docs / "static" / "fonts").mkdir(parents=True)
    (docs / "static" / "fonts" / "groot.otf").write_bytes(b"x" * 1000)
    (docs / "index.html").write_text('<html><head><title>Datakwaliteit – gmsd</title><style>body{}</style></head><body>'
                                     '<h1>Datakwaliteit</h1><a href="validations/v.html">v</a></body></html>', encoding="utf-8")
    (docs / "validations" / "v.html").write_text(
        '<html><body><nav>x</nav><h4>Expectation Validation Result</h4><script>alert(1)</script>'
        '<a href="../index.html">terug</a></body></html>', encoding="utf-8")
    downloads = tmp_path / "downloads"
    (downloads / "2024-H2-r1").mkdir(parents=True)
    (downloads / "indicatoren.csv").write_text("indicator_id;periode;waarde\njeugd_pct;2025-H1;13,7\n", encoding="utf-8")
    (downloads / "indicatoren.parquet").write_bytes(b"PAR1 fake")
    (downloads / "2024-H2-r1" / "indicatoren.csv").write_text("indicator_id;periode\n", encoding="utf-8")
    return build_site(tables(releases=RELEASES, revisies=REVISIONS), tmp_path / "site", generated_at=GENERATED,
                      downloads=downloads, quality_docs=docs)


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def all_html(out) -> list:
    return sorted(out.rglob("*.html"))


def chart_specs(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="grafieken">(.*?)</script>', page, re.DOTALL)
    return json.loads(match.group(1)) if match else {}


def test_index_gemeente_indicator_and_wijk_pages(site):
    out = site.out_dir
    assert site.index == out / "index.html" and site.index.exists()
    assert site.gemeenten == ["GM0358", "GM0363"]
    assert sorted(p.name for p in (out / "gemeente").iterdir()) == [
        "GM0358-factsheet.html", "GM0358.html", "GM0363-factsheet.html", "GM0363.html", "index.html"]
    assert sorted(p.name for p in (out / "indicator").iterdir()) == ["jeugd_pct.html", "wmo_per_1000.html"]
    assert sorted(p.name for p in (out / "wijken").iterdir()) == ["GM0358.html", "GM0363.html"]
    assert set(site.pages) == set(all_html(out))
    index = read(site.index)
    assert '<html lang="nl">' in index and "1 september 2025, 14:05" in index and "voorlopig" in index
    assert 'href="indicator/jeugd_pct.html"' in index and 'href="indicator/wmo_per_1000.html"' in index
    assert '<form id="kies-gemeente" action="gemeente/index.html" method="get">' in index
    assert '<option value="GM0358">Aalsmeer</option>' in index and '<option value="GM0363">Amsterdam</option>' in index
    gemeente = read(out / "gemeente" / "GM0363.html")
    assert "<h1>Amsterdam</h1>" in gemeente and "Burgwallen-Oude Zijde" not in gemeente  # wijken: own page
    assert "Burgwallen-Oude Zijde" in read(out / "wijken" / "GM0363.html")
    indicator = read(out / "indicator" / "jeugd_pct.html")
    for text in ("teller / noemer × 100", "CBS Kerncijfers wijken en buurten 2024", "VISD-matrix", "zorg en welzijn",
                 "0 tot en met 7 is geheim", "Aalsmeer", "Amsterdam"):
        assert text in indicator, text


def test_every_page_searches_and_has_one_main_landmark(site):
    for page in site.pages:
        text = read(page)
        assert 'role="search"' in text and 'zoeken.html"' in text, page
        assert text.count("<main") == 1 and "<header" in text and "<footer" in text, page
    zoekindex = read(site.out_dir / "zoekindex.js")
    assert '["GM0358","Aalsmeer"]' in zoekindex and '"jeugd_pct","Jongeren met jeugdzorg"' in zoekindex


def test_headline_is_pooled_and_not_called_nederland_unless_all_take_part(site):
    index = read(site.index)
    # jeugd_pct 2025-H1 pooled over both gemeenten: (1235 + 20005) / 209000 * 100 = 10,2
    assert '<span class="kc-waarde">10,2%</span>' in index
    assert "Alle deelnemende gemeenten (2) in cijfers" in index and "Nederland in cijfers" not in index


def test_absent_gemeente_gets_no_page_and_no_mention(full_site):
    assert not (full_site.out_dir / "gemeente" / "GM0362.html").exists()
    for path in full_site.out_dir.rglob("*"):
        if path.suffix in (".html", ".js") and path.name != "kaart.js":  # the map has every boundary, by name
            text = read(path)
            assert "GM0362" not in text and "Amstelveen" not in text, path


def test_secret_shows_a_dot_with_its_reason_in_text_never_the_value(full_site):
    page = read(full_site.out_dir / "wijken" / "GM0363.html")
    assert '<td class="getal geheim">.<sup aria-hidden="true">k</sup><span class="sr"> geheim: klein aantal</span></td>' in page
    assert "<strong>.k</strong> = klein aantal: 0 tot en met 7 personen" in page  # the footnote under the table
    explained = read(full_site.out_dir / "over-de-cijfers.html")
    assert "aanvullend geheim" in explained and "totaal min de andere onderdelen" in explained
    bundle = full_site.out_dir / "plotly-basic.min.js"  # third-party code, byte for byte the vendored file
    assert bundle.read_bytes() == (VENDOR / "plotly-basic.min.js").read_bytes()
    for path in full_site.out_dir.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".csv") and path != bundle:
            text = read(path)
            assert "42,4" not in text and "42.4" not in text, path
            assert "38,9" not in text and "38.9" not in text, path  # the revision difference of the secret row


def test_plotly_is_vendored_and_loaded_only_where_a_chart_needs_it(full_site):
    out = full_site.out_dir
    assert (out / "plotly-basic.min.js").read_bytes() == (VENDOR / "plotly-basic.min.js").read_bytes()
    assert (VENDOR / "LICENSE-plotly.txt").read_text(encoding="utf-8").startswith("MIT License")
    locale = read(out / "plotly-locale-nl.js")
    assert "window.Plotly.register(module.exports)" in locale and "decimal: ','" in locale and "'maart'" in locale
    assert (out / "grafiek.js").stat().st_size < 20_000 and (out / "kaart.js").stat().st_size < 120_000
    chart_code = ["plotly-basic.min.js", "plotly-locale-nl.js", "grafiek.js", "grafiek-plotly.js"]
    gemeente = read(out / "gemeente" / "GM0358.html")
    scripts = re.findall(r'<script src="\.\./([^"]+)" defer></script>', gemeente)
    assert scripts == ["zoekindex.js", "site.js", *chart_code, "grafiek-kaart.js", "vergelijk.js"]  # in this order
    home = read(out / "index.html")  # only the map: SVG, no Plotly
    assert re.findall(r'<script src="([^"]+)" defer></script>', home) == ["zoekindex.js", "site.js", "grafiek.js", "grafiek-kaart.js"]
    assert re.findall(r'<script src="([^"]+)" defer></script>', read(out / "downloads.html")) == ["zoekindex.js", "site.js"]
    for page in full_site.pages:
        text = read(page).lower()
        assert "cdn" not in text and "https://" not in text and "http://" not in text, page
        assert re.search(r"<script src=[^>]*>", text) is None or all(
            " defer" in tag for tag in re.findall(r"<script src=[^>]*>", text)), page


def test_the_privacy_audit_skips_only_the_vendored_bundle(full_site):
    """Minified code is full of 9-digit numbers: the bundle is skipped for the 11-proef, nothing else is."""
    assert VENDOR_FILES == {PLOTLY_SCRIPTS[0]}
    planted = "111222333"  # passes the 11-proef
    assert elfproef(pd.Series([planted])).all()
    for name in ("plotly-basic.min.js", "grafiek-plotly.js"):
        path = full_site.out_dir / name
        path.write_text(read(path) + f"\n// {planted}\n", encoding="utf-8")
    findings = scan(full_site.out_dir, Needles())
    flagged = {f.path.name for f in findings.findings if f.kind == "11-proef"}
    assert flagged == {"grafiek-plotly.js"}


def test_every_chart_has_a_caption_and_a_table(full_site):
    for page in full_site.pages:
        text = read(page)
        containers = text.count("data-grafiek=")
        if containers:
            assert text.count("<figcaption>") >= containers, page
            assert "<table" in text or 'class="alternatief"' in text, page
            specs = chart_specs(text)
            assert set(re.findall(r'data-grafiek="([^"]+)"', text)) <= set(specs), page


def test_dutch_number_format_in_tables(site):
    aalsmeer = read(site.out_dir / "gemeente" / "GM0358.html")
    # Aalsmeer jeugd_pct 2025-H1: 1235 / 9000 = 13,7 %; wmo 1255 / 32000 * 1000 = 39,2
    assert ">13,7<" in aalsmeer and ">39,2<" in aalsmeer
    assert ">+0,1<" in aalsmeer  # change since 2024-H2 (13,7 - 13,6)
    page = read(site.out_dir / "gemeente" / "GM0363.html")
    assert ">930.000<" in page and ">20.005<" in page  # thousands separator in noemer and teller


def test_group_labels_come_from_the_data_and_members_are_named(tmp_path):
    df = indicatoren()
    bench = benchmark_table(df)
    bench.loc[bench["groep_soort"] == "nederland", "groep_naam"] = "alle deelnemende gemeenten (2)"
    # Aalsmeer compared with a group of similar gemeenten (Amsterdam is not one nationally, but the site shows what the data say).
    similar = bench[(bench["gemeente_code"] == "GM0358") & (bench["groep_soort"] == "provincie")].copy()
    similar[["groep_soort", "groep_code", "groep_naam"]] = ["vergelijkbaar", "VG-GM0358", "Vergelijkbaar met Aalsmeer"]
    bench = pd.concat([bench, similar], ignore_index=True)
    groups = pd.DataFrame([
        ("GM0358", "vergelijkbaar", "VG-GM0358", "Vergelijkbaar met Aalsmeer"),
        ("GM0363", "vergelijkbaar", "VG-GM0358", "Vergelijkbaar met Aalsmeer"),
        ("GM0362", "vergelijkbaar", "VG-GM0358", "Vergelijkbaar met Aalsmeer"),  # no consent: never named
    ], columns=["gemeente_code", "groep_soort", "groep_code", "groep_naam"])
    summary = build_site({"indicatoren": df, "benchmark": bench, "peergroepen": groups}, tmp_path / "site", generated_at=GENERATED)
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    assert "alle deelnemende gemeenten (2)" in page and ">Nederland" not in page
    members = re.search(r"Vergelijkbare gemeenten: <strong>Vergelijkbaar met Aalsmeer</strong></dt>\s*<dd>(.*?)</dd>", page, re.DOTALL)
    assert members and "Amsterdam" in members.group(1) and "Aalsmeer</a>" not in members.group(1)


def test_no_band_without_percentiles_and_no_comparison_below_two(tmp_path):
    df = indicatoren()
    bench = benchmark_table(df)
    vergelijkbaar = bench["groep_soort"] == "vergelijkbaar"
    bench.loc[vergelijkbaar, ["groep_mediaan", "groep_p25", "groep_p75", "groep_aantal"]] = [12.5, None, None, 3]
    same_size = bench[bench["groep_soort"] == "provincie"].copy()  # a size class with one other gemeente
    same_size[["groep_soort", "groep_code", "groep_naam"]] = ["grootteklasse", "GK-X", "gemeenten van dezelfde grootte (1)"]
    bench = pd.concat([bench, same_size], ignore_index=True)
    size = bench["groep_soort"] == "grootteklasse"
    bench.loc[size, ["groep_mediaan", "groep_p25", "groep_p75", "groep_aantal"]] = [9.5, 8.5, 10.5, 1]
    summary = build_site({"indicatoren": df, "benchmark": bench}, tmp_path / "site", generated_at=GENERATED)
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    assert ">12,5</td>" in page and "12,5 (" not in page  # median, no band
    assert "9,5" not in page and "Te weinig gemeenten met een cijfer om mee te vergelijken" in page
    trend = chart_specs(page)["g-jeugd_pct"]
    assert "band" not in trend
    assert [s["rol"] for s in trend["reeksen"]][:2] == ["eigen", "groep"]


def test_band_shown_where_the_data_has_it(tmp_path):
    df = indicatoren()
    bench = benchmark_table(df)
    bench.loc[bench["groep_soort"] == "vergelijkbaar", ["groep_mediaan", "groep_p25", "groep_p75", "groep_aantal"]] = [12.5, 11.0, 14.0, 6]
    summary = build_site({"indicatoren": df, "benchmark": bench}, tmp_path / "site", generated_at=GENERATED)
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    assert "12,5 (11,0–14,0)" in page
    assert chart_specs(page)["g-jeugd_pct"]["band"]["laag"] == [11.0, 11.0]


def test_direction_units_and_caveats(tmp_path):
    catalogue = [
        Declared(i, richting="lager_is_beter", kanttekeningen=(
            SimpleNamespace(periode="2025-H1", soort="trendbreuk", tekst="Nieuwe definitie van jeugdhulp."),))
        if i.id == "jeugd_pct" else Declared(i, richting="hoger_is_beter") if i.id == "wmo_per_1000" else i
        for i in load_catalogue()
    ]
    summary = build_site(tables(), tmp_path / "site", generated_at=GENERATED, catalogue=catalogue)
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    assert 'class="nl-data-badge richting lager_is_beter">Lager is beter</span>' in page
    assert "procentpunten" in page  # a change of a percentage
    assert '+0,1 <span class="oordeel gunstig">gunstig</span>' in page  # Wmo +0,1 where higher is better
    assert "Trendbreuk (1e halfjaar 2025):</strong> Nieuwe definitie van jeugdhulp." in page
    assert chart_specs(page)["g-jeugd_pct"]["breuken"] == [{"x": 1, "tekst": "Nieuwe definitie van jeugdhulp."}]
    indicator = read(summary.out_dir / "indicator" / "jeugd_pct.html")
    assert "Lager is beter" in indicator and "Nieuwe definitie van jeugdhulp." in indicator


def test_published_catalogue_texts_win(tmp_path):
    catalogus = pd.DataFrame([{"id": "wmo_per_1000", "titel": "x", "eenheid": "per_1000", "richting": "neutraal",
                               "definitie": "Inwoners met een Wmo-maatwerkvoorziening, per 1.000 inwoners.",
                               "teller": "t", "noemer": "n", "bron": "Gemeenten; CBS", "matrixcel": "zorg"}])
    summary = build_site(tables(indicatoren_catalogus=catalogus), tmp_path / "site", generated_at=GENERATED)
    page = read(summary.out_dir / "indicator" / "wmo_per_1000.html")
    assert "Hoger is niet beter of slechter" in page and "Inwoners met een Wmo-maatwerkvoorziening" in page
    assert "<dd>Gemeenten; CBS</dd>" in page


def test_counts_are_whole_numbers_and_compared_per_1000_inwoners(tmp_path):
    df = full_catalogue_indicatoren(wijken=2)
    summary = build_site(tables(df), tmp_path / "site", generated_at=GENERATED)
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    block = page[page.index('id="instroom"'):page.index('id="uitstroom"')]
    assert re.search(r'<td class="getal">1\d\d</td>', block) and not re.search(r">1\d\d,\d<", block)
    # Aalsmeer 2025-H1: 105 gestarte jeugdtrajecten / 33.279 inwoners (CBS) × 1.000 = 3,2; both gemeenten
    # together: 210 / (33.279 + 931.298) × 1.000 = 0,2 (publish.benchmark, eenheid per_1000).
    assert "Kerncijfers Instroom: gestarte trajecten (aantal en per 1.000 inwoners)" in block
    row = re.search(r'<th scope="row">Jeugd<br><span class="toelichting">per 1.000 inwoners</span></th>(.*?)</tr>', block).group(1)
    assert row.startswith('<td class="getal">3,2</td>') and row.endswith('<td class="getal">0,2</td>')
    assert "Een aantal wordt per 1.000 inwoners vergeleken" in block  # the group cells of the count itself
    bars = chart_specs(page)["g-instroom-per-1000"]
    assert bars["soort"] == "staven" and bars["eenheid"] == "per 1.000 inwoners" and bars["categorieen"][0] == "Jeugd"
    assert [(r["rol"], r["w"][0]) for r in bars["reeksen"]] == [("eigen", 3.2), ("totaal", 0.2)]
    assert "Instroom: gestarte trajecten (per 1.000 inwoners), 1e halfjaar 2025" == bars["titel"]
    factsheet = read(summary.out_dir / "gemeente" / "GM0358-factsheet.html")
    assert "Instroom: gestarte trajecten: Jeugd <span class=\"eenheid\">(per 1.000 inwoners;" in factsheet
    indicator = read(summary.out_dir / "indicator" / "instroom_jeugd.html")
    verdeling = chart_specs(indicator)["verdeling"]
    assert verdeling["eenheid"] == "per 1.000 inwoners" and verdeling["namen"] == ["Aalsmeer", "Amsterdam"]
    assert verdeling["w"] == [3.2, 0.1] and verdeling["lijnen"] == [{"naam": "alle deelnemende gemeenten (2)", "w": 0.2}]
    assert chart_specs(indicator)["totaal"]["reeksen"][0]["w"][-1] == 0.2
    assert '<button type="button" class="sorteer">Per 1.000 inwoners</button>' in indicator


def test_a_count_on_its_own_gets_a_trend_per_1000_inwoners(tmp_path):
    catalogue = [Declared(i, reeks=None) if i.id == "instroom_jeugd" else i for i in load_catalogue()]
    summary = build_site(tables(full_catalogue_indicatoren(wijken=2)), tmp_path / "site", generated_at=GENERATED, catalogue=catalogue)
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    specs = chart_specs(page)
    assert specs["g-instroom_jeugd"]["reeksen"][0]["w"] == [100.0, 105.0]  # the count itself, per half-year
    trend = specs["g-instroom_jeugd-per-1000"]
    assert trend["soort"] == "trend" and trend["titel"] == "Instroom jeugd (per 1.000 inwoners)"
    assert [(r["rol"], r["w"]) for r in trend["reeksen"]] == [("eigen", [3.0, 3.2]), ("totaal", [0.2, 0.2])]
    block = page[page.index('id="instroom_jeugd"'):]
    assert "Aalsmeer (per 1.000 inwoners)</th>" in block  # the table under the charts has the same figures


def test_counts_without_a_comparison_per_inwoners_say_so(tmp_path):
    df = full_catalogue_indicatoren(wijken=2)
    bench = benchmark_table(df)
    bench = bench[~bench["indicator_id"].str.contains("stroom")]  # a benchmark without the counts
    summary = build_site({"indicatoren": df, "benchmark": bench}, tmp_path / "site", generated_at=GENERATED)
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    block = page[page.index('id="instroom"'):page.index('id="uitstroom"')]
    assert "Aantallen worden niet met andere gemeenten vergeleken" in block and "per 1.000 inwoners</span></th>" not in block
    assert "g-instroom-per-1000" not in chart_specs(page) and "g-instroom" in chart_specs(page)
    indicator = read(summary.out_dir / "indicator" / "instroom_jeugd.html")
    assert "wordt daarom niet met andere gemeenten vergeleken" in indicator and "totaal" not in chart_specs(indicator)


def test_indicator_secret_everywhere_says_so(tmp_path):
    df = indicatoren()
    jeugd = df["indicator_id"] == "jeugd_pct"
    df.loc[jeugd, ["waarde", "geheim", "geheim_reden"]] = [float("nan"), True, "noemer te klein"]
    summary = build_site(tables(df), tmp_path / "site", generated_at=GENERATED)
    indicator = read(summary.out_dir / "indicator" / "jeugd_pct.html")
    assert "bij elke gemeente geheim of niet geleverd" in indicator and "data-grafiek=" not in indicator
    gemeente = read(summary.out_dir / "gemeente" / "GM0358.html")
    assert "‘Jongeren met jeugdzorg’ zijn geheim of niet geleverd; daarom is er geen grafiek" in gemeente
    assert "g-jeugd_pct" not in chart_specs(gemeente)


def test_map_of_all_gemeenten_with_own_and_peers_outlined(site):
    data = kaart.paths()
    assert len(data["gemeenten"]) == 342 and data["gemeenten"]["GM0363"]["d"].startswith("M")
    page = read(site.out_dir / "gemeente" / "GM0358.html")
    spec = chart_specs(page)["kaart"]
    assert spec["eigen"] == "GM0358" and spec["indicator"] == "jeugd_pct"
    assert "Grenzen: CBS/Kadaster, CC BY 4.0" in page
    values = read(site.out_dir / "data" / "jeugd_pct.js")
    assert '"GM0363":[10.0,10.0]' in values  # Amsterdam 2024-H2, 2025-H1


def test_indicator_data_file_has_the_reason_not_the_value(tmp_path):
    df = indicatoren()
    secret = (df["indicator_id"] == "jeugd_pct") & (df["periode"] == "2025-H1") & (df["regio_code"] == "GM0358")
    df.loc[secret, ["geheim", "geheim_reden"]] = [True, "aanvullend geheim"]
    summary = build_site(tables(df), tmp_path / "site", generated_at=GENERATED)
    assert '"GM0358":[13.7,"a"]' in read(summary.out_dir / "data" / "jeugd_pct.js")


def test_compare_tool_and_permalinks(site):
    page = read(site.out_dir / "gemeente" / "GM0358.html")
    assert 'class="vergelijk" data-gemeenten="GM0358' in page
    assert 'href="../vergelijk.html?gemeenten=GM0358' in page
    assert 'data-param="gemeenten"' in read(site.out_dir / "vergelijk.html")


def test_wijken_standing_out_are_marked_and_tables_sortable(tmp_path):
    df = indicatoren()
    planted = (df["indicator_id"] == "jeugd_pct") & (df["periode"] == "2025-H1") & (df["regio_code"] == "WK035802")
    df.loc[planted, ["teller", "waarde"]] = [2100.0, 30.0]  # far above Aalsmeer's 13,7
    summary = build_site(tables(df), tmp_path / "site", generated_at=GENERATED)
    page = read(summary.out_dir / "wijken" / "GM0358.html")
    assert "▲ 30,0" in page and "(opvallend hoger dan Aalsmeer)" in page
    assert '<button type="button" class="sorteer">Wijk</button>' in page and 'class="sorteerbaar"' in page


def test_not_delivered_is_said_so(tmp_path):
    df = indicatoren()
    df = df[~((df["gemeente_code"] == "GM0358") & (df["indicator_id"] == "wmo_per_1000") & (df["periode"] == "2024-H2"))]
    summary = build_site(tables(df), tmp_path / "site", generated_at=GENERATED)
    assert ">niet geleverd</td>" in read(summary.out_dir / "gemeente" / "GM0358.html")


def test_only_indicators_in_the_data_appear(site):
    assert not (site.out_dir / "indicator" / "resultaat_jeugd_pct.html").exists()  # facultatief, not delivered
    for page in site.pages:
        assert "Doel behaald" not in read(page)


def test_releases_page_local_time_revisions_and_archive(full_site):
    page = read(full_site.out_dir / "releases.html")
    assert "1 maart 2025, 10:00" in page  # 09:00 UTC is 10:00 in Amsterdam (winter time)
    assert "1 september 2025, 14:05" in page  # 12:05 UTC, summer time
    assert 'id="release-2024-H2-r2"' in page and "nader voorlopig" in page
    assert "Aalsmeer" in page and ">36,1<" in page and ">39,1<" in page and ">+3,0<" in page
    assert "Burgwallen-Oude Zijde" in page and ">3,5<" in page  # the old value was published
    assert 'href="downloads/2024-H2-r1/indicatoren.csv"' in page
    assert (full_site.out_dir / "downloads" / "2024-H2-r1" / "indicatoren.csv").exists()


def test_downloads_are_copied_and_listed(full_site):
    out = full_site.out_dir
    assert read(out / "downloads" / "indicatoren.csv").startswith("indicator_id;")
    assert (out / "downloads" / "indicatoren.parquet").read_bytes() == b"PAR1 fake"
    page = read(out / "downloads.html")
    assert 'href="downloads/indicatoren.csv"' in page and 'href="downloads/indicatoren.parquet"' in page
    assert "puntkomma" in page and "Parquet" in page


def test_missing_downloads_fail_and_keep_the_old_site(tmp_path):
    out = tmp_path / "site"
    build_site(tables(), out, generated_at=GENERATED)
    before = read(out / "index.html")
    with pytest.raises(ValueError, match="bestaat niet"):
        build_site(tables(), out, downloads=tmp_path / "weg")
    assert read(out / "index.html") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_quality_docs_wrapped_in_the_site_without_gx_assets(full_site, site):
    out = full_site.out_dir
    assert not (out / "kwaliteit" / "static").exists()
    wrapped = read(out / "kwaliteit" / "validations" / "v.html")
    assert "Hoofdmenu" in wrapped and "Resultaat van de controle" in wrapped and "alert(1)" not in wrapped
    assert wrapped.count("<main") == 1 and 'href="../../style.css"' in wrapped
    assert 'aria-label="Navigatie van het kwaliteitsrapport"' in wrapped
    assert 'href="kwaliteit/index.html"' in read(out / "datakwaliteit.html")
    without = read(site.out_dir / "datakwaliteit.html")
    assert "geen kwaliteitsrapport beschikbaar" in without and "kwaliteit/index.html" not in without


def test_the_quality_pages_speak_dutch_but_keep_the_products_name():
    from dashboards.kwaliteit import body_of

    title, body = body_of("<html><head><title>Expectation Suite – gmsd</title></head><body><p>Gecontroleerd met Great "
                          "Expectations.</p><h4>Expectation Validation Result</h4><td>Great Expectations Version</td></body></html>")
    assert title == "Verzameling controles"
    assert "met Great Expectations." in body and "Resultaat van de controle" in body and "Versie van Great Expectations" in body
    assert "Great Controles" not in body


def test_no_broken_links_and_a_planted_one_is_found(full_site):
    out = full_site.out_dir
    assert broken_links(out) == []
    page = out / "gemeente" / "GM0358.html"
    page.write_text(read(page).replace("</main>", '<a href="../indicator/bestaat_niet.html#kop">x</a>'
                                                   '<img src="plaatje.png"><a href="#ergens">y</a></main>'))
    assert broken_links(out) == [
        "gemeente/GM0358.html: ../indicator/bestaat_niet.html#kop",
        "gemeente/GM0358.html: plaatje.png",
    ]


def test_broken_links_outside_the_site_count(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "buiten.html").write_text("x")
    (tmp_path / "site" / "index.html").write_text('<a href="../buiten.html">b</a><a href="mailto:a@b.nl">m</a>')
    assert broken_links(tmp_path / "site") == ["index.html: ../buiten.html"]


def test_pages_stay_light_with_the_full_catalogue(tmp_path):
    df = full_catalogue_indicatoren(wijken=10)
    assert df["indicator_id"].nunique() == len(load_catalogue()) == 40
    summary = build_site(tables(df), tmp_path / "site", generated_at=GENERATED)
    sizes = {page.relative_to(summary.out_dir).as_posix(): page.stat().st_size for page in summary.pages}
    assert sizes["gemeente/GM0358.html"] < 300_000, sorted(sizes.items(), key=lambda item: -item[1])[:3]
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    # A reeks is one block: the seven stapeling categories share one chart.
    assert page.count("data-grafiek=") < 30
    assert 'id="stapeling_combinatie_pct"' in page and "Jeugd, Wmo en participatie" in page
    assert '<th scope="row">2025</th>' in page  # the year figure is listed in the trend tables
    assert broken_links(summary.out_dir) == []


def test_the_benchmark_table_is_required(tmp_path):
    with pytest.raises(InputError, match="publish.benchmark"):
        build_site({"indicatoren": indicatoren()}, tmp_path / "site")
    bench = benchmark_table(indicatoren()).drop(columns="groep_naam")
    with pytest.raises(InputError, match="groep_naam"):
        build_site({"indicatoren": indicatoren(), "benchmark": bench}, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_pooled_figure_uses_published_gemeente_rows_only():
    bench = pooled(prepare(indicatoren())).set_index(["indicator_id", "periode"])
    row = bench.loc[("jeugd_pct", "2025-H1")]
    assert row["teller"] == 1235 + 20005 and row["noemer"] == 9000 + 200000 and row["gemeenten"] == 2
    assert row["waarde"] == round((1235 + 20005) / 209000 * 100, 1)


def test_failed_build_keeps_the_old_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    build_site(tables(), out, generated_at=GENERATED)
    before = read(out / "index.html")

    def broken(*args, **kwargs):
        raise RuntimeError("grafiek kapot")

    monkeypatch.setattr("dashboards.charts.trend", broken)
    with pytest.raises(RuntimeError, match="grafiek kapot"):
        build_site(tables(), out, generated_at=datetime(2026, 1, 1))
    assert read(out / "index.html") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temp or backup folders left


def test_rebuild_replaces_the_site(tmp_path):
    out = tmp_path / "site"
    build_site(tables(), out, generated_at=GENERATED)
    (out / "gemeente" / "GM9999.html").write_text("verouderd")
    only_amsterdam = indicatoren().query("gemeente_code == 'GM0363'")
    summary = build_site(tables(only_amsterdam), out, generated_at=GENERATED)
    assert summary.gemeenten == ["GM0363"]
    assert sorted(p.name for p in (out / "gemeente").iterdir()) == ["GM0363-factsheet.html", "GM0363.html", "index.html"]
    assert "Aalsmeer" not in read(out / "index.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_empty_table_is_refused_and_old_site_kept(tmp_path):
    out = tmp_path / "site"
    build_site(tables(), out, generated_at=GENERATED)
    with pytest.raises(ValueError, match="niets om te publiceren"):
        build_site({"indicatoren": indicatoren().iloc[0:0], "benchmark": benchmark_table(indicatoren())}, out)
    assert (out / "index.html").exists() and "voorlopig" in read(out / "index.html")


def test_factsheet_is_printable(site):
    page = read(site.out_dir / "gemeente" / "GM0358-factsheet.html")
    assert "Aalsmeer in cijfers" in page and 'class="factsheet"' in page and "data-print" in page
    assert "Jongeren met jeugdzorg" in page and "Wmo-cliënten" in page
    css = read(site.out_dir / "style.css")
    assert "@page { size: A4 portrait" in css and ".nl-skip-link{" in css


def test_serve_serves_the_folder_only(site):
    server = make_server(site.out_dir, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with urllib.request.urlopen(base + "index.html") as response:
            assert response.status == 200 and "Monitor Sociaal Domein" in response.read().decode("utf-8")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(base + "../../etc/passwd")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(base + "bestaat-niet.html")
    finally:
        server.shutdown()
        server.server_close()


def test_serve_refuses_a_folder_without_a_site(tmp_path):
    with pytest.raises(FileNotFoundError, match="Geen site"):
        make_server(tmp_path, port=0)


def test_fmt_number():
    assert fmt_number(12.34, 1) == "12,3"
    assert fmt_number(1234567.891, 1) == "1.234.567,9"
    assert fmt_number(930000, 0) == "930.000"
    assert fmt_number(-0.04, 1) == "0,0"
    assert fmt_number(-1500.5, 1) == "-1.500,5"
    assert fmt_number(None) == "." and fmt_number(float("nan")) == "." and fmt_number(pd.NA) == "."
    assert fmt_number(math.inf) == "."
    assert fmt_count(1250.0) == "1.250" and fmt_count(float("nan")) == "."


def test_fmt_waarde_dates_and_periodes():
    assert fmt_waarde({"waarde": 12.34, "geheim": True}) == "."
    assert fmt_waarde(pd.Series({"waarde": 1001.0, "geheim": False})) == "1.001,0"
    assert fmt_datetime(datetime(2026, 11, 1, 9, 7)) == "1 november 2026, 09:07"
    assert fmt_periode("2025-H1") == "1e halfjaar 2025" and fmt_periode("2024") == "2024"


def test_release_archive_from_the_immutable_release_folders(tmp_path):
    releases = tmp_path / "releases"
    for release_id in ("2024-H2-r1", "2025-H1-r1"):
        (releases / release_id).mkdir(parents=True)
        (releases / release_id / "release.json").write_text("{}", encoding="utf-8")
        indicatoren().assign(release=release_id).to_parquet(releases / release_id / "indicatoren.parquet")
    folder = tmp_path / "downloads"
    assert archive_releases(releases, folder) == ["2024-H2-r1", "2025-H1-r1"]
    csv = read(folder / "2025-H1-r1" / "indicatoren.csv").lstrip("\ufeff")
    assert csv.startswith("indicator_id;periode;") and ";13,7;" in csv  # Dutch CSV: ';' and decimal comma
    summary = build_site(tables(releases=RELEASES), tmp_path / "site", downloads=folder, generated_at=GENERATED)
    page = read(summary.out_dir / "releases.html")
    assert 'href="downloads/2025-H1-r1/indicatoren.parquet"' in page and 'href="downloads/2024-H2-r1/indicatoren.csv"' in page


def test_a_release_id_given_again_after_a_withdrawal_gets_its_own_archive_csv(tmp_path):
    """The archive's CSV cache was keyed by release id: a release withdrawn after the archive was
    made gave its id to the next one, whose archive then served the withdrawn figures."""
    releases, cache = tmp_path / "releases", tmp_path / "cache"
    release = releases / "2025-H1-r1"

    def make(value: float, made_at: str) -> None:
        release.mkdir(parents=True, exist_ok=True)
        (release / "release.json").write_text(f'{{"gepubliceerd_op": "{made_at}"}}', encoding="utf-8")
        indicatoren().assign(release=release.name, waarde=value).to_parquet(release / "indicatoren.parquet")

    make(11.5, "2026-06-01T10:00:00Z")
    archive_releases(releases, tmp_path / "eerst", cache=cache)
    shutil.rmtree(release)  # withdrawn: publishing failed after the archive was made
    make(22.5, "2026-06-02T10:00:00Z")
    archive_releases(releases, tmp_path / "daarna", cache=cache)
    again = read(tmp_path / "daarna" / "2025-H1-r1" / "indicatoren.csv")
    assert ";22,5;" in again and ";11,5;" not in again
    assert len(list(cache.iterdir())) == 1  # the withdrawn release's cache entry is gone
    archive_releases(releases, tmp_path / "weer", cache=cache)  # from the cache, the same bytes
    assert read(tmp_path / "weer" / "2025-H1-r1" / "indicatoren.csv") == again


def test_linked_downloads_give_the_bytes_and_page_of_copied_ones_without_copying(tmp_path):
    """The pipeline hard-links the archive (release files, cached CSVs) and its export folder into
    the site instead of copying some 100 MB per build: the same bytes and downloads page for a reader."""
    releases, cache = tmp_path / "releases", tmp_path / "cache"
    (releases / "2025-H1-r1").mkdir(parents=True)
    (releases / "2025-H1-r1" / "release.json").write_text("{}", encoding="utf-8")
    indicatoren().assign(release="2025-H1-r1").to_parquet(releases / "2025-H1-r1" / "indicatoren.parquet")
    built = {}
    for link in (False, True):
        folder = tmp_path / f"downloads-{link}"
        archive_releases(releases, folder, cache=cache, link=link)
        (folder / "indicatoren.csv").write_text("indicator_id;waarde\nx;1\n", encoding="utf-8")
        summary = build_site(tables(releases=RELEASES), tmp_path / f"site-{link}", downloads=folder, generated_at=GENERATED,
                             link_downloads=link)
        built[link] = summary.out_dir
    files = sorted(p.relative_to(built[False]) for p in (built[False] / "downloads").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(built[True]) for p in (built[True] / "downloads").rglob("*") if p.is_file())
    for name in files:
        assert (built[False] / name).read_bytes() == (built[True] / name).read_bytes()
    for page in ("downloads.html", "releases.html"):
        assert read(built[False] / page) == read(built[True] / page)
    linked = built[True] / "downloads" / "2025-H1-r1"
    assert (linked / "indicatoren.parquet").samefile(releases / "2025-H1-r1" / "indicatoren.parquet")
    assert (linked / "indicatoren.csv").samefile(next(cache.iterdir()) / "indicatoren.csv")
    assert not (built[False] / "downloads" / "2025-H1-r1" / "indicatoren.csv").samefile(next(cache.iterdir()) / "indicatoren.csv")


def test_a_hostile_region_name_is_text_on_every_page_never_markup(tmp_path):
    """Names come from the data. The pages' output escaping is our own fast path (dashboards.render):
    a name that is HTML, or that tries to end a script block, must arrive as text everywhere."""
    hostile = '<img src=x onerror=alert(1)>"\'&</script><script>alert(2)</script>'
    df = indicatoren()
    df.loc[df["regio_code"] == "WK036301", "regio_naam"] = hostile
    out = build_site(tables(df), tmp_path / "site", generated_at=GENERATED).out_dir
    for page in sorted(p for p in out.rglob("*") if p.is_file() and p.suffix in (".html", ".js", ".json")):
        text = read(page)
        assert "<img src=x" not in text and "<script>alert" not in text, page
    escaped = "&lt;img src=x onerror=alert(1)&gt;&#34;&#39;&amp;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;"
    assert escaped in read(out / "wijken" / "GM0363.html")  # the wijk table shows the name, as text


def test_a_release_with_many_revisions_shows_the_largest_and_links_the_rest(tmp_path):
    """A national re-delivery revises ~800 figures; the releases page grew ~300 kB per release. It
    shows SHOWN_REVISIONS rows per release (the largest changes) and links the release's revisies.csv."""
    from dashboards.pages.releases import SHOWN_REVISIONS

    first = REVISIONS.iloc[0].to_dict()  # Aalsmeer, wmo_per_1000, published now
    many = pd.DataFrame([{**first, "waarde_nieuw": 36.1 + (i + 1) / 1000} for i in range(SHOWN_REVISIONS + 40)]
                        + [{**first, "waarde_nieuw": 136.1}])  # the one large change comes last
    downloads = tmp_path / "downloads"
    (downloads / "2024-H2-r2").mkdir(parents=True)
    (downloads / "indicatoren.csv").write_text("indicator_id;periode\n", encoding="utf-8")
    (downloads / "2024-H2-r2" / "revisies.csv").write_text("indicator_id;periode\n", encoding="utf-8")
    summary = build_site(tables(releases=RELEASES, revisies=many), tmp_path / "site", generated_at=GENERATED, downloads=downloads)
    page = read(summary.out_dir / "releases.html")
    section = page[page.index('id="release-2024-H2-r2"'):]
    assert f"Herziene cijfers ({SHOWN_REVISIONS + 41})" in section
    assert section.count("<tr><th scope=\"row\">") == SHOWN_REVISIONS
    assert ">+100,0<" in section  # the largest change is among those shown
    assert "Nog 41 herziene cijfers" in section and 'href="downloads/2024-H2-r2/revisies.csv"' in section


def test_building_the_site_leaves_what_the_command_froze_frozen(tmp_path):
    """`gmsd publish` starts with its libraries frozen (gmsd.start); the site's own freeze for its
    page workers must not hand them back to the garbage collector."""
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        build_site(tables(), tmp_path / "site", generated_at=GENERATED)
        assert before > 0 and gc.get_freeze_count() > 0  # not ≥ before: frozen objects freed since leave the count
    finally:
        gc.unfreeze()


def test_lookup_columns_are_the_cells_with_one_object_per_distinct_text():
    """The site's lookups are built from plain lists of the published columns; the keys repeat in
    every row (13 periodes: ~3 million cells, a few thousand distinct texts), so equal texts must be
    one object, and every cell, empty ones included, what `tolist` gives."""
    frame = pd.DataFrame({
        "periode": pd.Series(["2025-H1", "2025-H2", None, "2025-H1", "2025-H2"] * 3, dtype="str"),
        "reden": pd.Series(["klein", None, "klein", None, "afgeleid"] * 3, dtype="object"),
        "geheim": [True, False, True, False, False] * 3,
        "teller": pd.Series([5, None, 10, 15, None] * 3, dtype="Int64"),
    })
    found = _lists(frame, *frame.columns)
    for column, cells in zip(frame.columns, found):
        expected = frame[column].tolist()
        assert len(cells) == len(expected)
        for cell, want in zip(cells, expected):
            if want is None or want is pd.NA:
                assert cell is want, column
            elif isinstance(want, float) and math.isnan(want):
                assert isinstance(cell, float) and math.isnan(cell), column
            else:
                assert type(cell) is type(want) and cell == want, column
    periodes = found[0]
    assert periodes[0] is periodes[3] is periodes[5] and periodes[1] is periodes[4]  # one object per distinct text


def test_the_site_reads_only_the_rows_it_shows_and_builds_the_same_pages(tmp_path):
    """With 13 periodes nearly nine in ten published rows are wijken of earlier periodes, which no
    page shows: the pipeline does not read them (dashboards.data.shown_rows), and the site is
    byte for byte the one built from the whole table — a revised wijk of an earlier periode included."""
    from indicators.export import published_tables
    from indicators.warehouse import write_warehouse
    from dashboards.data import shown_rows

    revised_wijk = pd.DataFrame([dict(
        indicator_id="jeugd_pct", periode="2024-H2", regio_code="WK035802", regio_naam="Kudelstaart", release_oud="2024-H2-r1",
        release_nieuw="2024-H2-r2", waarde_oud=1.5, waarde_nieuw=2.5, verschil=1.0)])  # fmt: skip
    published = tables(releases=RELEASES, revisies=pd.concat([REVISIONS, revised_wijk], ignore_index=True))
    warehouse = tmp_path / "warehouse.duckdb"
    write_warehouse(warehouse, [(f"publish.{name}", frame) for name, frame in published.items()])
    whole, shown = published_tables(warehouse), published_tables(warehouse, shown_rows)
    old_wijken = (whole["indicatoren"]["regio_niveau"] == "wijk") & (whole["indicatoren"]["periode"] == "2024-H2")
    revised = whole["indicatoren"]["regio_code"].isin(set(published["revisies"]["regio_code"]))
    assert (old_wijken & ~revised).any() and (old_wijken & revised).any()
    expected = whole["indicatoren"][~old_wijken | revised].reset_index(drop=True)  # in the table's order
    pd.testing.assert_frame_equal(shown["indicatoren"], expected, check_exact=True)
    sites = [build_site(frames, tmp_path / name, generated_at=GENERATED).out_dir for name, frames in (("heel", whole), ("getoond", shown))]
    pages = [sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file()) for site in sites]
    assert pages[0] == pages[1] and len(pages[0]) > 20
    assert "Kudelstaart" in (sites[0] / "releases.html").read_text(encoding="utf-8")  # the revision is on the page
    assert [(sites[0] / p).read_bytes() for p in pages[0]] == [(sites[1] / p).read_bytes() for p in pages[1]]
