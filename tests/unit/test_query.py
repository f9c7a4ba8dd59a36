"""`gmsd sql` is read-only and sealed: an attack that once worked (COPY over core/, reading
/etc/hostname, INSTALL from the network) now gets a Dutch refusal and changes nothing."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from gmsd.cli import app
from indicators.query import QueryError, run_query


@pytest.fixture()
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA publish")
        con.execute("CREATE TABLE publish.indicatoren AS SELECT 'wmo_per_1000' AS indicator_id, 73.6 AS waarde, NULL AS teller")
    return path


def test_a_query_reads_the_warehouse(warehouse):
    assert run_query(warehouse, "SELECT indicator_id, waarde FROM publish.indicatoren").values.tolist() == [["wmo_per_1000", 73.6]]


@pytest.mark.parametrize(
    "attack",
    [
        "COPY publish.indicatoren TO '{target}'",
        "SELECT * FROM read_text('/etc/hostname')",
        "INSTALL httpfs",
        "ATTACH '{target}.duckdb' AS ander",
        "SET enable_external_access = true",
        "CREATE TABLE publish.erbij AS SELECT 1",
    ],
)
def test_it_cannot_write_read_outside_or_reach_the_network(warehouse, tmp_path, attack):
    target = tmp_path / "core.parquet"
    target.write_text("onaangetast")
    with pytest.raises(QueryError):
        run_query(warehouse, attack.format(target=target))
    assert target.read_text() == "onaangetast"


def test_the_command_refuses_in_dutch_and_shows_null_as_empty(warehouse, tmp_path):
    runner = CliRunner()
    home = warehouse.parent
    refused = runner.invoke(app, ["sql", "--home", str(home), "SELECT * FROM read_text('/etc/hostname')"])
    assert refused.exit_code == 2 and "alleen te lezen" in refused.output
    shown = runner.invoke(app, ["sql", "--home", str(home), "SELECT indicator_id, teller FROM publish.indicatoren"])
    assert shown.exit_code == 0 and "wmo_per_1000" in shown.output
    assert "." not in shown.output.split("wmo_per_1000")[1].splitlines()[0]  # NULL is empty, never '.'
