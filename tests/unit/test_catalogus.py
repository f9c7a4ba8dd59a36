"""The indicator catalogue is data: every declaration is complete and checked on load."""

import pytest

from contracts.publish import CATALOGUS, EENHEDEN, RICHTINGEN
from indicators.catalogus import UNITS, CatalogueError, catalogue_table, load_catalogue, parse_catalogue
from indicators.documentation import DOC_PATH, render_markdown

GOOD = {"id": "x", "titel": "t", "omschrijving": "o", "domein": "wmo", "gegevensset": "basis", "eenheid": "pct",
        "richting": "neutraal", "teller": {"omschrijving": "t", "soort": "personen", "voorwaarde": "true"},
        "noemer": {"omschrijving": "n", "soort": "bevolking", "groep": "inwoners"}, "min_noemer": 1}  # fmt: skip


def test_catalogue_loads_with_required_indicators():
    ids = {i.id for i in load_catalogue()}
    assert {"wmo_per_1000", "jeugd_pct"} <= ids
    for indicator in load_catalogue():
        assert indicator.titel and indicator.omschrijving and indicator.teller.omschrijving
        assert indicator.matrix.get("functie") in ("rechtmatigheid", "doeltreffendheid", "doelmatigheid")
        assert indicator.richting in RICHTINGEN
    assert tuple(UNITS) == EENHEDEN  # every published eenheid has a label and a factor
    by_id = {i.id: i for i in load_catalogue()}
    assert by_id["doorlooptijd_wmo_dagen"].richting == "lager_is_beter"
    assert by_id["resultaat_wmo_pct"].richting == "hoger_is_beter"
    assert by_id["jeugd_pct"].verandering_label == "procentpunten" and by_id["wmo_per_1000"].verandering_label == "per 1.000"


def test_bad_declarations_are_refused():
    good = GOOD
    parse_catalogue([good])
    with pytest.raises(CatalogueError, match="twice"):
        parse_catalogue([good, good])
    with pytest.raises(CatalogueError, match="population group"):
        parse_catalogue([{**good, "noemer": {"omschrijving": "n", "soort": "bevolking", "groep": "katten"}}])
    with pytest.raises(CatalogueError, match="eenheid"):
        parse_catalogue([{**good, "eenheid": "euro"}])
    with pytest.raises(CatalogueError, match="richting"):
        parse_catalogue([{k: v for k, v in good.items() if k != "richting"}])
    with pytest.raises(CatalogueError, match="richting"):
        parse_catalogue([{**good, "richting": "hoger"}])


def test_kanttekeningen_are_declared_per_periode_and_checked():
    (indicator,) = parse_catalogue([{**GOOD, "kanttekeningen": [
        {"periode": "2025-h1", "soort": "trendbreuk", "tekst": "Vanaf 2025-H1 telt ook X mee."},
        {"soort": "opmerking", "tekst": "Geldt altijd."},
    ]}])  # fmt: skip
    breuk, altijd = indicator.kanttekeningen
    assert (breuk.periode, breuk.soort, breuk.tekst) == ("2025-H1", "trendbreuk", "Vanaf 2025-H1 telt ook X mee.")
    assert altijd.periode is None and altijd.soort == "opmerking"
    assert indicator.kanttekeningen_voor("2025-H1") == (breuk, altijd)
    assert indicator.kanttekeningen_voor("2024-H2") == (altijd,)
    for bad, message in [
        ({"periode": "2025-H1", "soort": "waarschuwing", "tekst": "t"}, "soort"),
        ({"periode": "2025-H3", "soort": "opmerking", "tekst": "t"}, "periode"),
        ({"soort": "trendbreuk", "tekst": "t"}, "trendbreuk"),
        ({"soort": "opmerking", "tekst": " "}, "tekst"),
        ({"soort": "opmerking", "tekst": "t", "datum": "2025"}, "kanttekening"),
    ]:
        with pytest.raises(CatalogueError, match=message):
            parse_catalogue([{**GOOD, "kanttekeningen": [bad]}])
    estimated = {i.id: i for i in load_catalogue()}["jeugd_pct"]
    assert any("geschat" in k.tekst for k in estimated.kanttekeningen)  # the noemer is an estimate, and says so


def test_catalogue_table_has_the_declared_columns_and_one_row_per_indicator():
    catalogue = load_catalogue()
    table = catalogue_table(catalogue)
    assert tuple(table.columns) == CATALOGUS.kolomnamen and len(table) == len(catalogue)
    row = table.set_index("id").loc["bijstand_per_1000"]
    assert row["richting"] == "neutraal" and row["eenheid"] == "per_1000" and row["matrixcel"] == "werk en inkomen × doeltreffendheid"
    assert "CBS" in row["bron"] and "geschat" in row["bron"] and "geschat" in row["kanttekeningen"]
    assert table.set_index("id").loc["instroom_wmo", ["noemer", "kanttekeningen"]].isna().all()


def test_indicator_documentation_is_generated_and_up_to_date():
    assert DOC_PATH.read_text(encoding="utf-8") == render_markdown(), "run `uv run python -m indicators.documentation`"
    for indicator in load_catalogue():
        assert f"`{indicator.id}`" in render_markdown()
