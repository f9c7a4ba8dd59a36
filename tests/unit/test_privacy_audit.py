"""The privacy audit reads Dagster's SQLite run storage the way it reads the warehouse: value by value.

Found in CI (2 Dec 2026): the audit flagged `dagster/history/runs.db` for an 11-proef number that was
no BSN. In the raw bytes of a `run_tags` row the header byte of the 20-character value
`gmsd run --publiceer` is the character '5', and it sits right before the run id; a run id whose first
group is 8 digits then reads as a 9-digit number, which passes the 11-proef one time in eleven.
"""

from __future__ import annotations

import sqlite3
import zlib
from contextlib import closing
from pathlib import Path

import duckdb
import pandas as pd

from clearinghouse.privacy_audit import Needles, scan
from contracts.delivery import elfproef


def _run_id_that_reads_as_a_bsn_after_a_5() -> str:
    """A run id like Dagster's whose first group, after the character '5', passes the 11-proef."""
    group = next(str(n) for n in range(10_000_000, 10_001_000) if elfproef(pd.Series(["5" + str(n)])).all())
    return f"{group}-840a-4139-877c-4129dbd78ca3"


def _run_storage(path: Path, rows: list[tuple], blobs: list[bytes] = ()) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as con, con:
        con.execute("PRAGMA journal_mode = WAL")  # as Dagster's run storage
        con.execute("CREATE TABLE run_tags (id INTEGER PRIMARY KEY, run_id TEXT, key TEXT, value TEXT)")
        con.executemany("INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)", rows)
        con.execute("CREATE TABLE snapshots (id INTEGER PRIMARY KEY, snapshot_body BLOB)")
        con.executemany("INSERT INTO snapshots (snapshot_body) VALUES (?)", [(blob,) for blob in blobs])


def test_a_run_id_after_a_record_header_is_no_bsn(tmp_path):
    run_id = _run_id_that_reads_as_a_bsn_after_a_5()
    runs_db = tmp_path / "dagster" / "history" / "runs.db"
    _run_storage(runs_db, [(run_id, "gmsd/opdracht", "gmsd run --publiceer")])
    assert ("5" + run_id[:8]).encode() in runs_db.read_bytes()  # the raw bytes do read as a 9-digit number

    result = scan(tmp_path, Needles())

    assert result.clean, result.findings
    assert [p.name for p in runs_db.parent.iterdir()] == ["runs.db"]  # the audit wrote nothing beside it


def test_an_11_proef_number_stored_as_a_value_is_still_found(tmp_path):
    planted = "111222333"  # passes the 11-proef
    _run_storage(tmp_path / "dagster" / "history" / "runs.db", [("3d2ae3c4-43dc-420e-9908-6df731a894bd", "notitie", f"klant {planted}")])

    result = scan(tmp_path, Needles())

    assert [(f.path.name, f.kind) for f in result.findings] == [("runs.db", "11-proef")]


def test_a_bsn_inside_a_compressed_blob_is_found(tmp_path):
    bsn = "123456782"
    _run_storage(tmp_path / "dagster" / "history" / "runs.db", [], [zlib.compress(f'{{"bsn": "{bsn}"}}'.encode())])
    assert bsn.encode() not in (tmp_path / "dagster" / "history" / "runs.db").read_bytes()

    result = scan(tmp_path, Needles(bsns={bsn}))

    assert [(f.path.name, f.kind, f.example) for f in result.findings] == [("runs.db", "bsn", "*****6782")]


def test_a_bsn_in_a_rewritten_row_is_found_in_the_raw_bytes(tmp_path):
    """A rewritten row can leave its old bytes in the file, for an attacker with the disk to read.

    This machine's SQLite zeroes deleted content (secure_delete); other builds do not, as set here.
    """
    bsn = "123456782"
    runs_db = tmp_path / "dagster" / "history" / "runs.db"
    _run_storage(runs_db, [("3d2ae3c4-43dc-420e-9908-6df731a894bd", "notitie", f"klant {bsn} " + "x" * 200)])
    with closing(sqlite3.connect(runs_db)) as con, con:
        con.execute("PRAGMA secure_delete = 0")
        con.execute("UPDATE run_tags SET value = 'leeg'")
    assert bsn.encode() in runs_db.read_bytes()  # gone from the table, not from the disk

    result = scan(tmp_path, Needles(bsns={bsn}))

    assert [(f.path.name, f.kind) for f in result.findings] == [("runs.db", "bsn")]


def _bsn_that_is_a_date_after_a_zero() -> str:
    """A BSN (passes the 11-proef) that reads as a zero and a date, yyyymmdd, in 2025."""
    days = pd.date_range("2025-01-01", "2025-12-31").strftime("0%Y%m%d")
    return next(bsn for bsn in days if elfproef(pd.Series([bsn])).all())


