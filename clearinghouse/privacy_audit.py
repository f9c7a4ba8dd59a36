"""Proof that no personal data leaks: scan everything the system wrote for the input's BSNs and PC6s.

The clearinghouse promises that no BSN, birth date, PC6 or name survives it. This module checks the
promise the way an attacker with disk access would: it reads every artefact under the home folder —
the warehouse, the pseudonymised Parquet, the audit trail, quality reports, the site, the operator
page, Dagster's run storage and logs — as text (decoding Parquet and DuckDB, which compress, and
SQLite, whose compressed blobs it unpacks), and looks for

- every BSN of the input deliveries, as 9 digits, and as the 8 digits it was delivered as where Excel
  dropped the leading zero. Not taken for such a BSN: an 8-digit run that is a date (yyyymmdd), one
  in the CBS postcode table (its buurt codes are 8-digit numbers), and 8 digits that were also
  delivered in another column (an aanbieder's AGB code). Not every BSN is also sought without its
  zero: at national scale, with millions of BSNs, some dates, buurt codes and AGB codes equal one.
  A BSN that our code stored as a number is still found, as 9 digits, for the nine in ten BSNs that
  do not start with a zero.
- every PC6 of the input deliveries (`1234AB`, also `1234 AB`),
- any other 9-digit number that passes the 11-proef (a BSN from somewhere we did not expect).

Allowed: the raw deliveries themselves while they wait in `inbox/` (until processed) or `bewaard/` (retention),
the key folder, PC6s in the public CBS postcode table under `reference/`, and masked values in reports (`*****6782`, `1234**`), which by construction do not
match. Third-party static files copied verbatim (the site's plotly-basic.min.js) are skipped for the
generic 11-proef scan only: minified JavaScript is full of 9-digit numbers.

A SQLite file (Dagster's run storage) is searched twice. Its raw bytes — which also hold rows Dagster
since rewrote, as an attacker with the disk would see them — and its unpacked blobs are searched for
the input's BSNs and PC6s. The generic 11-proef scan reads its values one by one instead: in the raw
bytes a record's header byte can touch the next value, and a header byte '5' before a run id that
starts with 8 digits reads as a 9-digit number that passes the 11-proef one time in eleven.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
import tempfile
import zlib
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from clearinghouse.reading import DeliveryFileError, read_table
from contracts.delivery import elfproef

# Boundaries exclude letters too: a 32-hex pseudonym or a SHA-256 may contain a run of 9 digits
# by chance, which is not a BSN (and cannot be turned into one without the key).
NINE_DIGITS = re.compile(r"(?<![0-9A-Za-z.,])\d{9}(?![0-9A-Za-z.,])")
EIGHT_DIGITS = re.compile(r"(?<![0-9A-Za-z.,])\d{8}(?![0-9A-Za-z.,])")
PC6 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{3}) ?([A-Za-z]{2})(?![0-9A-Za-z])")
DELIVERY_SUFFIXES = {".csv", ".txt", ".xlsx", ".parquet"}
VENDOR_FILES = {"plotly-basic.min.js"}  # dashboards/static/vendor/, copied unchanged into the site
SKIPPED_FOLDERS = {"inbox", "bewaard", "keys"}
PUBLIC_POSTCODE_TABLES = {"reference"}  # CBS's postcode-huisnummer table: public, every PC6 and buurt code of NL
SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")  # files SQLite keeps beside a database: raw pages


@dataclass
class Needles:
    """What must not be found: the input's BSNs and PC6s."""

    bsns: set[str] = field(default_factory=set)  # canonical, 9 digits
    without_zero: set[str] = field(default_factory=set)  # the 8 digits of BSNs delivered without their zero
    postcodes: set[str] = field(default_factory=set)
    files_read: int = 0


@dataclass
class Finding:
    path: Path
    kind: str  # 'bsn' | 'pc6' | '11-proef'
    count: int
    example: str  # masked


@dataclass
class AuditResult:
    files_scanned: int
    findings: list[Finding]
    raw_waiting: list[Path]

    @property
    def clean(self) -> bool:
        return not self.findings


