"""Would a DuckDB-native intake be faster? The same CSV deliveries through both engines. Run by hand
(never in CI):

    uv run --frozen python benchmarks/duckdb_intake.py --inbox <home>/inbox

The question (issue 12): a national round is ~30× the DuckDB floor, and nearly all of it is CPU work
per row in the intake. Would doing that work in DuckDB SQL instead of the project's Arrow/NumPy code
cut it by the factor of 2–3 that 20× needs? This measures, in one run on the same CSV files:

- **the project**: `read_delivery` of every CSV (cells as text), then `check_files` without a key
  (reading, normalising and every rule of the contract, with the report's findings: what the intake
  does before it pseudonymises);
- **DuckDB**: every CSV read with its dialect given (as `floor.py` does: no sniffing) into text
  columns, then normalisation of 15 columns in SQL and 23 checks as one bit mask per row.

The DuckDB side is a *lower bound* of a DuckDB intake: it normalises fewer columns than the contract
has, makes no report rows (row number, column as delivered, masked value), reads no XLSX or Parquet
and is not held equal to the contract. If even that is not clearly cheaper per row, a change of
engine cannot deliver the factor. CPU seconds of this process are compared (DuckDB's threads
included), so a busy machine distorts them less than wall time. The results are in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from clearinghouse.filecheck import FileTask, check_files
from clearinghouse.manifest import read_manifest
from clearinghouse.reading import read_delivery
from floor import _csv_source
from vocabulary.periode import Periode


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Clock:
    """Wall and CPU seconds per step, printed as a Markdown table."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []
        self._wall, self._cpu = time.perf_counter(), _cpu()

    def reset(self) -> None:
        self._wall, self._cpu = time.perf_counter(), _cpu()

    def step(self, label: str) -> None:
        wall, cpu = time.perf_counter(), _cpu()
        self.rows.append((label, wall - self._wall, cpu - self._cpu))
        self._wall, self._cpu = wall, cpu


def csv_tasks(inbox: Path) -> list[FileTask]:
    """Every CSV file named in a manifest under `inbox/<GM>/<periode>/`, with its domein."""
    tasks = []
    for folder in sorted(p for p in inbox.glob("GM*/*") if p.is_dir()):
        periode = Periode.halfjaar(folder.name)
        manifest = read_manifest(folder, gemeente_code=folder.parent.name, periode=periode.code)
        for entry in manifest.bestanden:
            if entry.bestand.lower().endswith(".csv"):
                tasks.append(FileTask(folder / entry.bestand, entry.domein, folder.parent.name, periode))
    return tasks


def project(tasks: list[FileTask], clock: Clock) -> int:
    rows = sum(len(read_delivery(task.path).rows) for task in tasks)
    clock.step("project: lezen (read_delivery)")
    outcomes = check_files(tasks, key=None, geography=None)
    clock.step("project: lezen + normaliseren + alle regels (check_files)")
    if sum(outcome.rijen_gelezen for outcome in outcomes) != rows:
        raise SystemExit("check_files las een ander aantal regels dan read_delivery")
    return rows


def _read(cursor: duckdb.DuckDBPyConnection, path: Path) -> pa.Table:
    source, _ = _csv_source(path)
    try:
        table = cursor.sql(f"SELECT * FROM {source})", params=[str(path)]).to_arrow_table()
    except duckdb.Error:  # a Windows-1252 export
        table = cursor.sql(f"SELECT * FROM {source}, encoding = 'latin-1')", params=[str(path)]).to_arrow_table()
    return table.rename_columns([name.strip().lower() for name in table.column_names])


def _text(columns: list[str], name: str) -> str:
    return f"nullif(trim({name}), '')" if name in columns else "NULL::VARCHAR"


def _date(columns: list[str], name: str) -> str:
    value = _text(columns, name)
    return (f"CASE length({value}) WHEN 8 THEN try_strptime({value}, '%Y%m%d') WHEN 10 THEN CASE WHEN substr({value}, 5, 1) = '-' "
            f"THEN try_strptime({value}, '%Y-%m-%d') ELSE try_strptime({value}, '%d-%m-%Y') END END")  # fmt: skip


def _normalise_sql(columns: list[str]) -> str:
    t, d = (lambda name: _text(columns, name)), (lambda name: _date(columns, name))
    return f"""
SELECT CASE WHEN upper({t('gemeentecode')}) LIKE 'GM%' THEN upper({t('gemeentecode')}) ELSE 'GM' || lpad({t('gemeentecode')}, 4, '0') END AS gemeentecode,
       CASE WHEN length({t('bsn')}) = 9 THEN {t('bsn')} ELSE lpad(regexp_replace({t('bsn')}, '[\\s.]', '', 'g'), 9, '0') END AS bsn,
       {d('geboortedatum')} AS geboortedatum, {t('geboortedatum')} AS geboortedatum_geleverd,
       CASE upper({t('geslacht')}) WHEN 'X' THEN 'O' ELSE upper({t('geslacht')}) END AS geslacht,
       replace(upper({t('postcode')}), ' ', '') AS postcode,
       try_cast(regexp_extract({t('huisnummer')}, '^[0-9]+') AS BIGINT) AS huisnummer,
       upper({t('herkomst')}) AS herkomst, upper({t('aanbieder_id')}) AS aanbieder_id,
       {d('datum_aanvraag')} AS datum_aanvraag, {d('datum_start')} AS datum_start, {t('datum_start')} AS datum_start_geleverd,
       {d('datum_einde')} AS datum_einde, {t('datum_einde')} AS datum_einde_geleverd,
       CASE WHEN length({t('voorziening')}) = 1 THEN '0' || {t('voorziening')} ELSE upper({t('voorziening')}) END AS voorziening,
       upper({t('leveringsvorm')}) AS leveringsvorm, lower({t('resultaat')}) AS resultaat,
       try_cast(replace({t('kosten_euro')}, ',', '.') AS DOUBLE) AS kosten_euro
FROM geleverd"""


