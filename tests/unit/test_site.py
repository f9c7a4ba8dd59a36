"""The dashboard site: pages per consenting gemeente, secrets shown as ".", offline, atomic."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd
import pytest

from dashboards import charts
from dashboards.format import fmt_count, fmt_datetime, fmt_number, fmt_periode, fmt_waarde
from dashboards.site import benchmark, build_site

GENERATED = datetime(2025, 9, 1, 14, 5)

# (regio_code, niveau, naam, gemeente_code, teller, noemer) per indicator and periode
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


@pytest.fixture()
def site(tmp_path):
    out = tmp_path / "publicatie" / "site"
    summary = build_site(indicatoren(), out, release="2025-09", generated_at=GENERATED)
    return summary


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def test_index_and_one_page_per_gemeente(site):
    assert site.index == site.out_dir / "index.html" and site.index.exists()
    assert site.gemeenten == ["GM0358", "GM0363"]
    pages = sorted(p.name for p in (site.out_dir / "gemeente").iterdir())
    assert pages == ["GM0358.html", "GM0363.html"]
    dictionary = site.out_dir / "gegevenswoordenboek.html"
    assert set(site.pages) == {site.index, dictionary, *(site.out_dir / "gemeente" / name for name in pages)}
    index = read(site.index)
    assert "<title>" in index and "Monitor Sociaal Domein" in index and '<html lang="nl">' in index
    assert 'href="gemeente/GM0358.html"' in index and 'href="gemeente/GM0363.html"' in index
    assert "2025-09" in index and "1 september 2025, 14:05" in index
    assert "geheim" in index and "veelvouden van 5" in index
    gemeente = read(site.out_dir / "gemeente" / "GM0363.html")
    assert "Amsterdam" in gemeente and 'href="../index.html"' in gemeente
    assert "Burgwallen-Oude Zijde" in gemeente and "Kudelstaart" not in gemeente
    assert "gewogen gemiddelde" in gemeente


def test_absent_gemeente_gets_no_page_and_no_mention(site):
    assert not (site.out_dir / "gemeente" / "GM0362.html").exists()
    for page in site.pages:
        text = read(page)
        assert "GM0362" not in text and "Amstelveen" not in text


def test_secret_rows_show_a_dot_not_their_value(site):
    page = read(site.out_dir / "gemeente" / "GM0363.html")
    assert '<td class="getal geheim" title="Geheim: klein aantal">.</td>' in page
    for page in site.pages:
        text = read(page)
        assert "42,4" not in text and "42.4" not in text


def test_plotly_bundled_once_and_no_cdn(site):
    bundles = list(site.out_dir.rglob("plotly*.js"))
    assert bundles == [site.out_dir / "plotly.min.js"]
    assert (site.out_dir / "plotly.min.js").stat().st_size > 1_000_000
    assert '<script src="plotly.min.js">' in read(site.index)
    assert '<script src="../plotly.min.js">' in read(site.out_dir / "gemeente" / "GM0358.html")
    assert (site.out_dir / "style.css").exists()
    for page in site.pages:
        text = read(page).lower()
        assert "cdn" not in text and "https://" not in text and "http://" not in text
        if page.name != "gegevenswoordenboek.html":
            assert "plotly.newplot" in text


def test_dutch_number_format_in_tables(site):
    index = read(site.index)
    # Aalsmeer jeugd_pct 2025-H1: 1235 / 9000 = 13,7 %; wmo 1255 / 32000 * 1000 = 39,2
    assert ">13,7<" in index and ">39,2<" in index
    page = read(site.out_dir / "gemeente" / "GM0363.html")
    assert ">930.000<" in page  # thousands separator in a noemer
    assert ">20.005<" in page


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

    monkeypatch.setattr(charts, "wijken_bar", broken)
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
    assert sorted(p.name for p in (out / "gemeente").iterdir()) == ["GM0363.html"]
    assert "Aalsmeer" not in read(out / "index.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_empty_table_is_refused_and_old_site_kept(tmp_path):
    out = tmp_path / "site"
    build_site(indicatoren(), out, release="oud", generated_at=GENERATED)
    with pytest.raises(ValueError, match="niets om te publiceren"):
        build_site(indicatoren().iloc[0:0], out, release="nieuw")
    assert (out / "index.html").exists() and "oud" in read(out / "index.html")


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
