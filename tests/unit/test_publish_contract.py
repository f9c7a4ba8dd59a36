"""The published tables are declared once (contracts.publish); the warehouse, the checks, the site and
the analysts' guide follow that one declaration."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from clearinghouse import disclosure
from contracts import publish
from dashboards import data as site_data
from indicators.documentation import ANALYSTS_PATH, analysts_markdown
from indicators.releases import DEFINITIEF, NADER_VOORLOPIG, REVISION_COLUMNS, VOORLOPIG


def test_the_analysts_guide_describes_the_declared_tables():
    text = ANALYSTS_PATH.read_text(encoding="utf-8")
    assert text == analysts_markdown(text), "run `uv run python -m indicators.documentation`"
    for table in publish.TABLES.values():
        assert f"### `{table.naam}`" in text
        for kolom in table.kolommen:
            assert f"| `{kolom.naam}` |" in text


def test_a_declared_table_is_written_with_exactly_its_columns_and_types():
    frame = pd.DataFrame({
        "release_id": ["2025-H1-r1"], "periode": ["2025-H1"], "status": ["voorlopig"],
        "gepubliceerd_op": [pd.Timestamp("2025-09-01 10:00")], "cijfers": [12.0], "herzien": [0.0],
        "vorige_release": [None], "intern": ["niet publiceren"],
    })  # fmt: skip
    con = duckdb.connect()
    con.execute("CREATE SCHEMA publish")
    con.register("frame_df", frame)
    con.execute(publish.create_sql("publish.releases", "frame_df"))
    publish.write_comments(con)
    columns = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = 'releases' ORDER BY column_index"
    ).fetchall()
    declared = publish.RELEASES.kolommen
    assert [(c, t) for c, t, _ in columns] == [(k.naam, k.type) for k in declared]  # 'intern' is not published
    assert [comment for _, _, comment in columns] == [k.toelichting for k in declared]
    assert con.execute("SELECT cijfers FROM publish.releases").fetchall() == [(12,)]  # a count is a whole number
    con.register("incomplete", frame.drop(columns=["herzien"]))
    with pytest.raises(duckdb.BinderException):
        con.execute(publish.create_sql("publish.releases", "incomplete").replace("publish.releases", "publish.x"))


def test_the_vocabularies_of_the_columns_are_the_ones_the_code_produces():
    reasons = publish.INDICATOREN.kolom("geheim_reden")
    assert set(reasons.waarden) == {disclosure.KLEIN_AANTAL, disclosure.NOEMER_TE_KLEIN, disclosure.TE_WEINIG_TRAJECTEN,
                                    disclosure.AANVULLEND_GEHEIM}  # fmt: skip
    for reason in reasons.waarden:
        assert reason in reasons.toelichting  # the comment lists every reason
    assert {VOORLOPIG, NADER_VOORLOPIG, DEFINITIEF} == set(publish.RELEASES.kolom("status").waarden)
    assert "periode_soort" in publish.column_names("publish.indicatoren")
    assert tuple(REVISION_COLUMNS) == publish.column_names("publish.revisies")
    assert publish.column_names("concept.benchmark") == publish.column_names("publish.benchmark")


def test_the_site_reads_the_declared_columns():
    assert tuple(site_data.REQUIRED_COLUMNS) == publish.column_names("publish.indicatoren")
    assert tuple(site_data.BENCHMARK_COLUMNS) == publish.column_names("publish.benchmark")


def test_every_declared_column_has_a_dutch_description_and_a_known_type():
    for table in publish.TABLES.values():
        assert table.omschrijving.endswith(".") and set(table.sleutel) <= set(table.kolomnamen)
        for kolom in table.kolommen:
            assert kolom.type in publish.TYPE_NAMEN, (table.naam, kolom.naam)
            assert kolom.omschrijving.endswith("."), (table.naam, kolom.naam)
