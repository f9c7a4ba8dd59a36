"""The warehouse build: tables read straight from disk or taken from the concept equal the computed ones."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pandas as pd

from indicators.benchmark import benchmark
from indicators.concept import benchmark_path, groups_path, indicatoren_path, read_concept
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
