"""The indicator catalogue is data: every declaration is complete and checked on load."""

import pytest

from indicators.catalogus import CatalogueError, load_catalogue, parse_catalogue


def test_catalogue_loads_with_required_indicators():
    ids = {i.id for i in load_catalogue()}
    assert {"wmo_per_1000", "jeugd_pct"} <= ids
    for indicator in load_catalogue():
        assert indicator.titel and indicator.omschrijving and indicator.teller.omschrijving
        assert indicator.matrix.get("functie") in ("rechtmatigheid", "doeltreffendheid", "doelmatigheid")


def test_bad_declarations_are_refused():
    good = {"id": "x", "titel": "t", "omschrijving": "o", "domein": "wmo", "gegevensset": "basis", "eenheid": "pct",
            "teller": {"omschrijving": "t", "soort": "personen", "voorwaarde": "true"},
            "noemer": {"omschrijving": "n", "soort": "bevolking", "groep": "inwoners"}, "min_noemer": 1}
    parse_catalogue([good])
    with pytest.raises(CatalogueError, match="twice"):
        parse_catalogue([good, good])
    with pytest.raises(CatalogueError, match="population group"):
        parse_catalogue([{**good, "noemer": {"omschrijving": "n", "soort": "bevolking", "groep": "katten"}}])
    with pytest.raises(CatalogueError, match="eenheid"):
        parse_catalogue([{**good, "eenheid": "euro"}])


def test_indicator_documentation_is_generated_and_up_to_date():
    from indicators.documentation import DOC_PATH, render_markdown

    assert DOC_PATH.read_text(encoding="utf-8") == render_markdown(), "run `uv run python -m indicators.documentation`"
    for indicator in load_catalogue():
        assert f"`{indicator.id}`" in render_markdown()
