"""The warehouse build: tables read straight from disk or taken from the concept equal the computed ones."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pandas as pd

from indicators.benchmark import benchmark
from indicators.concept import benchmark_path, groups_path, indicatoren_path, read_concept
from indicators.export import published_tables, query_frame
from indicators.peers import peer_groups
from indicators.releases import load_published, publish_release
from indicators.warehouse import ParquetFiles, tables, write_warehouse
from tests.fixtures.published import indicatoren
from vocabulary import files
from vocabulary.home import Home

NOW = datetime(2025, 9, 1, tzinfo=timezone.utc)


def _published_home(tmp_path) -> Home:
    """A home whose concept (figures, peer groups, benchmark, as build_concept writes them) is published."""
    home = Home(tmp_path / "home")
    figures = indicatoren().assign(status="concept", release="concept")
    groups = peer_groups(figures["gemeente_code"])
    files.write_parquet(figures, indicatoren_path(home))
    files.write_parquet(groups, groups_path(home))
    files.write_parquet(benchmark(figures, groups), benchmark_path(home))
    for periode in sorted(figures["periode"].unique()):
        publish_release(read_concept(home), home.releases, periode, now=NOW)
    return home


def _rows(path, table: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"SELECT * FROM {table}").fetchall()


def _computed(tmp_path, home: Home) -> dict[str, list[tuple]]:
    """publish.benchmark and publish.peergroepen computed from the releases, written the way the build writes a frame."""
    released = load_published(home.releases)[0]
    groups = peer_groups(released["gemeente_code"])
    write_warehouse(tmp_path / "computed.duckdb", [("publish.benchmark", benchmark(released, groups)), ("publish.peergroepen", groups)])
    return {name: _rows(tmp_path / "computed.duckdb", name) for name in ("publish.benchmark", "publish.peergroepen")}


def test_published_benchmark_taken_from_the_published_concept_equals_the_computed_one(tmp_path):
    home = _published_home(tmp_path)
    sources = dict(tables(home))
    assert isinstance(sources["publish.benchmark"], ParquetFiles) and isinstance(sources["publish.peergroepen"], ParquetFiles)
    summary = write_warehouse(tmp_path / "w.duckdb", tables(home))
    assert summary.published_rows == summary.concept_rows == len(indicatoren())
    assert len(summary.releases) == 2
    expected = _computed(tmp_path, home)
    assert expected["publish.benchmark"]
    for name, rows in expected.items():
        assert _rows(tmp_path / "w.duckdb", name) == rows


def test_published_benchmark_computed_when_the_concept_changed_since(tmp_path):
    home = _published_home(tmp_path)
    figures = read_concept(home)
    figures.loc[0, "waarde"] = figures.loc[0, "waarde"] + 1  # a new round: the concept is no longer what is published
    files.write_parquet(figures, indicatoren_path(home))
    sources = dict(tables(home))
    assert isinstance(sources["publish.benchmark"], pd.DataFrame)
    write_warehouse(tmp_path / "w.duckdb", tables(home))
    for name, rows in _computed(tmp_path, home).items():
        assert _rows(tmp_path / "w.duckdb", name) == rows


def _all_rows(path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [f"{schema}.{name}" for schema, name in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY ALL").fetchall()]
        return {name: con.execute(f"SELECT * FROM {name}").fetchall() for name in names}


def _temporaries(home: Home) -> list:
    return sorted(p.name for p in home.root.rglob(f".*{files.TEMP_MARK}*"))


def test_a_warehouse_built_ahead_is_the_one_built_after_and_leaves_nothing_behind(tmp_path):
    from indicators.warehouse import build_warehouse, built_ahead, start_warehouse

    home = _published_home(tmp_path)
    expected = write_warehouse(tmp_path / "na.duckdb", tables(home))
    with built_ahead():
        start_warehouse(home)
        summary = build_warehouse(home)
    assert summary.path == home.warehouse and summary.releases == expected.releases
    assert _all_rows(home.warehouse) == _all_rows(tmp_path / "na.duckdb")
    assert _temporaries(home) == []
    start_warehouse(home)  # outside a command that builds ahead: nothing starts
    assert _temporaries(home) == []


def test_a_warehouse_built_ahead_of_files_that_changed_since_is_not_used(tmp_path):
    import indicators.warehouse as warehouse
    from indicators.warehouse import build_warehouse, built_ahead, start_warehouse

    home = _published_home(tmp_path)
    with built_ahead():
        start_warehouse(home)
        warehouse._AHEAD["build"].future.result()  # built ahead, from the files as they were
        figures = read_concept(home)
        figures.loc[0, "waarde"] = figures.loc[0, "waarde"] + 1  # the concept rewritten after the build started
        files.write_parquet(figures, indicatoren_path(home))
        build_warehouse(home)
    write_warehouse(tmp_path / "na.duckdb", tables(home))
    assert _all_rows(home.warehouse) == _all_rows(tmp_path / "na.duckdb")
    assert _rows(home.warehouse, "concept.indicatoren") != _rows(tmp_path / "na.duckdb", "publish.indicatoren")  # the change is in
    assert _temporaries(home) == []


def test_a_warehouse_built_ahead_and_not_asked_for_or_failed_is_removed(tmp_path, monkeypatch):
    import threading

    import indicators.warehouse as warehouse

    home = _published_home(tmp_path)
    with warehouse.built_ahead():  # the checks failed: no warehouse step follows
        warehouse.start_warehouse(home)
    assert _temporaries(home) == [] and not home.warehouse.exists()

    written = warehouse._write_file

    def fails_ahead(path, frames):
        if threading.current_thread().name.startswith("warehouse-vooruit"):
            raise duckdb.IOException("schijf vol")
        return written(path, frames)

    monkeypatch.setattr(warehouse, "_write_file", fails_ahead)
    with warehouse.built_ahead():
        warehouse.start_warehouse(home)
        warehouse.build_warehouse(home)  # builds itself
    assert _all_rows(home.warehouse) == _all_rows(write_warehouse(tmp_path / "na.duckdb", tables(home)).path)
    assert _temporaries(home) == []


# The site reads the published tables through Arrow (indicators.export.query_frame), not DuckDB's
# `.df()`, which is ~4× slower; the pages must get the very same frames: dtypes and values.
EDGE_QUERIES = {
    "every published type, with and without an empty cell": "SELECT * FROM (VALUES "
    "('a', 1::BIGINT, 1.5::DOUBLE, TRUE, TIMESTAMP '2026-01-01 10:00'), (NULL, NULL, NULL, NULL, NULL), "
    "('c', 3::BIGINT, 2.5::DOUBLE, FALSE, TIMESTAMP '2026-07-01')) t(tekst, geheel, getal, ja_nee, tijdstip)",
    "whole numbers and booleans without an empty cell": "SELECT i::BIGINT AS geheel, i % 2 = 0 AS ja_nee FROM range(3) r(i)",
    "columns without any value": "SELECT NULL::VARCHAR AS tekst, NULL::BIGINT AS geheel, NULL::DOUBLE AS getal, "
    "NULL::BOOLEAN AS ja_nee, NULL::TIMESTAMP AS tijdstip FROM range(2)",
    "no rows": "SELECT 'x' AS tekst, 1::BIGINT AS geheel, 1.0::DOUBLE AS getal, TRUE AS ja_nee, TIMESTAMP '2026-01-01' AS tijdstip "
    "WHERE FALSE",
    "other widths and types (left to .df())": "SELECT * FROM (VALUES (1::INTEGER, 2::SMALLINT, DATE '2026-01-01', 1.25::DECIMAL(5,2)), "
    "(NULL, NULL, NULL, NULL)) t(a, b, c, d)",
}


def test_published_tables_are_the_frames_duckdb_gives(tmp_path):
    home = _published_home(tmp_path)
    write_warehouse(home.warehouse, tables(home))
    found = published_tables(home.warehouse)
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        names = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'publish'").fetchall()]
        assert sorted(found) == sorted(names) and "indicatoren" in found
        for name in names:
            pd.testing.assert_frame_equal(found[name], con.execute(f'SELECT * FROM publish."{name}"').df(), check_exact=True)
        assert found["indicatoren"]["teller"].isna().any()  # the fixture has secret (empty) counts: nullable Int64
        assert str(found["indicatoren"]["teller"].dtype) == "Int64"
    con = duckdb.connect()
    for label, sql in EDGE_QUERIES.items():
        pd.testing.assert_frame_equal(query_frame(con, sql), con.execute(sql).df(), check_exact=True, obj=label)
