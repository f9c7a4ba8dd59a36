"""`cells` computes all indicators of a periode at once: it must equal the definition, one indicator
at a time (the reference below, the code it replaced), row for row and dtype for dtype — the
stored counts and everything after them depend on it."""

import duckdb
import pandas as pd
import pytest

from indicators.catalogus import Indicator, load_catalogue
from indicators.tellingen import CELL_COLUMNS, HALFJAAR, JAAR, SOURCES, _counted, _long, cells, count_key, load_trajecten
from vocabulary.domeinen import DOMEINEN, INTEGRAAL
from vocabulary.reference import population

from tests.unit.test_tellingen import _core, _row


def _reference_scope(delivered: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    if indicator.domein != INTEGRAAL:
        return delivered[delivered["domein"] == indicator.domein][["periode", "gemeente_code"]].drop_duplicates()
    complete = delivered.groupby(["periode", "gemeente_code"])["domein"].nunique()
    return complete[complete == len(DOMEINEN)].reset_index()[["periode", "gemeente_code"]]


def _reference_indicator_cells(indicator, regions, delivered, counted, soort):
    scope = _reference_scope(delivered, indicator)
    if scope.empty:
        return None
    keys = ["periode", "gemeente_code", "regio_code"]
    found = scope.merge(regions, on="gemeente_code", how="inner")
    found = found[found["regio_niveau"].isin(indicator.niveaus)]
    teller = counted[counted["sleutel"] == count_key(indicator.teller)]
    if indicator.teller.soort == "mediaan":
        median = teller[keys + ["mediaan", "aantal"]].rename(columns={"mediaan": "teller_ruw", "aantal": "noemer_ruw"})
        found = found.merge(median, on=keys, how="left")
        found["noemer_is_bevolking"] = False
        found["noemer_ruw"] = found["noemer_ruw"].fillna(0).astype("int64")
        found["teller_ruw"] = found["teller_ruw"].astype("float64")
    else:
        found = found.merge(teller[keys + ["aantal"]].rename(columns={"aantal": "teller_ruw"}), on=keys, how="left")
        found["teller_ruw"] = found["teller_ruw"].fillna(0).astype("int64")
        if indicator.noemer is None:
            found["noemer_ruw"] = pd.NA
            found["noemer_is_bevolking"] = False
        elif indicator.noemer.soort == "bevolking":
            found["noemer_ruw"] = found[indicator.noemer.groep]
            found["noemer_is_bevolking"] = True
        else:
            noemer = counted[counted["sleutel"] == count_key(indicator.noemer)][keys + ["aantal"]].rename(columns={"aantal": "noemer_ruw"})
            found = found.merge(noemer, on=keys, how="left")
            found["noemer_ruw"] = found["noemer_ruw"].fillna(0).astype("int64")
            found["noemer_is_bevolking"] = False
    found["indicator_id"] = indicator.id
    found["periode_soort"] = soort
    found["teller_sleutel"] = count_key(indicator.teller)
    found["noemer_sleutel"] = count_key(indicator.noemer) if indicator.noemer is not None else ""
    found["factor"] = indicator.factor
    found["min_noemer"] = indicator.min_noemer
    found["eenheid"] = indicator.eenheid
    return found[CELL_COLUMNS]


def reference_cells(con, catalogue, regions=None, *, years=True) -> pd.DataFrame:
    """The definition: one indicator at a time."""
    catalogue = tuple(catalogue)
    regions = population() if regions is None else regions
    frames = []
    for soort, bron in SOURCES.items():
        if soort == JAAR and not years:
            continue
        indicators = [i for i in catalogue if soort == HALFJAAR or i.jaar]
        counted = _long(con, [c for i in indicators for c in (i.teller, i.noemer) if _counted(c)], bron)
        delivered = con.execute(f"SELECT DISTINCT periode, gemeente_code, domein FROM {bron} ORDER BY ALL").df()
        for indicator in indicators:
            found = _reference_indicator_cells(indicator, regions, delivered, counted, soort)
            if found is not None and len(found):
                frames.append(found)
    if not frames:
        return pd.DataFrame(columns=CELL_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _other(row, gemeente="GM0034", wijk="WK003400"):
    return {**row, "gemeente_code": gemeente, "wijk_code": wijk}


START = {"start_datum": pd.Timestamp("2025-02-01"), "aanvraag_datum": pd.Timestamp("2025-01-01")}
SCENARIOS = {
    "one domein without medians": [_row("a", "participatie", "P01"), _row("b", "participatie", "P02", wijk=None)],
    "one domein with a median": [_row("a", "wmo", "02", **START), _row("b", "wmo", "01")],
    "all domeinen, two gemeenten, both halves": [
        _row("fj", "jeugd", "01"), _row("fw", "wmo", "02", **START), _row("fp", "participatie", "P05"),
        _row("kind", "jeugd", "02", huishouden_pseudoniem="ouder"), _row("ouder", "participatie", "P01", wijk="WK035801"),
        _row("fj", "jeugd", "01", periode="2024-H2"), _row("oma", "wmo", "01", periode="2024-H2"),
        _row("fp", "participatie", "P05", periode="2024-H2"),
        _other(_row("x", "wmo", "02")), _other(_row("y", "jeugd", "01", periode="2024-H2")),
    ],
    "nothing of a kind of periode": [_row("a", "jeugd", "01", periode="2024-H1")],
}


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("years", [True, False])
def test_cells_equal_the_definition_one_indicator_at_a_time(tmp_path, name, years):
    path = tmp_path / "core.parquet"
    _core(SCENARIOS[name]).to_parquet(path)
    con = duckdb.connect()
    load_trajecten(con, [str(path)])
    expected = reference_cells(con, load_catalogue(), years=years)
    assert len(expected)
    pd.testing.assert_frame_equal(cells(con, load_catalogue(), years=years), expected)

