"""The dashboard site: pages per consenting gemeente and indicator, secrets shown as ".", offline, atomic."""

from __future__ import annotations

import math
import threading
import urllib.error
import urllib.request
from datetime import datetime

import pandas as pd
import pytest

from dashboards import charts
from vocabulary.formatting import fmt_count, fmt_datetime, fmt_number, fmt_periode, fmt_waarde
from dashboards.links import broken_links
from dashboards.site import benchmark, build_site, simple_benchmark
from indicators.catalogus import load_catalogue

GENERATED = datetime(2025, 9, 1, 14, 5)

# (regio_code, niveau, naam, gemeente_code) per indicator and periode
REGIONS = [
    ("GM0358", "gemeente", "Aalsmeer", "GM0358"),
    ("WK035801", "wijk", "Aalsmeer-Centrum", "GM0358"),
    ("WK035802", "wijk", "Kudelstaart", "GM0358"),
    ("GM0363", "gemeente", "Amsterdam", "GM0363"),
    ("WK036301", "wijk", "Burgwallen-Oude Zijde", "GM0363"),
    ("WK036302", "wijk", "Burgwallen-Nieuwe Zijde", "GM0363"),
]
COUNTS = {  # (indicator, periode, regio) -> (teller, noemer)
    "jeugd_pct": {"GM0358": (1230, 9000), "WK035801": (400, 3000), "WK035802": (830, 7000),
                  "GM0363": (20000, 200000), "WK036301": (25, 800), "WK036302": (40, 900)},
    "wmo_per_1000": {"GM0358": (1250, 32000), "WK035801": (500, 12000), "WK035802": (750, 20000),
                     "GM0363": (45000, 930000), "WK036301": (115, 4500), "WK036302": (160, 5200)},
}  # fmt: skip
FACTOR = {"jeugd_pct": 100.0, "wmo_per_1000": 1000.0}
SECRET_VALUE = 42.4  # planted on the secret row: must never reach a page


def indicatoren() -> pd.DataFrame:
    rows = []
    for indicator, counts in COUNTS.items():
        for step, periode in enumerate(("2024-H2", "2025-H1")):
            for code, niveau, naam, gemeente in REGIONS:
                teller, noemer = counts[code]
                teller += 5 * step
                rows.append(
                    dict(indicator_id=indicator, periode=periode, regio_code=code, regio_niveau=niveau,
                         regio_naam=naam, gemeente_code=gemeente, teller=float(teller), noemer=float(noemer),
                         waarde=round(teller / noemer * FACTOR[indicator], 1), geheim=False, geheim_reden=None,
                         eenheid="pct" if indicator == "jeugd_pct" else "per_1000", status="voorlopig",
                         release="2025-09")
                )
    df = pd.DataFrame(rows)
    # One secret wijk cell (small count), with a value left on it by a hypothetical upstream bug.
    secret = (df["indicator_id"] == "jeugd_pct") & (df["periode"] == "2025-H1") & (df["regio_code"] == "WK036301")
    df.loc[secret, ["teller", "waarde", "geheim", "geheim_reden"]] = [float("nan"), SECRET_VALUE, True, "klein aantal"]
    return df


def benchmark_table(df: pd.DataFrame) -> pd.DataFrame:
    """A publish.benchmark-shaped table for `df`, plus rows of a gemeente that did not consent (GM0362)."""
    rows = []
    gemeente = df[df["regio_niveau"] == "gemeente"]
    for (indicator, periode), group in gemeente.groupby(["indicator_id", "periode"]):
        for code in [*group["gemeente_code"], "GM0362"]:
            for soort, naam, (med, p25, p75) in (
                ("nederland", "Nederland (gemeenten in de monitor)", (11.5, 10.5, 12.5)),
                ("vergelijkbaar", "Vergelijkbare gemeenten", (12.5, 11.0, 14.0)),
                ("grootteklasse", "20.000 tot 50.000 inwoners", (9.5, 8.5, 10.5)),
            ):
                rows.append(dict(indicator_id=indicator, periode=periode, gemeente_code=code,
                                 regio_naam="Amstelveen" if code == "GM0362" else code, eenheid="pct",
                                 groep_soort=soort, groep_code=soort[:2].upper(), groep_naam=naam, waarde=1.0,
                                 groep_mediaan=med, groep_p25=p25, groep_p75=p75, groep_waarde=10.6,
                                 groep_aantal=3, rang=1, vorige_periode=None, verandering=None))
    return pd.DataFrame(rows)