def collect_needles(sources: list[Path]) -> Needles:
    """BSNs (canonical 9 digits, and 8 where delivered so) and PC6s (upper case, no space) of every
    delivery file under `sources`. A BSN delivered without its zero whose 8 digits were also delivered
    in another column (an aanbieder's AGB code, a date) is sought as 9 digits only."""
    needles = Needles()
    other_numbers: set[str] = set()  # 8 digits delivered as something else: an AGB code, a date
    for source in sources:
        paths = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        for path in paths:
            if path.suffix.lower() not in DELIVERY_SUFFIXES or path.name.startswith("pc6hnr"):
                continue
            try:
                table = read_table(path)
            except DeliveryFileError:
                continue
            needles.files_read += 1
            for column in table.columns.difference(["bsn", "bsn_gezagdrager", "postcode"]):
                distinct = pd.Series(table[column].dropna().unique()).astype(str).str.strip()
                other_numbers |= set(distinct[distinct.str.fullmatch(r"\d{8}")])
            for column in ("bsn", "bsn_gezagdrager"):
                if column in table:
                    values = table[column].dropna().astype(str).str.strip()
                    values = values[values.str.fullmatch(r"\d{8,9}")]
                    needles.without_zero |= set(values[values.str.len() == 8]) - {"00000000"}
                    needles.bsns |= set(values.str.zfill(9)) - {"000000000"}
            if "postcode" in table:
                codes = table["postcode"].dropna().astype(str).str.replace(" ", "", regex=False).str.upper()
                needles.postcodes |= set(codes[codes.str.fullmatch(r"[1-9]\d{3}[A-Z]{2}")])
    needles.without_zero -= other_numbers  # in an artefact the two cannot be told apart
    return needles


@dataclass
class ArtefactText:
    """An artefact as text: what is searched for the input's BSNs and PC6s, and what for any 11-proef number."""

    needles: str
    generic: str


def _sqlite_values(path: Path) -> tuple[list[str], list[str]]:
    """Every value of every table in a SQLite file, one string each, and apart the zlib blobs it unpacked.

    Read from a copy (with its write-ahead log, if one is left): opening a database in WAL mode where
    it lies would create files in the home that the audit only reads.
    """
    values: list[str] = []
    unpacked: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gmsd-audit-") as scratch:
        copy = Path(scratch) / path.name
        for companion in ("", *SQLITE_COMPANIONS):
            if path.with_name(path.name + companion).is_file():
                shutil.copyfile(path.with_name(path.name + companion), copy.with_name(copy.name + companion))
        with closing(sqlite3.connect(copy)) as con:
            tables = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                for row in con.execute(f'SELECT * FROM "{table}"'):
                    for value in row:
                        if isinstance(value, bytes):
                            try:
                                unpacked.append(zlib.decompress(value).decode("utf-8", errors="replace"))
                                value = unpacked[-1]
                            except zlib.error:
                                value = value.decode("utf-8", errors="replace")
                        values.append("" if value is None else str(value))
    return values, unpacked


def _is_sqlite(path: Path) -> bool:
    with open(path, "rb") as file:
        return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _csv_of(table: pa.Table) -> str:
    """A table as text, one value from the next by a tab: a comma or a point next to digits is no
    boundary (`0,123456789` is a decimal), so comma-separated values hid every BSN not in the first
    column. Written by Arrow, ten times faster than pandas on the national round's 600 MB of records;
    a whole number stored as a double reads as its digits (`123456782`, not `123456782.0`). Types
    Arrow cannot write go through pandas."""
    columns = [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns]
    buffer = io.BytesIO()
    try:
        options = pa_csv.WriteOptions(quoting_style="needed", delimiter="\t")
        pa_csv.write_csv(pa.table(columns, names=table.column_names), buffer, options)
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
        return table.to_pandas().astype(str).to_csv(index=False, sep="\t")
    return buffer.getvalue().decode("utf-8", errors="replace")


