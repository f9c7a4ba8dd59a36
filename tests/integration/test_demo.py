"""`gmsd demo` on part of the committed sample, into tmp_path: every stage for real, checked with numbers.

The published Wmo counts are compared with an independent count made here with plain pandas from
the delivered files (unique persons, records with an unknown BSN each their own person), which
disclosure control may only have rounded to a neighbouring multiple of 5.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
import pipelines.assets.publication
from contracts import publish
from gmsd.cli import app
from vocabulary.reference import read_pc6_table
from vocabulary.home import SAMPLE_DIR

GEMEENTEN = ["GM0358", "GM0197", "GM0060"]  # Aalsmeer (CSV ;), Aalten (Excel-CSV, no consent), Ameland (XLSX)


def _rounded_to_5(value: int) -> set[int]:
    return {value - value % 5, value - value % 5 + (5 if value % 5 else 0)}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    sample = root / "sample"
    for code in GEMEENTEN:
        shutil.copytree(SAMPLE_DIR / "inbox" / code, sample / "inbox" / code)
    shutil.copytree(SAMPLE_DIR / "geo", sample / "geo")
    home = root / "home"
    with pytest.MonkeyPatch.context() as mp:
        for name in (KEY_ENV, KEY_FILE_ENV):
            mp.setenv(name, "placeholder")  # remember the original, so the demo key set below is undone
            mp.delenv(name)
        result = CliRunner().invoke(app, ["demo", "--home", str(home), "--voorbeeld", str(sample)])
    return home, sample, result


def test_demo_ends_with_a_warehouse_and_a_site(demo_run):
    home, _, result = demo_run
    assert result.exit_code == 0, result.output
    assert "Demo-sleutel" in result.output  # says it created a demo key
    assert (home / "warehouse.duckdb").is_file()
    assert (home / "site" / "index.html").is_file()
    assert (home / "site" / "gemeente" / "GM0358.html").is_file()
    assert (home / "site" / "gemeente" / "GM0060.html").is_file()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        verdicts = con.execute("SELECT gemeente_code, count(*) FROM audit.leveringen GROUP BY 1 ORDER BY 1").fetchall()
        indicators = {row[0] for row in con.execute("SELECT DISTINCT indicator_id FROM publish.indicatoren").fetchall()}
    assert verdicts == [("GM0060", 6), ("GM0197", 6), ("GM0358", 6)]
    assert {"wmo_per_1000", "jeugd_pct"} <= indicators


def _independent_wmo_counts(sample: Path, periode: str) -> tuple[int, pd.Series]:
    path = sample / "inbox" / "GM0358" / periode / f"GM0358_{periode}_wmo.csv"
    rows = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    rows.columns = [c.strip().lower() for c in rows.columns]
    rows["persoon"] = rows["bsn"].where(rows["bsn"] != "000000000", "onbekend-" + rows.index.astype(str))
    gemeente = rows["persoon"].nunique()
    table = read_pc6_table(sample / "geo" / "pc6hnr20240801_gwb.csv")
    rows["postcode"] = rows["postcode"].str.replace(" ", "").str.upper()
    rows["huisnummer"] = pd.to_numeric(rows["huisnummer"], errors="coerce").astype("Int64")
    located = rows.merge(table, on=["postcode", "huisnummer"], how="inner")
    per_wijk = located.groupby("wijk_code")["persoon"].nunique()
    return gemeente, per_wijk


@pytest.mark.parametrize("periode", ["2024-H2", "2025-H1"])
def test_published_wmo_counts_equal_an_independent_count_rounded(demo_run, periode):
    home, sample, _ = demo_run
    gemeente_count, per_wijk = _independent_wmo_counts(sample, periode)
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        published = con.execute(
            "SELECT regio_code, teller, waarde, geheim FROM publish.indicatoren "
            "WHERE indicator_id = 'wmo_per_1000' AND gemeente_code = 'GM0358' AND periode = ?",
            [periode],
        ).df().set_index("regio_code")
        inwoners = con.execute("SELECT inwoners FROM ref.regio WHERE regio_code = 'GM0358'").fetchone()[0]
    assert gemeente_count > 1000
    assert int(published.at["GM0358", "teller"]) in _rounded_to_5(gemeente_count)
    assert published.at["GM0358", "waarde"] == pytest.approx(published.at["GM0358", "teller"] / inwoners * 1000, abs=0.05)  # published with one decimal
    checked = 0
    for wijk, count in per_wijk.items():
        if count > 7:
            assert int(published.at[wijk, "teller"]) in _rounded_to_5(count), wijk
            checked += 1
        else:
            assert published.at[wijk, "geheim"] and pd.isna(published.at[wijk, "teller"]), wijk
    assert checked >= 3


def test_gemeente_without_consent_is_nowhere_published(demo_run, tmp_path):
    home, _, _ = demo_run
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        tables = [name for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'publish'").fetchall()]
        assert {"indicatoren", "benchmark", "peergroepen", "indicatoren_catalogus"} <= set(tables)
        for table in tables:
            text = con.execute(f'SELECT * FROM publish."{table}"').df().astype(str).to_csv()
            assert "GM0197" not in text and "Aalten" not in text, table
        members = {code for (code,) in con.execute("SELECT DISTINCT gemeente_code FROM publish.peergroepen").fetchall()}
        published = {code for (code,) in con.execute("SELECT DISTINCT gemeente_code FROM publish.indicatoren").fetchall()}
        labels = {naam for (naam,) in con.execute("SELECT DISTINCT groep_naam FROM publish.benchmark WHERE groep_soort = 'nederland'").fetchall()}
    assert members == published == {"GM0358", "GM0060"}
    assert labels == {"alle deelnemende gemeenten (2)"}  # not "Nederland": two of 342 gemeenten take part
    assert not (home / "site" / "gemeente" / "GM0197.html").exists()
    for page in (home / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Aalten" not in text and "GM0197" not in text, page
    result = CliRunner().invoke(app, ["export", "--home", str(home), "--formaat", "csv", "--nl", "--uit", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for path in tmp_path.glob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        assert "GM0197" not in text and "Aalten" not in text, path


def test_no_bsn_reaches_the_stored_records_warehouse_or_site(demo_run):
    home, sample, _ = demo_run
    bsns: set[str] = set()
    for path in (sample / "inbox" / "GM0358").rglob("*.csv"):
        rows = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
        rows.columns = [c.strip().lower() for c in rows.columns]
        for column in ("bsn", "bsn_gezagdrager"):
            if column in rows:
                bsns |= set(rows[column]) - {"", "000000000"}
    assert len(bsns) > 1000
    # Bounded by anything but letters and digits: a 32-hex pseudonym can hold a run of 9 digits by
    # chance (once it equalled one of these 6,000 BSNs), which is not a BSN (see clearinghouse.privacy_audit).
    nine_digits = re.compile(r"(?<![0-9A-Za-z])\d{9}(?![0-9A-Za-z])")
    for path in (home / "core").rglob("*.parquet"):
        text = pd.read_parquet(path).astype(str).to_csv()
        assert not set(nine_digits.findall(text)) & bsns, path
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        for (schema, table) in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall():
            text = con.execute(f'SELECT * FROM "{schema}"."{table}"').df().astype(str).to_csv()
            assert not set(nine_digits.findall(text)) & bsns, table
    for path in (home / "site").rglob("*.html"):
        assert not set(nine_digits.findall(path.read_text(encoding="utf-8"))) & bsns, path


def test_audit_privacy_finds_nothing_and_catches_a_planted_leak(demo_run, tmp_path):
    home, sample, _ = demo_run
    assert not any(p.is_file() for p in (home / "inbox").rglob("*"))  # raw files deleted after processing
    runner = CliRunner()
    clean = runner.invoke(app, ["audit-privacy", "--home", str(home), "--bron", str(sample / "inbox")])
    assert clean.exit_code == 0, clean.output
    assert "Niets gevonden" in clean.output

    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    rows = pd.read_csv(sample / "inbox" / "GM0358" / "2025-H1" / "GM0358_2025-H1_wmo.csv", sep=";", dtype=str, encoding="utf-8-sig")
    bsn, postcode = rows["BSN"].iloc[0], rows["POSTCODE"].dropna().iloc[0]
    with open(copy / "site" / "index.html", "a", encoding="utf-8") as page:
        page.write(f"<!-- {bsn} -->")
    (copy / "dagster" / "leak.log").write_text(f"client at {postcode.upper()}\n", encoding="utf-8")
    leaked = runner.invoke(app, ["audit-privacy", "--home", str(copy), "--bron", str(sample / "inbox")])
    assert leaked.exit_code == 1
    assert "site/index.html" in leaked.output and "dagster/leak.log" in leaked.output
    assert bsn not in leaked.output  # the report of a leak does not leak


def test_every_query_in_the_analysts_guide_runs_and_returns_rows(demo_run):
    home, _, _ = demo_run
    guide = (Path(__file__).resolve().parents[2] / "docs" / "analysts.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", guide, flags=re.DOTALL)
    assert len(queries) >= 5
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        for query in queries:
            query = query.replace("'GM0307'", "'GM0358'").replace("'GM0034'", "'GM0358'")  # the demo subset
            assert len(con.execute(query).fetchall()) > 0, query


def test_publish_tables_are_documented_and_exportable(demo_run, tmp_path):
    home, _, _ = demo_run
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        undocumented = con.execute(
            "SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'publish' AND comment IS NULL"
        ).fetchall()
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'publish'").fetchall()}
        reasons = {r for (r,) in con.execute("SELECT DISTINCT geheim_reden FROM publish.indicatoren WHERE geheim").fetchall()}
        reason_comment = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'indicatoren' AND schema_name = 'publish' AND column_name = 'geheim_reden'"
        ).fetchall()[0][0]
        types = dict(con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'publish' AND table_name = 'indicatoren'"
        ).fetchall())
    assert undocumented == []
    assert tables == {t.split(".")[1] for t in publish.TABLES}  # every published table is declared, and only those
    assert len(reasons) >= 3 and all(reason in reason_comment for reason in reasons)
    assert types["teller"] == types["noemer"] == "BIGINT" and types["geheim"] == "BOOLEAN"
    result = CliRunner().invoke(app, ["export", "--home", str(home), "--formaat", "csv", "--nl", "--uit", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in tmp_path.glob("*.csv")) == sorted(tables)
    text = (tmp_path / "indicatoren.csv").read_text(encoding="utf-8-sig")
    header, *rows = text.splitlines()
    assert header.startswith("indicator_id;periode;periode_soort")
    assert re.search(r";\d+,\d;", text)  # decimal comma
    columns = header.split(";")
    teller, noemer, geheim = (columns.index(c) for c in ("teller", "noemer", "geheim"))
    cells = [row.split(";") for row in rows]
    assert all(re.fullmatch(r"\d*", c[teller]) and re.fullmatch(r"\d*", c[noemer]) for c in cells)  # whole numbers
    assert {c[geheim] for c in cells} == {"ja", "nee"}
    catalogus = (tmp_path / "indicatoren_catalogus.csv").read_text(encoding="utf-8-sig").splitlines()
    assert catalogus[0] == ";".join(publish.column_names("publish.indicatoren_catalogus")) and len(catalogus) > 30


def _sample_rows(sample: Path, periode: str, domein: str) -> pd.DataFrame:
    rows = pd.read_csv(sample / "inbox" / "GM0358" / periode / f"GM0358_{periode}_{domein}.csv",
                       sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    rows.columns = [c.strip().lower() for c in rows.columns]
    rows["persoon"] = rows["bsn"].where(rows["bsn"] != "000000000", "onbekend-" + rows.index.astype(str))
    return rows


def _published_cell(home: Path, indicator: str, periode: str, regio: str = "GM0358") -> pd.Series:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT teller, noemer, waarde FROM publish.indicatoren WHERE indicator_id = ? AND periode = ? AND regio_code = ?",
            [indicator, periode, regio],
        ).df().iloc[0]


@pytest.mark.parametrize("periode", ["2024-H2", "2025-H1"])
def test_jeugd_and_reintegratie_equal_an_independent_count_rounded(demo_run, periode):
    home, sample, _ = demo_run
    einde = pd.Timestamp(2024, 12, 31) if periode.endswith("H2") else pd.Timestamp(2025, 6, 30)
    jeugd = _sample_rows(sample, periode, "jeugd")
    born = pd.to_datetime(jeugd["geboortedatum"], format="%Y-%m-%d")
    birthday_after_end = (born.dt.month > einde.month) | ((born.dt.month == einde.month) & (born.dt.day > einde.day))
    age = einde.year - born.dt.year - birthday_after_end.astype(int)  # age at the end of the periode
    jongeren = jeugd.loc[age <= 22, "persoon"].nunique()
    assert int(_published_cell(home, "jeugd_pct", periode)["teller"]) in _rounded_to_5(jongeren)

    participatie = _sample_rows(sample, periode, "participatie")
    p01 = set(participatie.loc[participatie["voorziening"] == "P01", "persoon"])
    p02 = set(participatie.loc[participatie["voorziening"] == "P02", "persoon"])
    cell = _published_cell(home, "reintegratie_pct", periode)
    assert int(cell["teller"]) in _rounded_to_5(len(p01 & p02))
    assert int(cell["noemer"]) in _rounded_to_5(len(p01))
    assert cell["waarde"] == pytest.approx(cell["teller"] / cell["noemer"] * 100, abs=0.05)


def test_publish_is_atomic_and_a_definitive_release_is_never_revised(demo_run, tmp_path, monkeypatch):
    home, _, _ = demo_run
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    monkeypatch.setenv(KEY_FILE_ENV, str(copy / "keys" / "demo-pseudonym.key"))
    runner = CliRunner()
    with duckdb.connect(str(copy / "warehouse.duckdb"), read_only=True) as con:
        releases = con.execute("SELECT release_id, status FROM publish.releases ORDER BY 1").fetchall()
    # Today (2026) is more than a year after both periodes ended: CBS practice makes them definitief.
    assert releases == [("2024-H2-r1", "definitief"), ("2025-H1-r1", "definitief")]
    refused = runner.invoke(app, ["publish", "--home", str(copy), "--periode", "2025-H1"])
    assert refused.exit_code == 2 and "al definitief gepubliceerd" in refused.output
    # A year is a periode (`--help` offers it); the sample has no complete year, and says so.
    year = runner.invoke(app, ["publish", "--home", str(copy), "--periode", "2025"])
    assert year.exit_code == 2 and "geen conceptcijfers voor periode 2025" in year.output and "2025-H1" in year.output

    # As if 2025-H1 had not been published: a publish that fails part-way leaves everything as it was.
    shutil.rmtree(copy / "releases" / "2025-H1-r1")
    site_before = (copy / "site" / "index.html").read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError("schijf vol")

    with monkeypatch.context() as broken:
        broken.setattr(pipelines.assets.publication, "build_warehouse", disk_full)
        failed = runner.invoke(app, ["publish", "--home", str(copy), "--periode", "2025-H1"])
    assert failed.exit_code == 1 and "schijf vol" in failed.output and "Traceback" not in failed.output  # one Dutch line
    assert not (copy / "releases" / "2025-H1-r1").exists()
    assert (copy / "site" / "index.html").read_bytes() == site_before

    again = runner.invoke(app, ["publish", "--home", str(copy), "--periode", "2025-H1"])
    assert again.exit_code == 0, again.output
    with duckdb.connect(str(copy / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT DISTINCT release FROM publish.indicatoren WHERE periode = '2025-H1'").fetchall() == [("2025-H1-r1",)]


def test_running_the_demo_again_keeps_the_definitive_releases(demo_run, tmp_path, monkeypatch):
    home, sample, _ = demo_run
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    monkeypatch.setenv(KEY_FILE_ENV, str(copy / "keys" / "demo-pseudonym.key"))
    result = CliRunner().invoke(app, ["demo", "--home", str(copy), "--voorbeeld", str(sample)])
    assert result.exit_code == 0, result.output
    assert "al definitief gepubliceerd" in result.output
    assert sorted(p.name for p in (copy / "releases").iterdir()) == ["2024-H2-r1", "2025-H1-r1"]