RELEASES = pd.DataFrame(
    [
        dict(release_id="2025-03", periode="2024-H2", status="voorlopig", gepubliceerd_op=datetime(2025, 3, 1, 9, 0),
             cijfers=48, herzien=0),
        dict(release_id="2025-09", periode="2025-H1", status="voorlopig", gepubliceerd_op=datetime(2025, 9, 1, 14, 5),
             cijfers=48, herzien=2),
    ]
)
REVISIONS = pd.DataFrame(
    [
        dict(indicator_id="wmo_per_1000", periode="2024-H2", regio_code="GM0358", regio_naam="Aalsmeer",
             release_oud="2025-03", release_nieuw="2025-09", waarde_oud=36.1, waarde_nieuw=39.1, verschil=3.0),
        # Secret now: neither the new value nor the difference may be shown.
        dict(indicator_id="jeugd_pct", periode="2025-H1", regio_code="WK036301", regio_naam="Burgwallen-Oude Zijde",
             release_oud="2025-03", release_nieuw="2025-09", waarde_oud=3.5, waarde_nieuw=SECRET_VALUE, verschil=38.9),
        # A region of a gemeente that did not consent: never shown.
        dict(indicator_id="jeugd_pct", periode="2024-H2", regio_code="GM0362", regio_naam="Amstelveen",
             release_oud="2025-03", release_nieuw="2025-09", waarde_oud=9.0, waarde_nieuw=9.5, verschil=0.5),
    ]
)


@pytest.fixture()
def site(tmp_path):
    out = tmp_path / "publicatie" / "site"
    return build_site(indicatoren(), out, release="2025-09", generated_at=GENERATED)


@pytest.fixture()
def full_site(tmp_path):
    """Every optional input given: benchmark, releases, revisions, downloads, quality docs."""
    docs = tmp_path / "gx"
    (docs / "validations").mkdir(parents=True)
    (docs / "index.html").write_text('<html><body><a href="validations/v.html">v</a></body></html>', encoding="utf-8")
    (docs / "validations" / "v.html").write_text('<html><body><a href="../index.html">terug</a></body></html>')
    csv = tmp_path / "indicatoren.csv"
    csv.write_text("indicator_id;periode;waarde\njeugd_pct;2025-H1;13,7\n", encoding="utf-8")
    parquet = tmp_path / "indicatoren.parquet"
    parquet.write_bytes(b"PAR1 fake")
    df = indicatoren()
    out = tmp_path / "site"
    return build_site(
        df, out, release="2025-09", generated_at=GENERATED, benchmark=benchmark_table(df), releases=RELEASES,
        revisions=REVISIONS, downloads={"Indicatoren (CSV)": csv, "Indicatoren (Parquet)": parquet}, quality_docs=docs,
    )


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def all_html(out) -> list:
    return sorted(out.rglob("*.html"))