_ELFPROEF = " + ".join(f"{weight} * (ascii(substr(bsn, {i + 1}, 1)) - 48)" for i, weight in enumerate((9, 8, 7, 6, 5, 4, 3, 2, -1)))
CHECKS = {
    "gemeentecode": "NOT regexp_full_match(gemeentecode, 'GM[0-9]{4}')",
    "bsn_verplicht": "bsn IS NULL",
    "bsn_formaat": "NOT regexp_full_match(bsn, '[0-9]{9}')",
    "bsn_elfproef": f"regexp_full_match(bsn, '[0-9]{{9}}') AND ({_ELFPROEF}) % 11 <> 0",
    "geboortedatum_verplicht": "geboortedatum_geleverd IS NULL",
    "geboortedatum_onleesbaar": "geboortedatum_geleverd IS NOT NULL AND geboortedatum IS NULL",
    "geboortedatum_bereik": "geboortedatum > DATE '2026-12-31' OR geboortedatum < DATE '1900-01-01'",
    "geslacht": "geslacht NOT IN ('M', 'V', 'O')",
    "postcode": "NOT regexp_full_match(postcode, '[1-9][0-9]{3}[A-Z]{2}')",
    "huisnummer": "huisnummer < 1",
    "herkomst": "herkomst NOT IN ('NL', 'EU', 'NEU', 'ONB')",
    "aanbieder_id": "NOT regexp_full_match(aanbieder_id, '[0-9]{8}')",
    "datum_start_verplicht": "datum_start_geleverd IS NULL",
    "datum_start_onleesbaar": "datum_start_geleverd IS NOT NULL AND datum_start IS NULL",
    "datum_einde_onleesbaar": "datum_einde_geleverd IS NOT NULL AND datum_einde IS NULL",
    "einde_na_start": "datum_einde < datum_start",
    "aanvraag_voor_start": "datum_aanvraag > datum_start",
    "overlapt_periode": "datum_start > DATE '2026-06-30' OR datum_einde < DATE '2026-01-01'",
    "voorziening": "NOT regexp_full_match(voorziening, '[0-9A-Z]{2,3}')",
    "leveringsvorm": "leveringsvorm NOT IN ('ZIN', 'PGB', 'ONB')",
    "resultaat": "resultaat NOT IN ('behaald', 'deels', 'niet', 'onbekend')",
    "kosten_bereik": "kosten_euro < 0 OR kosten_euro > 1000000",
    "leeftijd": "date_diff('year', geboortedatum, DATE '2026-06-30') > 120",
}


def duck(tasks: list[FileTask], clock: Clock, threads: int) -> int:
    connection = duckdb.connect()
    connection.execute(f"SET threads = {threads}")
    tables = [_read(connection, task.path) for task in tasks]
    clock.step("DuckDB: lezen (dialect gegeven, alle kolommen)")
    stacked = pa.concat_tables(tables, promote_options="default")
    connection.register("geleverd", stacked)
    clock.step("DuckDB: stapelen (Arrow)")
    connection.execute(f"CREATE TABLE genormaliseerd AS {_normalise_sql(stacked.column_names)}")
    clock.step("DuckDB: normaliseren (15 kolommen)")
    bits = " | ".join(f"(CASE WHEN coalesce({sql}, FALSE) THEN {1 << i} ELSE 0 END)::BIGINT" for i, sql in enumerate(CHECKS.values()))
    connection.execute(f"CREATE TABLE gecontroleerd AS SELECT *, {bits} AS gebroken FROM genormaliseerd")
    clock.step(f"DuckDB: {len(CHECKS)} regels als bitmasker")
    return connection.execute("SELECT count(*) FROM gecontroleerd").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description="Een DuckDB-intake vergeleken met die van het project, op dezelfde CSV-bestanden.")
    parser.add_argument("--inbox", type=Path, required=True, help="map met <GM>/<periode>/bestanden en manifest")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB-threads (standaard 2)")
    args = parser.parse_args()
    tasks = csv_tasks(args.inbox)
    clock = Clock()
    rows = project(tasks, clock)
    clock.reset()
    duck_rows = duck(tasks, clock, args.threads)
    if duck_rows != rows:
        print(f"Let op: DuckDB las {duck_rows:,} regels, het project {rows:,}.")
    print(f"{len(tasks):,} CSV-bestanden, {rows:,} regels\n")
    print("| stap | wall (s) | CPU (s) |\n|---|---:|---:|")
    for label, wall, cpu in clock.rows:
        print(f"| {label} | {wall:.2f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