def test_a_date_is_no_bsn_without_its_zero_but_a_number_is(tmp_path):
    """Found in the national round (2 Dec 2026): with 2.7 million BSNs, a report's date 20250414 was one
    of them without its leading zero, and the CBS table's buurt codes (8 digits) were 3,016 more."""
    as_date = _bsn_that_is_a_date_after_a_zero()
    as_number = "012345623"  # passes the 11-proef; 12345623 is no date
    assert elfproef(pd.Series([as_date, as_number])).all()
    delivered = Needles(bsns={as_date, as_number}, without_zero={as_date[1:], as_number[1:]})
    report = tmp_path / "reports" / "GM0355" / "2026-H1" / "jeugd.csv"
    report.parent.mkdir(parents=True)
    report.write_text(f"rij;kolom;waarde\n1398;datum_einde;datum_einde: {as_date[1:]}\n", encoding="utf-8")
    table = tmp_path / "reference" / "pc6hnr20240801_gwb.csv"
    table.parent.mkdir()
    table.write_text(f"PC6;Huisnummer;Buurt2024;Wijk2024;Gemeente2024\n1000AA;1;{as_number[1:]};168000;1680\n", encoding="utf-8")

    assert scan(tmp_path, delivered).clean

    report.write_text(f"rij;kolom;waarde\n1398;bsn;{as_number[1:]}\n", encoding="utf-8")  # a raw value copied
    table.write_text(table.read_text(encoding="utf-8") + f"1000AA;{as_number};16800000;168000;1680\n", encoding="utf-8")
    findings = scan(tmp_path, delivered).findings
    assert sorted((f.path.name, f.kind, f.count) for f in findings) == [("jeugd.csv", "bsn", 1), ("pc6hnr20240801_gwb.csv", "bsn", 1)]


def test_only_bsns_delivered_without_their_zero_are_sought_as_8_digits(tmp_path):
    """An aanbieder's AGB code (8 digits) may equal a BSN without its zero: that BSN came with its zero."""
    bsn = "012345623"
    records = tmp_path / "core" / "2026-H1" / "GM0355" / "jeugd.parquet"
    records.parent.mkdir(parents=True)
    pd.DataFrame({"persoon_pseudoniem": ["24bbd797de8b7418"], "aanbieder_id": [bsn[1:]]}).to_parquet(records)

    assert scan(tmp_path, Needles(bsns={bsn})).clean
    assert not scan(tmp_path, Needles(bsns={bsn}, without_zero={bsn[1:]})).clean


def test_a_bsn_in_any_column_of_stored_records_is_found(tmp_path):
    """Found 2 Dec 2026: the audit wrote tables as comma-separated text, and a comma is no boundary
    (a decimal comma), so a BSN in any column but the first went unseen, as text or as a number."""
    records = tmp_path / "core" / "2026-H1" / "GM0355" / "wmo.parquet"
    records.parent.mkdir(parents=True)
    as_text, as_integer, as_double = "123456782", "111222333", "222333406"
    assert elfproef(pd.Series([as_text, as_integer, as_double])).all()
    pd.DataFrame({
        "persoon_pseudoniem": ["24bbd797de8b7418", "8604f9f582bce64a"],
        "opmerking": [as_text, None],
        "nummer": [int(as_integer), 7],
        "bedrag": [float(as_double), 0.5],
    }).to_parquet(records)

    findings = scan(tmp_path, Needles(bsns={as_text, as_integer, as_double})).findings

    assert [(f.path.name, f.kind, f.count) for f in findings] == [("wmo.parquet", "bsn", 3)]


def test_a_bsn_in_any_column_of_the_warehouse_is_found(tmp_path):
    bsn = "123456782"
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        con.execute("CREATE SCHEMA publish")
        con.execute(f"CREATE TABLE publish.indicatoren AS SELECT 'GM0355' AS gemeente_code, {bsn} AS waarde")

    findings = scan(tmp_path, Needles(bsns={bsn})).findings

    assert [(f.path.name, f.kind) for f in findings] == [("warehouse.duckdb", "bsn")]


def test_a_bsn_in_any_column_of_a_comma_separated_export_is_found(tmp_path):
    """`gmsd export --formaat csv` writes commas between values into the home's `export/`."""
    bsn = "123456782"
    export = tmp_path / "export" / "indicatoren.csv"
    export.parent.mkdir()
    export.write_text(f'indicator_id,regio_naam,teller\nwmo_per_1000,"Aalsmeer, dorp",{bsn}\n', encoding="utf-8")

    findings = scan(tmp_path, Needles(bsns={bsn})).findings

    assert [(f.path.name, f.kind) for f in findings] == [("indicatoren.csv", "bsn")]