def test_index_gemeente_and_indicator_pages(site):
    out = site.out_dir
    assert site.index == out / "index.html" and site.index.exists()
    assert site.gemeenten == ["GM0358", "GM0363"]
    assert sorted(p.name for p in (out / "gemeente").iterdir()) == ["GM0358.html", "GM0363.html", "index.html"]
    assert sorted(p.name for p in (out / "indicator").iterdir()) == ["jeugd_pct.html", "wmo_per_1000.html"]
    expected = {
        site.index, out / "gegevenswoordenboek.html", out / "datakwaliteit.html", out / "downloads.html",
        out / "gemeente" / "index.html", out / "gemeente" / "GM0358.html", out / "gemeente" / "GM0363.html",
        out / "indicator" / "jeugd_pct.html", out / "indicator" / "wmo_per_1000.html",
    }
    assert set(site.pages) == expected and set(all_html(out)) == expected
    assert not (out / "revisies.html").exists()  # no revisions given
    index = read(site.index)
    assert "<title>" in index and "Monitor Sociaal Domein" in index and '<html lang="nl">' in index
    assert "2025-09" in index and "1 september 2025, 14:05" in index and "voorlopig" in index
    assert "geheim" in index and "veelvouden van 5" in index
    assert 'href="indicator/jeugd_pct.html"' in index and 'href="indicator/wmo_per_1000.html"' in index
    # The selector: a plain form that works without JavaScript, one option per published gemeente.
    assert '<form id="kies-gemeente" action="gemeente/index.html" method="get">' in index
    assert '<option value="GM0358">Aalsmeer</option>' in index and '<option value="GM0363">Amsterdam</option>' in index
    assert 'href="GM0363.html"' in read(out / "gemeente" / "index.html")
    gemeente = read(out / "gemeente" / "GM0363.html")
    assert "<h1>Amsterdam</h1>" in gemeente and 'href="index.html"' in gemeente
    assert "Burgwallen-Oude Zijde" in gemeente and "Kudelstaart" not in gemeente
    assert 'class="skip" href="#inhoud"' in gemeente
    indicator = read(out / "indicator" / "jeugd_pct.html")
    for text in ("teller / noemer × 100", "CBS KWB 2024", "clearinghouse", "VISD-matrix", "zorg en welzijn",
                 "doeltreffendheid", "0 tot en met 7 is geheim", "Aalsmeer", "Amsterdam"):
        assert text in indicator, text


def test_national_headline_is_the_pooled_figure(site):
    index = read(site.index)
    # jeugd_pct 2025-H1 pooled over both gemeenten: (1235 + 20005) / 209000 * 100 = 10,2
    assert '<span class="kc-waarde">10,2%</span>' in index


def test_absent_gemeente_gets_no_page_and_no_mention(full_site):
    assert not (full_site.out_dir / "gemeente" / "GM0362.html").exists()
    for page in all_html(full_site.out_dir):
        if "kwaliteit" in page.parts:
            continue
        text = read(page)
        assert "GM0362" not in text and "Amstelveen" not in text, page


def test_secret_rows_show_a_dot_not_their_value(full_site):
    page = read(full_site.out_dir / "gemeente" / "GM0363.html")
    assert '<td class="getal geheim"><abbr title="Geheim: klein aantal">.</abbr></td>' in page
    assert "Een punt (.) betekent geheim" in page  # the footnote under the table
    for path in full_site.out_dir.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".csv") and path.name != "plotly.min.js":
            text = read(path)
            assert "42,4" not in text and "42.4" not in text, path
            assert "38,9" not in text and "38.9" not in text, path  # the revision difference of the secret row


def test_plotly_bundled_once_and_no_cdn(full_site):
    out = full_site.out_dir
    assert list(out.rglob("plotly*.js")) == [out / "plotly.min.js"]
    assert (out / "plotly.min.js").stat().st_size > 1_000_000
    assert (out / "style.css").exists() and (out / "site.js").exists()
    assert '<script src="../plotly.min.js">' in read(out / "gemeente" / "GM0358.html")
    assert '<script src="../plotly.min.js">' in read(out / "indicator" / "jeugd_pct.html")
    assert "plotly.min.js" not in read(out / "index.html")  # the home page has no chart: stays light
    for page in full_site.pages:
        text = read(page).lower()
        assert "cdn" not in text and "https://" not in text and "http://" not in text, page
        if page.parent.name in ("gemeente", "indicator") and page.name != "index.html":
            assert "plotly.newplot" in text, page


