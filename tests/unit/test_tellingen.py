"""Indicator counts in DuckDB: unique persons per region, the `ook` rule, unknown BSNs, geography."""

import duckdb
import pandas as pd

from clearinghouse.geography import Geography
from contracts.core import CORE_COLUMNS
from indicators.catalogus import load_catalogue
from indicators.tellingen import cells, load_trajecten
from vocabulary.reference import population


def _core(rows):
    """Rows as pseudonymised records: every core column present, as in a real partition file."""
    frame = pd.DataFrame(rows)
    frame["key_id"] = "k000000000000"
    frame["traject_nummer"] = range(2, len(frame) + 2)
    for column in CORE_COLUMNS:
        if column not in frame:
            frame[column] = pd.Series([None] * len(frame), dtype="datetime64[us]" if column.endswith("_datum") else "string")
    for column in ("zrm_start_score", "zrm_einde_score", "clientervaring_score", "leeftijd"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _cells(tmp_path, rows):
    path = tmp_path / "core.parquet"
    _core(rows).to_parquet(path)
    con = duckdb.connect()
    load_trajecten(con, [str(path)])
    return cells(con, load_catalogue()).set_index(["indicator_id", "regio_code"])


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


def _row(person, domein, voorziening, *, periode="2025-H1", wijk="WK035800", **extra):
    return {"persoon_pseudoniem": person, "gemeente_code": "GM0358", "periode": periode, "domein": domein,
            "wijk_code": wijk, "voorziening_code": voorziening, "leeftijd": 40, **extra}


def _all_domeinen(periode="2025-H1"):
    """Filler so that a gemeente delivered every domein (stapeling needs all three)."""
    return [_row("fj", "jeugd", "01", periode=periode), _row("fw", "wmo", "02", periode=periode),
            _row("fp", "participatie", "P05", periode=periode)]


def test_stapeling_combinations_for_persons_and_households(tmp_path):
    rows = _all_domeinen() + [
        _row("kind", "jeugd", "02", huishouden_pseudoniem="ouder"),
        _row("ouder", "participatie", "P01"),
        _row("oma", "wmo", "01"),
        _row("oma", "participatie", "P05", wijk="WK035801"),
    ]
    cells = _cells(tmp_path, rows)
    get = lambda ind, regio="GM0358": cells.loc[(ind, regio)]  # noqa: E731
    assert get("stapeling_pct")["teller_ruw"] == 1  # oma: wmo + participatie (the child alone is jeugd only)
    assert get("stapeling_pct")["noemer_ruw"] == 6  # fj, fw, fp, kind, ouder, oma
    assert get("stapeling_wmo_participatie_pct")["teller_ruw"] == 1
    assert get("stapeling_alleen_jeugd_pct")["teller_ruw"] == 2  # fj and kind
    # Households: kind's household is ouder's, which also has participatie.
    assert get("stapeling_huishoudens_jeugd_participatie_pct")["teller_ruw"] == 1
    assert get("stapeling_huishoudens_pct")["noemer_ruw"] == 5  # fj, fw, fp, ouder(+kind), oma
    # In a wijk, the combination is judged on the whole gemeente: oma counts where she has the condition.
    assert get("stapeling_wmo_participatie_pct", "WK035800")["teller_ruw"] == 1


def test_no_stapeling_unless_all_three_domeinen_were_delivered(tmp_path):
    cells = _cells(tmp_path, [_row("a", "wmo", "02"), _row("a", "participatie", "P01")])
    assert "stapeling_pct" not in cells.index.get_level_values(0)


def test_traject_crossing_periodes_counts_in_each_half_and_once_in_the_year(tmp_path):
    start = pd.Timestamp("2024-11-01")
    rows = [
        _row("a", "wmo", "02", periode="2024-H2", start_datum=start),
        _row("a", "wmo", "02", periode="2025-H1", start_datum=start),  # same traject, delivered again
        _row("b", "wmo", "01", periode="2024-H1", start_datum=pd.Timestamp("2024-02-01")),
        _row("c", "wmo", "01", periode="2024-H2", start_datum=pd.Timestamp("2024-08-01")),
    ]
    cells = _cells(tmp_path, rows).reset_index().set_index(["indicator_id", "periode", "regio_code"])
    assert cells.loc[("wmo_per_1000", "2024-H2", "GM0358"), "teller_ruw"] == 2
    assert cells.loc[("wmo_per_1000", "2025-H1", "GM0358"), "teller_ruw"] == 1
    assert cells.loc[("wmo_per_1000", "2024", "GM0358"), "teller_ruw"] == 3  # a, b, c: unique over the year
    assert cells.loc[("wmo_per_1000", "2024", "GM0358"), "periode_soort"] == "jaar"
    assert ("wmo_per_1000", "2025", "GM0358") not in cells.index  # 2025-H2 not delivered: no year figure
    assert cells.loc[("instroom_wmo", "2024-H2", "GM0358"), "teller_ruw"] == 2  # a and c started in H2
    assert cells.loc[("instroom_wmo", "2025-H1", "GM0358"), "teller_ruw"] == 0


def test_doorlooptijd_is_the_median_over_trajecten_that_started(tmp_path):
    rows = [
        _row(f"p{i}", "wmo", "02", start_datum=pd.Timestamp("2025-03-01"),
             aanvraag_datum=pd.Timestamp("2025-03-01") - pd.Timedelta(days=days))
        for i, days in enumerate([10, 20, 30, 40, 100])
    ] + [_row("old", "wmo", "02", start_datum=pd.Timestamp("2024-01-01"), aanvraag_datum=pd.Timestamp("2023-01-01"))]
    cell = _cells(tmp_path, rows).loc[("doorlooptijd_wmo_dagen", "GM0358")]
    assert cell["teller_ruw"] == 30 and cell["noemer_ruw"] == 5  # the traject started in 2024 is not in this periode


def test_gemeente_with_one_wijk(tmp_path):
    regions = pd.DataFrame(
        {"regio_code": ["GM0358", "WK035800"], "regio_niveau": ["gemeente", "wijk"], "gemeente_code": "GM0358",
         "regio_naam": ["Eén", "Enige wijk"], "inwoners": [500, 500], "inwoners_0_22": 120, "inwoners_15plus": 420,
         "inwoners_18plus": 400}
    )
    path = tmp_path / "core.parquet"
    _core([_row("a", "wmo", "02"), _row("b", "wmo", "02", wijk=None)]).to_parquet(path)
    con = duckdb.connect()
    load_trajecten(con, [str(path)])
    found = cells(con, load_catalogue(), regions).set_index(["indicator_id", "regio_code"]).loc["wmo_per_1000"]
    assert found["teller_ruw"].to_dict() == {"GM0358": 2, "WK035800": 1}


def test_more_conditions_than_bits_are_refused_not_counted_wrong():
    """Each person count condition is one bit of a BIGINT (with the three domeinen): 60 distinct
    conditions fit, 61 would overflow and count the wrong persons, so the query is refused."""
    import pytest

    from indicators.catalogus import Count
    from indicators.tellingen import count_queries

    def persons(n: int) -> list[Count]:
        return [Count(f"telling {i}", "personen", voorwaarde=f"leeftijd = {i}") for i in range(n)]

    assert len(count_queries(persons(60), "trajecten")) == 1
    with pytest.raises(ValueError, match="passen niet"):
        count_queries(persons(61), "trajecten")


def test_files_of_an_older_contract_version_are_counted_with_their_columns_unified(tmp_path):
    """An older delivery still in force may lack a column of today's contract, or hold it in another
    type; the counts are read by column name either way, the same as when every file is new."""
    from indicators.tellingen import compute_counts, counts_path

    base = {"gemeente_code": "GM0358", "periode": "2025-H1", "domein": "wmo", "wijk_code": "WK035800", "leeftijd": 80}
    old = _core([{**base, "persoon_pseudoniem": "p1", "voorziening_code": "02"}, {**base, "persoon_pseudoniem": "p2", "voorziening_code": "02"}])
    old = old.drop(columns=["huishouden_pseudoniem", "herkomst_code"]).astype({"leeftijd": "int32"})
    new = _core([{**base, "persoon_pseudoniem": "p3", "voorziening_code": "02", "domein": "jeugd", "leeftijd": 12}])
    files = {"oud": tmp_path / "a-oud.parquet", "nieuw": tmp_path / "b-nieuw.parquet"}
    old.to_parquet(files["oud"])
    new.to_parquet(files["nieuw"])
    results = {}
    for order in (["oud", "nieuw"], ["nieuw", "oud"]):
        tellingen = tmp_path / "-".join(order)
        compute_counts({("GM0358", "2025-H1"): [files[name] for name in order]}, [("GM0358", "2025-H1")], tellingen, load_catalogue())
        counted = pd.read_parquet(counts_path(tellingen, "2025-H1", "GM0358")).set_index(["indicator_id", "regio_code"])
        results[tuple(order)] = counted.sort_index()
        assert counted.loc[("wmo_per_1000", "GM0358"), "teller_ruw"] == 2
        assert counted.loc[("jeugd_pct", "GM0358"), "teller_ruw"] == 1
    pd.testing.assert_frame_equal(*results.values())
