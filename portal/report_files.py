"""Serving the intake's quality reports: only a gemeente's own, only by exact name, CSVs made safe.

Reports are written by the intake (clearinghouse.reports) as `reports/<GM>/<periode>/<stamp>_<domein>.html|.csv`.
The portal resolves a requested name inside the gemeente's own folder and serves nothing else.
A CSV is neutralised against formula injection on the way out, cell by cell, whatever wrote it:
reports written before the intake neutralised its cells (or by any future writer) are still opened
safely in Excel. Neutralising is idempotent, so a report that is already safe is served unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from vocabulary.files import neutralise_cell
from vocabulary.home import Home

REPORT_NAME = re.compile(r"^\d{8}T\d{12}Z_[a-z]+\.(html|csv)$")


def report_path(home: Home, gemeente_code: str, periode: str, name: str) -> Path | None:
    """The report file, or None when the name is not a report name or the file is not in the gemeente's folder."""
    if not REPORT_NAME.match(name):
        return None
    root = (home.reports / gemeente_code).resolve()
    path = (root / periode / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def safe_csv(data: bytes) -> bytes:
    """The CSV with every cell that a spreadsheet would run as a formula prefixed with `'`.

    Keeps the file's dialect: its separator (`;` or `,`), its BOM, its encoding (UTF-8 or, failing
    that, Windows-1252).
    """
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252"), "cp1252"
    first_line = text.split("\n", 1)[0]
    separator = ";" if first_line.count(";") >= first_line.count(",") else ","
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator):
        writer.writerow([neutralise_cell(cell) for cell in row])
    encoded = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + encoded
