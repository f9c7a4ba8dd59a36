"""DuckDB writes the published tables' CSV; it must be byte for byte the CSV `write_csv` writes, with the
same spreadsheet safety (formula cells and names neutralised), in both dialects."""

from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from vocabulary.csv_duckdb import copy_csv, parquet_source
from vocabulary.files import write_csv

TEXTS = ["=HYPERLINK(\"http://x\")", "+31 6", "-5", "@SUM(A1)", "\tverborgen", "\rterug", "a;b", "a,b", 'aan"hal"ing', "regel\nbreuk",
         "", None, "Súdwest-Fryslân", "'al veilig", " =spatie eerst"]  # fmt: skip
NUMBERS = [0.1, 1e-07, 1e22, 3.0, -2.5, math.nan, None, 12345.678901, 2 / 3, -0.0, 100.0, 7.25, 0.0, 1.5e-300, 42.0]


def _frame() -> pd.DataFrame:
    n = len(TEXTS)
    return pd.DataFrame({
        "tekst": pd.array(TEXTS, dtype="string"),
        "=kwaad": pd.array(["x"] * n, dtype="string"),
        "waarde": pd.array(NUMBERS, dtype="float64"),
        "aantal": pd.array([i if i % 4 else None for i in range(n)], dtype="Int64"),
        "geheim": pd.array([True, False, None] * (n // 3), dtype="boolean"),
        "moment": pd.to_datetime(["2026-12-01 14:57:03"] * n),
    })  # fmt: skip


@pytest.mark.parametrize("dutch", [True, False])
@pytest.mark.parametrize("rows", [slice(None), slice(0, 0)])
def test_duckdb_writes_the_same_csv_as_write_csv(tmp_path, dutch, rows):
    frame = _frame().iloc[rows].reset_index(drop=True)
    expected = write_csv(frame, tmp_path / "pandas.csv", dutch=dutch).read_bytes()
    with duckdb.connect() as con:
        con.register("tabel", frame)
        written = copy_csv(con, "tabel", tmp_path / "duckdb.csv", dutch=dutch).read_bytes()
    text = written.decode("utf-8")
    # The one difference: DuckDB quotes a carriage return, which Python's csv module leaves bare.
    assert text.replace("\"'\rterug\"", "'\rterug") == expected.decode("utf-8")
    assert text.startswith("\ufefftekst;'=kwaad;") if dutch else text.startswith("tekst,'=kwaad,")
    if len(frame):
        assert all(f"'{cell}" in text for cell in ("=HYPERLINK", "+31 6", "-5", "@SUM(A1)", "\tverborgen", "\rterug"))


def test_a_parquet_file_is_written_as_its_table(tmp_path):
    frame = _frame()
    frame.to_parquet(tmp_path / "release.parquet", index=False)
    expected = write_csv(pd.read_parquet(tmp_path / "release.parquet"), tmp_path / "pandas.csv", dutch=True).read_bytes()
    with duckdb.connect() as con:
        written = copy_csv(con, parquet_source(tmp_path / "release.parquet"), tmp_path / "duckdb.csv", dutch=True).read_bytes()
    assert written.replace(b"\"'\rterug\"", b"'\rterug") == expected
    assert not [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
