"""Re-deliveries: a rejected file leaves the earlier delivery in force; an accepted one replaces it whole.

Runs the real round (Dagster in-process, clearinghouse, warehouse, site) three times on Aalsmeer
from the committed sample, into tmp_path.
"""

from __future__ import annotations

import secrets

import duckdb
import pandas as pd
import pytest
import yaml

from clearinghouse.pseudonym import KEY_ENV, KEY_FILE_ENV
from tests.fixtures.homes import sample_home
from vocabulary.home import SAMPLE_DIR, Home
from pipelines.runner import run_round

PERIODE = "2025-H1"
WMO = f"GM0358_{PERIODE}_wmo.csv"


def _published_wmo(home: Home) -> float:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return con.execute(
            "SELECT teller FROM concept.indicatoren WHERE indicator_id = 'wmo_per_1000' "
            "AND regio_code = 'GM0358' AND periode = ?",
            [PERIODE],
        ).fetchone()[0]


def _latest_audit(home: Home) -> pd.Series:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        audit = con.execute(
            "FROM audit.leveringen WHERE gemeente_code = 'GM0358' AND periode = ? AND domein = 'wmo' ORDER BY verwerkt_op",
            [PERIODE],
        ).df()
    return audit.iloc[-1]


def _read(path) -> pd.DataFrame:
    return pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)


def _deliver(home: Home, frame: pd.DataFrame) -> None:
    """A re-delivery of the wmo file only, with its own manifest, into the inbox."""
    folder = home.inbox / "GM0358" / PERIODE
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / WMO, sep=";", index=False, encoding="utf-8-sig")
    manifest = {"gemeentecode": "GM0358", "periode": PERIODE, "bestanden": [{"bestand": WMO, "domein": "wmo"}],
                "publicatie_basis": "ja", "publicatie_facultatief": "ja"}
    (folder / "manifest.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, secrets.token_hex(32))
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    home = sample_home(tmp_path / "home", ["GM0358"])
    first = run_round(home)
    assert first.published and not first.failed_partitions, first.error
    return home


def test_rejected_redelivery_keeps_the_earlier_data_and_an_accepted_one_replaces_it(home):
    def core():
        """The one file of records of GM0358's wmo in force (each accepted delivery writes a new one)."""
        [path] = (home.core / PERIODE / "GM0358").glob("wmo-*.parquet")
        return path

    published_before, core_before = _published_wmo(home), core().read_bytes()
    original = _read(SAMPLE_DIR / "inbox" / "GM0358" / PERIODE / WMO)
    assert not (home.inbox / "GM0358").exists()  # raw files are deleted once processed

    # 1. A re-delivery with another gemeente's rows is refused whole; nothing changes.
    wrong = original.copy()
    wrong["GEMEENTECODE"] = "GM0363"
    _deliver(home, wrong)
    result = run_round(home, deliveries=[f"GM0358/{PERIODE}"])
    assert result.published
    latest = _latest_audit(home)
    assert latest["oordeel"] == "afgekeurd" and "andere gemeente" in latest["melding"]
    assert _published_wmo(home) == published_before
    assert core().read_bytes() == core_before
    operator_page = (home.reports / "index.html").read_text(encoding="utf-8")
    assert "afgekeurd" in operator_page and "GM0363" in operator_page
    report = home.reports / "GM0358" / PERIODE / latest["rapport"]
    assert report.is_file() and "afgekeurd" in report.read_text(encoding="utf-8")

    # 2. A corrected re-delivery with fewer rows replaces the earlier one completely.
    smaller = original.iloc[:1000]
    _deliver(home, smaller)
    result = run_round(home, deliveries=[f"GM0358/{PERIODE}"])
    assert result.published
    assert _latest_audit(home)["oordeel"] == "goedgekeurd"
    assert len(pd.read_parquet(core())) == 1000
    persons = smaller["BSN"].where(smaller["BSN"] != "000000000", "onbekend" + smaller.index.astype(str)).nunique()
    published_after = _published_wmo(home)
    assert published_after != published_before
    assert persons - 4 <= published_after <= persons + 4 and published_after % 5 == 0


def _releases(home: Home) -> list[str]:
    return sorted(p.parent.name for p in home.releases.glob("*/release.json"))


def test_run_publiceer_releases_only_the_periodes_a_redelivery_changed(home, monkeypatch):
    """`gmsd run --publiceer`: one command from inbox to site, and a re-delivery re-releases its own periode only."""
    from datetime import datetime, timezone

    from typer.testing import CliRunner

    from gmsd.cli import app
    from indicators import releases
    from pipelines.runner import run_and_publish

    class September2025(datetime):  # the sample's periodes are still open to revision then
        @classmethod
        def now(cls, tz=None):
            return datetime(2025, 9, 1, tzinfo=timezone.utc)

    monkeypatch.setattr(releases, "datetime", September2025)

    periodes = sorted(p.name for p in (SAMPLE_DIR / "inbox" / "GM0358").iterdir() if p.is_dir())
    assert PERIODE in periodes and len(periodes) > 1
    # Concept figures without any release: every periode gets its first release, and the site shows them.
    summary, publication = run_and_publish(home)
    assert summary.published and publication is not None
    assert sorted(r.periode for r in publication.made) == periodes
    assert _releases(home) == sorted(f"{p}-r1" for p in periodes)
    assert (home.site / "index.html").is_file()

    # Nothing new: no release, and the command says why.
    result = CliRunner().invoke(app, ["run", "--publiceer", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    assert "Ongewijzigd sinds de laatste release" in " ".join(result.output.split())
    assert _releases(home) == sorted(f"{p}-r1" for p in periodes)

    # A corrected re-delivery of one periode: a new release of that periode only, served at once.
    _deliver(home, _read(SAMPLE_DIR / "inbox" / "GM0358" / PERIODE / WMO).iloc[:1000])
    summary, publication = run_and_publish(home)
    assert [r.release_id for r in publication.made] == [f"{PERIODE}-r2"]
    assert sorted(publication.unchanged) == [p for p in periodes if p != PERIODE]
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        published, concept = (
            con.execute(f"SELECT teller FROM {schema}.indicatoren WHERE indicator_id = 'wmo_per_1000' AND regio_code = 'GM0358' "
                        "AND periode = ?", [PERIODE]).fetchone()[0]
            for schema in ("publish", "concept")
        )
        release = con.execute("SELECT DISTINCT release FROM publish.indicatoren WHERE periode = ?", [PERIODE]).fetchone()[0]
    assert release == f"{PERIODE}-r2" and published == concept == _published_wmo(home)
