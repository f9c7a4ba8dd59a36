"""The DuckDB floor: the least work any intake must do — read every delivery file once and count
its distinct BSNs. The benchmark compares the real round with this, measured on the same files in
the same run (issue 12: a national round within 20× the floor).

    uv run --frozen python benchmarks/floor.py --inbox <home>/inbox [--json floor.json]

What is counted: every CSV and Parquet file under `inbox/<GM>/<periode>/`, one query per file
(`count(*)`, `count(DISTINCT bsn)`), the BSN column found by name whatever its case or spaces. A
CSV's separator and columns are taken from its first line and given to DuckDB (its sniffer costs
~15 ms a file, more than reading a typical file); a file that is not UTF-8 (the Windows-1252
exports) is read as Latin-1, the same characters for these files. Queries run on as many threads as the machine has cores, each file on one DuckDB cursor.
XLSX files are left out: DuckDB has no Excel reader without downloading an extension. Their rows
are counted separately (openpyxl, outside the timing) so the benchmark can say how many rows the
floor did not read and scale the floor by that share.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import openpyxl

READERS = (".csv", ".parquet")
BSN = "COLUMNS(lambda c: lower(trim(c)) = 'bsn')"


def delivery_files(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.glob("GM*/*/*") if p.is_file() and p.suffix.lower() in (*READERS, ".xlsx"))


def _csv_source(path: Path) -> tuple[str, str]:
    """The read_csv call for `path` with its dialect given (sniffing costs DuckDB ~15 ms a file, more
    than reading a 2,000-row file), and the name of its BSN column."""
    with open(path, "rb") as handle:
        header = handle.readline().decode("utf-8-sig", errors="replace").rstrip("\r\n")
    sep = ";" if header.count(";") > header.count(",") else ","
    columns = header.split(sep)
    bsn = next(c for c in columns if c.strip().lower() == "bsn")
    spec = "{" + ", ".join("'" + c.replace("'", "''") + "': 'VARCHAR'" for c in columns) + "}"
    source = f"read_csv(?, auto_detect = false, header = true, delim = '{sep}', quote = '\"', columns = {spec}"
    return source, bsn


def _count(cursor: duckdb.DuckDBPyConnection, path: Path) -> tuple[int, int]:
    if path.suffix.lower() == ".parquet":
        return cursor.execute(f"SELECT count(*), count(DISTINCT {BSN}) FROM read_parquet(?)", [str(path)]).fetchone()
    source, bsn = _csv_source(path)
    column = '"' + bsn.replace('"', '""') + '"'
    try:
        return cursor.execute(f"SELECT count(*), count(DISTINCT {column}) FROM {source})", [str(path)]).fetchone()
    except duckdb.Error:  # not UTF-8: a Windows-1252 export
        return cursor.execute(f"SELECT count(*), count(DISTINCT {column}) FROM {source}, encoding = 'latin-1')", [str(path)]).fetchone()


def xlsx_rows(path: Path) -> int:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return max(0, workbook.worksheets[0].max_row - 1)
    finally:
        workbook.close()


def measure(inbox: Path, threads: int | None = None) -> dict:
    files = delivery_files(inbox)
    readable = [p for p in files if p.suffix.lower() in READERS]
    excel = [p for p in files if p.suffix.lower() == ".xlsx"]
    threads = threads or os.cpu_count() or 1
    connection = duckdb.connect()
    connection.execute(f"SET threads = {threads}")
    cursors = [connection.cursor() for _ in range(threads)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        chunks = [readable[i::threads] for i in range(threads)]
        results = list(pool.map(lambda pair: [_count(pair[0], p) for p in pair[1]], zip(cursors, chunks)))
    seconds = time.perf_counter() - started
    counts = [row for chunk in results for row in chunk]
    excel_rows = sum(xlsx_rows(p) for p in excel)
    rows = sum(r for r, _ in counts)
    return {
        "files": len(readable),
        "rows": rows,
        "distinct_bsn_per_file_sum": sum(d for _, d in counts),
        "seconds": round(seconds, 3),
        "threads": threads,
        "xlsx_files_left_out": len(excel),
        "xlsx_rows_left_out": excel_rows,
        # The floor of every row, if the XLSX rows cost what the others do.
        "seconds_scaled_to_all_rows": round(seconds * (rows + excel_rows) / rows, 3) if rows else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="De DuckDB-vloer: alle aanleverbestanden lezen en per bestand de unieke BSN's tellen.")
    parser.add_argument("--inbox", type=Path, required=True, help="map met <GM>/<periode>/bestanden")
    parser.add_argument("--threads", type=int, help="aantal threads (standaard: aantal kernen)")
    parser.add_argument("--json", type=Path, help="schrijf het resultaat hierheen")
    args = parser.parse_args()
    result = measure(args.inbox, args.threads)
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