def _text_of(path: Path) -> ArtefactText:
    """The content of an artefact as text, decoding formats that compress."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        text = _csv_of(pq.read_table(path))
        return ArtefactText(text, text)
    if suffix == ".duckdb":
        parts = []
        with duckdb.connect(str(path), read_only=True) as con:
            for schema, table in con.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall():
                parts.append(_csv_of(con.sql(f'SELECT * FROM "{schema}"."{table}"').to_arrow_table()))
                parts.append(str(con.execute(f"SELECT comment FROM duckdb_tables() WHERE table_name = '{table}'").fetchall()))
        text = "\n".join(parts)
        return ArtefactText(text, text)
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    if raw.startswith(SQLITE_HEADER):
        values, unpacked = _sqlite_values(path)  # the raw bytes already hold every value that is not packed
        return ArtefactText("\n".join([text, *unpacked]), "\n".join(values))
    if suffix == ".csv" and _comma_separated(text):
        text = _tab_separated(text)
        return ArtefactText(text, text)
    for companion in SQLITE_COMPANIONS:
        database = path.with_name(path.name.removesuffix(companion))
        if path.name.endswith(companion) and database.is_file() and _is_sqlite(database):
            return ArtefactText(text, "")  # its values are read with the database
    return ArtefactText(text, text)


def _comma_separated(text: str) -> bool:
    """Whether a CSV file separates its values by commas (as `gmsd export --formaat csv` writes)."""
    header = text[:4096].split("\n", 1)[0]
    return "," in header and ";" not in header and "\t" not in header


def _tab_separated(text: str) -> str:
    """Comma-separated values with a tab between them, so that a BSN in any column is found (see `_csv_of`)."""
    return "\n".join("\t".join(row) for row in csv.reader(io.StringIO(text)))


def _is_date(digits: str) -> bool:
    """Whether 8 digits are a date as yyyymmdd (1900–2099), the form dates take in deliveries and reports."""
    try:
        return 1900 <= int(digits[:4]) <= 2099 and bool(date(int(digits[:4]), int(digits[4:6]), int(digits[6:])))
    except ValueError:
        return False


def _mask(value: str) -> str:
    return "*" * (len(value) - 4) + value[-4:]


def scan(home_root: Path, needles: Needles) -> AuditResult:
    """Scan every file under the home folder except the raw inbox and the key folder."""
    findings: list[Finding] = []
    scanned = 0
    raw_waiting = sorted(p for p in (home_root / "inbox").rglob("*") if p.is_file()) if (home_root / "inbox").exists() else []
    for path in sorted(p for p in home_root.rglob("*") if p.is_file()):
        relative = path.relative_to(home_root)
        if relative.parts[0] in SKIPPED_FOLDERS or path.suffix in (".wal", ".lock") or path.name.endswith(".tmp"):
            continue
        try:
            text = _text_of(path)
        except (OSError, duckdb.Error, sqlite3.Error, ValueError) as exc:
            findings.append(Finding(path, "onleesbaar", 1, f"kon niet worden gecontroleerd: {type(exc).__name__}"))
            continue
        scanned += 1
        nine = NINE_DIGITS.findall(text.needles)
        hits = [n for n in nine if n in needles.bsns]
        if relative.parts[0] not in PUBLIC_POSTCODE_TABLES:
            hits += [e for e in EIGHT_DIGITS.findall(text.needles) if e in needles.without_zero and not _is_date(e)]
        if hits:
            findings.append(Finding(path, "bsn", len(hits), _mask(hits[0])))
        postcodes = [] if relative.parts[0] in PUBLIC_POSTCODE_TABLES else [
            a + b.upper() for a, b in PC6.findall(text.needles) if a + b.upper() in needles.postcodes
        ]
        if postcodes:
            findings.append(Finding(path, "pc6", len(postcodes), postcodes[0][:4] + "**"))
        if path.name not in VENDOR_FILES:
            generic = nine if text.generic is text.needles else NINE_DIGITS.findall(text.generic)
            unknown = sorted(set(generic) - needles.bsns)
            if unknown:
                valid = pd.Series(unknown)[elfproef(pd.Series(unknown)).to_numpy(dtype=bool)]
                valid = valid[valid != "000000000"]
                if len(valid):
                    findings.append(Finding(path, "11-proef", int(np.size(valid)), _mask(str(valid.iloc[0]))))
    return AuditResult(files_scanned=scanned, findings=findings, raw_waiting=raw_waiting)
