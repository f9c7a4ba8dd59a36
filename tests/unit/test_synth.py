"""The synthetic generator: deterministic, valid by the contracts, on real geography, realistic rates."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from clearinghouse.geography import Geography
from clearinghouse.intake import check_file
from vocabulary.periode import Periode
from clearinghouse.reading import read_table
from vocabulary.oordelen import GOEDGEKEURD
from contracts.delivery import elfproef
from vocabulary.reference import population, read_pc6_table
from gmsd.synth import PC6_TABLE_NAME, fake_bsns, generate


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "geo" not in path.parts
    }


@pytest.fixture(scope="module")
def aalsmeer(tmp_path_factory) -> Path:
    """GM0358 Aalsmeer: a CSV exporter without deliberate dirt."""
    out = tmp_path_factory.mktemp("synth")
    generate(out, gemeenten=["GM0358"])
    return out


def test_fake_bsns_are_distinct_valid_and_lose_at_most_one_zero():
    bsns = pd.Series(fake_bsns(np.random.default_rng(1), 20_000))
    assert bsns.is_unique
    assert bsns.str.fullmatch(r"\d{9}").all()
    assert elfproef(bsns).all()
    assert not bsns.str.startswith("00").any()
    assert 0.05 < bsns.str.startswith("0").mean() < 0.15  # the Excel case must occur


def test_same_seed_same_files_and_a_gemeente_does_not_depend_on_the_others(tmp_path):
    alone, together, other_seed = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(alone, gemeenten=["GM0060"], periodes=["2025-H1"], formaat="csv")
    generate(together, gemeenten=["GM0060", "GM1723"], periodes=["2025-H1"], formaat="csv")
    generate(other_seed, gemeenten=["GM0060"], periodes=["2025-H1"], formaat="csv", seed=7)
    first = _digests(alone)
    assert first == {k: v for k, v in _digests(together).items() if "GM0060" in k}
    assert first != _digests(other_seed)


def test_every_file_of_a_clean_gemeente_passes_its_contract(aalsmeer):
    geography = Geography.from_file(aalsmeer / "geo" / PC6_TABLE_NAME)
    files = sorted((aalsmeer / "inbox" / "GM0358").glob("*/*.csv"))
    assert len(files) == 6  # 2 periodes x 3 domeinen
    for path in files:
        periode = Periode.parse(path.parent.name)
        domein = path.stem.split("_")[-1]
        outcome = check_file(path, domein=domein, gemeente_code="GM0358", periode=periode, key=None, geography=geography)
        assert outcome.oordeel == GOEDGEKEURD, (path.name, outcome.melding, outcome.failures.head())


def test_manifests_name_the_files_and_the_consent(aalsmeer, tmp_path):
    manifest = yaml.safe_load((aalsmeer / "inbox" / "GM0358" / "2025-H1" / "manifest.yaml").read_text())
    assert manifest["gemeentecode"] == "GM0358" and manifest["periode"] == "2025-H1"
    assert {entry["domein"] for entry in manifest["bestanden"]} == {"jeugd", "wmo", "participatie"}
    assert manifest["publicatie_basis"] == "ja"
    generate(tmp_path, gemeenten=["GM0197"], periodes=["2025-H1"])
    aalten = yaml.safe_load((tmp_path / "inbox" / "GM0197" / "2025-H1" / "manifest.yaml").read_text())
    assert aalten["publicatie_basis"] == "nee"  # the sample's gemeente without consent


def test_postcode_table_is_cbs_format_and_places_clients_in_real_wijken(aalsmeer):
    path = aalsmeer / "geo" / PC6_TABLE_NAME
    assert path.read_text().splitlines()[0] == "PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024"
    table = read_pc6_table(path)
    real_wijken = set(population().query("gemeente_code == 'GM0358' and regio_niveau == 'wijk'").regio_code)
    assert set(table.wijk_code) <= real_wijken
    assert table.groupby("postcode").buurt_code.nunique().max() > 1  # some PC6s span buurten, as in reality
    delivered = read_table(aalsmeer / "inbox" / "GM0358" / "2025-H1" / "GM0358_2025-H1_wmo.csv")
    postcodes = delivered["postcode"].dropna().str.replace(" ", "").str.upper()  # this gemeente writes "1431 ab"
    postcodes = postcodes[postcodes != ""]
    known = postcodes.isin(set(table.postcode))
    assert known.mean() > 0.98  # the rest: a few unknown postcodes, as in real deliveries


def test_client_rates_are_near_national_levels(aalsmeer):
    inwoners = int(population().query("regio_code == 'GM0358'").inwoners.iloc[0])
    wmo = read_table(aalsmeer / "inbox" / "GM0358" / "2025-H1" / "GM0358_2025-H1_wmo.csv")
    per_1000 = wmo["bsn"].nunique() / inwoners * 1000
    assert 50 < per_1000 < 90
    participatie = read_table(aalsmeer / "inbox" / "GM0358" / "2025-H1" / "GM0358_2025-H1_participatie.csv")
    bijstand = participatie.loc[participatie["voorziening"] == "P01", "bsn"].nunique() / (inwoners * 0.84) * 1000
    assert 20 < bijstand < 50
    jeugd = read_table(aalsmeer / "inbox" / "GM0358" / "2025-H1" / "GM0358_2025-H1_jeugd.csv")
    assert 0.07 < jeugd["bsn"].nunique() / (inwoners * 0.248) < 0.16
    # Stapeling: some gezagdragers are bijstand clients themselves.
    assert jeugd["bsn_gezagdrager"].isin(set(participatie["bsn"])).any()


def test_unknown_gemeente_is_refused_in_dutch(tmp_path):
    with pytest.raises(ValueError, match="geen wijkgegevens"):
        generate(tmp_path, gemeenten=["GM9999"])
    with pytest.raises(ValueError, match="periode"):
        generate(tmp_path, gemeenten=["GM0060"], periodes=["2025-H3"])
