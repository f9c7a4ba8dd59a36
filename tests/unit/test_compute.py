"""Indicator counts in DuckDB: unique persons per region, the `ook` rule, unknown BSNs, geography."""

import duckdb
import pandas as pd

from clearinghouse.geography import Geography
from indicators.catalogue import load_catalogue
from indicators.compute import raw_cells, register_trajecten
from gmsd.reference import population


def _core(rows):
    frame = pd.DataFrame(rows)
    frame["key_id"] = "k000000000000"
    frame["traject_nummer"] = range(2, len(frame) + 2)
    return frame


def _cells(tmp_path, rows):
    path = tmp_path / "core.parquet"
    _core(rows).to_parquet(path)
    con = duckdb.connect()
    register_trajecten(con, [str(path)])
    return raw_cells(con, load_catalogue()).set_index(["indicator_id", "regio_code"])


def test_person_in_two_wijken_counts_once_for_the_gemeente(tmp_path):
    rows = [
        {"persoon_pseudoniem": "p1", "gemeente_code": "GM0358", "periode": "2025-H1", "domein": "wmo", "wijk_code": "WK035800", "voorziening_code": "02", "leeftijd": 80},
        {"persoon_pseudoniem": "p1", "gemeente_code": "GM0358", "periode": "2025-H1", "domein": "wmo", "wijk_code": "WK035801", "voorziening_code": "11", "leeftijd": 80},
        {"persoon_pseudoniem": "p2", "gemeente_code": "GM0358", "periode": "2025-H1", "domein": "wmo", "wijk_code": None, "voorziening_code": "02", "leeftijd": 70},
        {"persoon_pseudoniem": None, "gemeente_code": "GM0358", "periode": "2025-H1", "domein": "wmo", "wijk_code": "WK035800", "voorziening_code": "02", "leeftijd": 70},
        {"persoon_pseudoniem": None, "gemeente_code": "GM0358", "periode": "2025-H1", "domein": "wmo", "wijk_code": "WK035800", "voorziening_code": "01", "leeftijd": 71},
    ]
    cells = _cells(tmp_path, rows)
    wmo = cells.loc["wmo_per_1000"]
    assert wmo.loc["GM0358", "teller_ruw"] == 4  # p1 once, p2 (no wijk), two unlinkable rows
    assert wmo.loc["WK035800", "teller_ruw"] == 3
    assert wmo.loc["WK035801", "teller_ruw"] == 1
    assert wmo.loc["WK035802", "teller_ruw"] == 0  # a wijk without clients is a 0, not missing
    inwoners = population().set_index("regio_code")["inwoners"]
    assert wmo.loc["GM0358", "noemer_ruw"] == inwoners["GM0358"]
    assert "jeugd_pct" not in cells.index.get_level_values(0)  # jeugd not delivered: no figure


def test_reintegratie_needs_both_voorzieningen(tmp_path):
    base = {"gemeente_code": "GM0358", "periode": "2025-H1", "domein": "participatie", "wijk_code": "WK035800", "leeftijd": 40}
    rows = [
        {**base, "persoon_pseudoniem": "a", "voorziening_code": "P01"},
        {**base, "persoon_pseudoniem": "a", "voorziening_code": "P02", "wijk_code": "WK035801"},
        {**base, "persoon_pseudoniem": "b", "voorziening_code": "P01"},
        {**base, "persoon_pseudoniem": "c", "voorziening_code": "P02"},
    ]
    cells = _cells(tmp_path, rows).loc["reintegratie_pct"]
    assert cells.loc["GM0358", "teller_ruw"] == 1 and cells.loc["GM0358", "noemer_ruw"] == 2
    assert cells.loc["WK035800", "teller_ruw"] == 1  # a's P01 is in WK035800


def test_geography_exact_huisnummer_then_dominant_buurt_and_only_inside_the_gemeente():
    table = pd.DataFrame(
        {"postcode": ["1431AB", "1431AB", "1431AB", "9999ZZ"], "huisnummer": pd.array([1, 2, 3, 1], dtype="Int64"),
         "buurt_code": ["BU03580001", "BU03580001", "BU03580102", "BU00340000"],
         "wijk_code": ["WK035800", "WK035800", "WK035801", "WK003400"],
         "gemeente_code": ["GM0358", "GM0358", "GM0358", "GM0034"]}
    )
    geo = Geography.from_table(table)
    located = geo.locate(
        pd.Series(["1431AB", "1431AB", "1431AB", "9999ZZ", None, "1000AA"]),
        pd.Series([3, None, 77, 1, None, 1], dtype="Int64"),
        "GM0358",
    )
    assert located["wijk_code"].tolist()[:3] == ["WK035801", "WK035800", "WK035800"]
    assert located["wijk_code"][3:].isna().all()  # other gemeente, unknown, not in table
