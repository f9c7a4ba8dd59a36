"""The privacy audit reads Dagster's SQLite run storage the way it reads the warehouse: value by value.

Found in CI (2 Dec 2026): the audit flagged `dagster/history/runs.db` for an 11-proef number that was
no BSN. In the raw bytes of a `run_tags` row the header byte of the 20-character value
`gmsd run --publiceer` is the character '5', and it sits right before the run id; a run id whose first
group is 8 digits then reads as a 9-digit number, which passes the 11-proef one time in eleven.
"""

from __future__ import annotations

import sqlite3
import uuid
import zlib
from contextlib import closing
from pathlib import Path

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
    _run_storage(tmp_path / "dagster" / "history" / "runs.db", [(str(uuid.uuid4()), "notitie", f"klant {planted}")])

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
    _run_storage(runs_db, [(str(uuid.uuid4()), "notitie", f"klant {bsn} " + "x" * 200)])
    with closing(sqlite3.connect(runs_db)) as con, con:
        con.execute("PRAGMA secure_delete = 0")
        con.execute("UPDATE run_tags SET value = 'leeg'")
    assert bsn.encode() in runs_db.read_bytes()  # gone from the table, not from the disk

    result = scan(tmp_path, Needles(bsns={bsn}))

    assert [(f.path.name, f.kind) for f in result.findings] == [("runs.db", "bsn")]