def test_every_chart_has_a_text_alternative(full_site):
    for page in full_site.pages:
        text = read(page)
        charts_on_page = text.count('class="plotly-graph-div"')
        if charts_on_page:
            assert text.count("<figcaption>") >= charts_on_page, page
            assert text.count("<table") >= charts_on_page, page


def test_dutch_number_format_in_tables(site):
    aalsmeer = read(site.out_dir / "gemeente" / "GM0358.html")
    # Aalsmeer jeugd_pct 2025-H1: 1235 / 9000 = 13,7 %; wmo 1255 / 32000 * 1000 = 39,2
    assert ">13,7<" in aalsmeer and ">39,2<" in aalsmeer
    assert ">+0,1<" in aalsmeer  # change since 2024-H2 (13,7 - 13,6)
    page = read(site.out_dir / "gemeente" / "GM0363.html")
    assert ">930.000<" in page  # thousands separator in a noemer
    assert ">20.005<" in page


def test_peer_group_bands_and_nederland_from_the_benchmark(full_site):
    page = read(full_site.out_dir / "gemeente" / "GM0358.html")
    assert "12,5 (11,0–14,0)" in page  # vergelijkbare gemeenten: median (P25–P75)
    assert "9,5 (8,5–10,5)" in page  # same size
    assert ">10,6<" in page  # Nederland = groep_waarde of 'nederland'
    indicator = read(full_site.out_dir / "indicator" / "jeugd_pct.html")
    assert "12,5 (11,0–14,0)" in indicator and "Nederland: 10,6" in indicator


def test_wijken_standing_out_are_marked_and_tables_sortable(tmp_path):
    df = indicatoren()
    planted = (df["indicator_id"] == "jeugd_pct") & (df["periode"] == "2025-H1") & (df["regio_code"] == "WK035802")
    df.loc[planted, ["teller", "waarde"]] = [2100.0, 30.0]  # far above Aalsmeer's 13,7
    summary = build_site(df, tmp_path / "site", release="t", generated_at=GENERATED)
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    assert "opvallend hoger" in page and "▲ 30,0" in page and "(opvallend hoger dan Aalsmeer)" in page
    assert '<button type="button" class="sorteer">Wijk</button>' in page
    assert 'class="sorteerbaar"' in page


def test_not_delivered_is_said_so(tmp_path):
    df = indicatoren()
    df = df[~((df["gemeente_code"] == "GM0358") & (df["indicator_id"] == "wmo_per_1000") & (df["periode"] == "2024-H2"))]
    summary = build_site(df, tmp_path / "site", release="t", generated_at=GENERATED)
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    assert ">niet geleverd</td>" in page


def test_only_indicators_in_the_data_appear(site):
    assert not (site.out_dir / "indicator" / "resultaat_jeugd_pct.html").exists()  # facultatief, not delivered
    for page in site.pages:
        assert "Doel behaald" not in read(page)


def test_releases_and_revisions(full_site):
    index = read(full_site.index)
    assert "2025-03" in index and "1 maart 2025, 09:00" in index
    assert 'href="revisies.html#release-2025-09"' in index
    revisies = read(full_site.out_dir / "revisies.html")
    assert 'id="release-2025-09"' in revisies
    assert "Aalsmeer" in revisies and ">36,1<" in revisies and ">39,1<" in revisies and ">+3,0<" in revisies
    assert "Burgwallen-Oude Zijde" in revisies and ">3,5<" in revisies  # the old value was published
    assert 'href="revisies.html"' in index


def test_downloads_are_copied_and_listed(full_site):
    out = full_site.out_dir
    assert read(out / "downloads" / "indicatoren.csv").startswith("indicator_id;")
    assert (out / "downloads" / "indicatoren.parquet").read_bytes() == b"PAR1 fake"
    page = read(out / "downloads.html")
    assert 'href="downloads/indicatoren.csv"' in page and 'href="downloads/indicatoren.parquet"' in page
    assert "Indicatoren (CSV)" in page and "puntkomma" in page and "Parquet" in page


