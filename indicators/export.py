"""Export the published tables for people who do not use DuckDB: Parquet, CSV, or Dutch CSV.

Every table of the `publish` schema leaves (indicatoren, benchmark, peergroepen, releases,
revisies, indicatoren_catalogus), with the declared types (contracts.publish): counts stay whole
numbers. The audit trail and reference tables stay with the operator. CSV goes through
`vocabulary.files.write_csv` (spreadsheet formulas neutralised); Dutch CSV follows what Dutch Excel
expects (`;` between fields, decimal comma, UTF-8 with BOM, ja/nee). Files are written to a
temporary folder and renamed into place, so a half-written export never replaces a complete one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import duckdb
import pandas as pd
from vocabulary.csv_duckdb import copy_csv
from vocabulary.duckdb_frames import converts_like_duckdb, like_duckdb

FORMATS = ("parquet", "csv")


def _names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'publish' ORDER BY table_name").fetchall()]


def published_tables(warehouse: Path, rows: Callable[[duckdb.DuckDBPyConnection], Mapping[str, str]] | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the `publish` schema as a pandas frame (what the site is built from).

    `rows`: given the connection, {table: SQL condition} for tables of which only some rows are
    wanted (a filter keeps the table's order); every other table whole."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        where = rows(con) if rows is not None else {}
        return {name: query_frame(con, f'SELECT * FROM publish."{name}"' + (f" WHERE {where[name]}" if name in where else ""))
                for name in _names(con)}  # fmt: skip


def query_frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    """The result of `sql` as the pandas frame DuckDB's `.df()` gives, made through Arrow (see
    vocabulary.duckdb_frames); a result with other types than the published tables have is left to `.df()`."""
    relation = con.sql(sql)
    table = relation.to_arrow_table()
    return like_duckdb(table) if converts_like_duckdb(table.schema) else relation.df()


def export_published(warehouse: Path, out_dir: Path, *, formaat: str = "parquet", nederlands: bool = False) -> list[Path]:
    """Write every publish table to `out_dir/<table>.<ext>`; returns the files written."""
    if formaat not in FORMATS:
        raise ValueError(f"formaat '{formaat}' is onbekend; kies parquet of csv.")
    if nederlands and formaat != "csv":
        raise ValueError("--nl geldt alleen voor csv.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".export-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    written = []
    try:
        # One table at a time, straight from DuckDB (CSV as `write_csv` writes it): memory stays next
        # to nothing, however many periodes are published.
        with duckdb.connect(str(warehouse), read_only=True) as con:
            for name in _names(con):
                target = staging / f"{name}.{formaat}"
                if formaat == "parquet":
                    con.table(f'publish."{name}"').write_parquet(str(target))
                else:
                    copy_csv(con, f'publish."{name}"', target, dutch=nederlands)
                written.append(target.name)
        for name in written:
            os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / name for name in written]