def test_missing_download_fails_and_keeps_the_old_site(tmp_path):
    out = tmp_path / "site"
    build_site(indicatoren(), out, release="oud", generated_at=GENERATED)
    with pytest.raises(ValueError, match="bestaat niet"):
        build_site(indicatoren(), out, release="nieuw", downloads={"x": tmp_path / "weg.csv"})
    assert "oud" in read(out / "index.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_quality_docs_copied_and_linked(full_site, site):
    out = full_site.out_dir
    assert (out / "kwaliteit" / "index.html").exists() and (out / "kwaliteit" / "validations" / "v.html").exists()
    assert 'href="kwaliteit/index.html"' in read(out / "datakwaliteit.html")
    assert 'href="datakwaliteit.html"' in read(out / "index.html")
    without = read(site.out_dir / "datakwaliteit.html")
    assert "geen kwaliteitsrapport beschikbaar" in without and "kwaliteit/index.html" not in without


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


def full_catalogue_indicatoren(wijken: int = 10) -> pd.DataFrame:
    """Every catalogue indicator, two halves and a year, two gemeenten with `wijken` wijken each."""
    rows = []
    gemeenten = {"GM0358": "Aalsmeer", "GM0363": "Amsterdam"}
    for indicator in load_catalogue():
        for step, periode in enumerate(("2024-H2", "2025-H1", "2025")):
            for code, naam in gemeenten.items():
                regions = [(code, "gemeente", naam)]
                if "wijk" in indicator.niveaus:
                    regions += [(f"WK{code[2:]}{i:02d}", "wijk", f"{naam} wijk {i}") for i in range(1, wijken + 1)]
                for n, (regio, niveau, regio_naam) in enumerate(regions):
                    teller, noemer = 100.0 + 5 * n + 5 * step, 1000.0 + 10 * n
                    waarde = teller / noemer * indicator.factor if indicator.noemer is not None else teller
                    secret = n % 7 == 3
                    rows.append(dict(
                        indicator_id=indicator.id, periode=periode, periode_soort="jaar" if periode == "2025" else "halfjaar",
                        regio_code=regio, regio_niveau=niveau, regio_naam=regio_naam, gemeente_code=code,
                        teller=float("nan") if secret else teller, noemer=noemer if indicator.noemer else float("nan"),
                        waarde=float("nan") if secret else round(waarde, 1), geheim=secret,
                        geheim_reden="klein aantal" if secret else None, eenheid=indicator.eenheid,
                        status="voorlopig", release="2025-09"))
    return pd.DataFrame(rows)


def test_pages_stay_light_with_the_full_catalogue(tmp_path):
    df = full_catalogue_indicatoren(wijken=10)
    assert df["indicator_id"].nunique() == len(load_catalogue()) == 40
    summary = build_site(df, tmp_path / "site", release="t", generated_at=GENERATED, benchmark=benchmark_table(df))
    sizes = {page.relative_to(summary.out_dir).as_posix(): page.stat().st_size for page in summary.pages}
    assert max(sizes.values()) < 1_000_000, sorted(sizes.items(), key=lambda item: -item[1])[:3]
    assert sizes["gemeente/GM0358.html"] < 500_000
    page = read(summary.out_dir / "gemeente" / "GM0358.html")
    # A reeks is one block: the seven stapeling categories share one chart and one wijk table.
    assert page.count('class="plotly-graph-div"') < 25
    assert 'id="stapeling_combinatie_pct"' in page and "Jeugd, Wmo en participatie" in page
    assert '<th scope="row">2025</th>' in page  # the year figure is listed in the trend tables
    assert broken_links(summary.out_dir) == []


def test_simple_benchmark_without_a_benchmark_table():
    df = indicatoren()
    df["geheim"] = df["geheim"].astype(bool)
    bench = simple_benchmark(df, FACTOR)
    assert set(bench["groep_soort"]) == {"nederland"}
    row = bench[(bench["indicator_id"] == "jeugd_pct") & (bench["periode"] == "2025-H1")].iloc[0]
    assert row["groep_waarde"] == round((1235 + 20005) / 209000 * 100, 1)
    assert row["groep_mediaan"] == round((13.7 + 10.0) / 2, 1)


def test_benchmark_is_pooled_over_published_gemeente_rows():
    df = indicatoren()
    df["geheim"] = df["geheim"].astype(bool)
    bench = benchmark(df, FACTOR).set_index(["indicator_id", "periode"])
    row = bench.loc[("jeugd_pct", "2025-H1")]
    assert row["teller"] == 1235 + 20005 and row["noemer"] == 9000 + 200000 and row["gemeenten"] == 2
    assert row["waarde"] == round((1235 + 20005) / 209000 * 100, 1)


def test_failed_build_keeps_the_old_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    build_site(indicatoren(), out, release="oud", generated_at=GENERATED)
    before = read(out / "index.html")

    def broken(*args, **kwargs):
        raise RuntimeError("grafiek kapot")

    monkeypatch.setattr(charts, "trend_lines", broken)
    with pytest.raises(RuntimeError, match="grafiek kapot"):
        build_site(indicatoren(), out, release="nieuw", generated_at=GENERATED)
    assert read(out / "index.html") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no temp or backup folders left


def test_rebuild_replaces_the_site(tmp_path):
    out = tmp_path / "site"
    build_site(indicatoren(), out, release="oud", generated_at=GENERATED)
    (out / "gemeente" / "GM9999.html").write_text("verouderd")
    only_amsterdam = indicatoren().query("gemeente_code == 'GM0363'")
    summary = build_site(only_amsterdam, out, release="nieuw", generated_at=GENERATED)
    assert summary.gemeenten == ["GM0363"]
    assert sorted(p.name for p in (out / "gemeente").iterdir()) == ["GM0363.html", "index.html"]
    assert "Aalsmeer" not in read(out / "index.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_empty_table_is_refused_and_old_site_kept(tmp_path):
    out = tmp_path / "site"
    build_site(indicatoren(), out, release="oud", generated_at=GENERATED)
    with pytest.raises(ValueError, match="niets om te publiceren"):
        build_site(indicatoren().iloc[0:0], out, release="nieuw")
    assert (out / "index.html").exists() and "oud" in read(out / "index.html")


def test_serve_serves_the_folder_only(site, capsys):
    from dashboards.serve import make_server

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
    from dashboards.serve import make_server

    with pytest.raises(FileNotFoundError, match="Geen site"):
        make_server(tmp_path, port=0)


def test_fmt_number():
    assert fmt_number(12.34, 1) == "12,3"
    assert fmt_number(1234567.891, 1) == "1.234.567,9"
    assert fmt_number(930000, 0) == "930.000"
    assert fmt_number(0.04, 1) == "0,0"
    assert fmt_number(-0.04, 1) == "0,0"
    assert fmt_number(-1500.5, 1) == "-1.500,5"
    assert fmt_number(None) == "." and fmt_number(float("nan")) == "." and fmt_number(pd.NA) == "."
    assert fmt_number(math.inf) == "."
    assert fmt_count(1250.0) == "1.250" and fmt_count(float("nan")) == "."


def test_fmt_waarde():
    assert fmt_waarde({"waarde": 12.34, "geheim": False}) == "12,3"
    assert fmt_waarde({"waarde": 12.34, "geheim": True}) == "."
    assert fmt_waarde({"waarde": float("nan"), "geheim": False}) == "."
    assert fmt_waarde(pd.Series({"waarde": pd.NA, "geheim": pd.NA})) == "."
    assert fmt_waarde(pd.Series({"waarde": 1001.0, "geheim": False})) == "1.001,0"


def test_fmt_dates_and_periodes():
    assert fmt_datetime(datetime(2026, 11, 1, 9, 7)) == "1 november 2026, 09:07"
    assert fmt_periode("2025-H1") == "1e halfjaar 2025" and fmt_periode("2024") == "2024"
