"""Read a delivery file as gemeenten really send it, into a table of stripped strings.

Gemeenten export from many case systems, often through Excel: CSV with `,` or `;`, UTF-8 with or
without BOM or Windows-1252, XLSX, Parquet. This module only gets the cells out faithfully; what the
values mean is the normaliser's job. Structural problems raise `DeliveryFileError` with a Dutch
message a data officer can act on.

Each format has its reader (`clearinghouse.csv_cells`: CSV column-wise by Arrow, with Python's csv
module where Arrow would be lenient; `clearinghouse.workbook_cells`: XLSX and Parquet); all of them
give a `Grid` (`clearinghouse.grid`), which this module tidies into the same `Delivered` table.
Absurd shapes (a million columns, a 10 MB line, a 1 MB cell, an XLSX that unpacks to gigabytes) are
refused before any parsing, in little time and memory (`check_shape`, also used by the portal).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clearinghouse.csv_cells import MAGIC, check_csv_shape, csv_grid, decode
from clearinghouse.grid import MAX_CELL_CHARS, DeliveryFileError, Grid, empty_file
from clearinghouse.workbook_cells import check_parquet_width, check_xlsx_shape, excel_grid, parquet_grid
from vocabulary.formatting import fmt_int

__all__ = ["Delivered", "DeliveryFileError", "check_shape", "read_delivery", "read_table", "sha256_of"]

# Far larger than any real delivery (Almere's biggest domein is a few MB): refuse before parsing.
MAX_FILE_BYTES = 512 * 1024 * 1024  # looked up at call time: tests and configuration may change it
CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


@dataclass
class Delivered:
    """A delivery file's cells: stripped strings, lower-cased column names.

    `table` holds the cells (Arrow text, one column per kept header); `rows` each row's number as a
    spreadsheet shows it. `frame` is the same as a DataFrame whose index is that number minus 2 (so
    the first data row under a header on row 1 has index 0 and is reported as row 2); it is made
    when first asked for, as the intake stacks the tables of many files and never needs it.
    `headers` maps each column to its header as delivered (stripped, original capitals), for
    reports in the gemeente's own words. `sha256` is the file's checksum (computed from the bytes
    read, so the file is read once).
    """

    table: pa.Table
    rows: np.ndarray
    headers: dict[str, str]
    sha256: str = ""

    @property
    def columns(self) -> list[str]:
        return self.table.column_names

    @cached_property
    def frame(self) -> pd.DataFrame:
        frame = self.table.to_pandas() if self.table.num_columns else pd.DataFrame(index=range(len(self.rows)))
        frame.index = pd.Index(self.rows - 2, dtype="int64")
        return frame


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks (for files that are not read as a delivery)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _row_has_content(columns: list[pa.Array]) -> np.ndarray:
    """Per row: does any (stripped) cell hold a value."""
    filled = np.zeros(len(columns[0]), dtype=bool)
    for column in columns:
        filled |= pc.greater(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
    return filled


def _tidy(grid: Grid, name: str) -> Delivered:
    """Strip cells and headers, lower-case headers, drop empty unnamed columns and empty rows, refuse duplicates."""
    delivered = [str(cell).strip() for cell in grid.header]
    names = [header.lower() or f"unnamed: {i}" for i, header in enumerate(delivered)]
    cells = grid.columns
    keep = [
        i for i, (column_name, column) in enumerate(zip(names, cells))
        if not ((column_name == "" or column_name.startswith("unnamed:")) and not pc.any(pc.not_equal(column, "")).as_py())
    ]  # fmt: skip
    names, delivered, cells = [names[i] for i in keep], [delivered[i] for i in keep], [cells[i] for i in keep]
    seen: set[str] = set()
    duplicates = sorted({column_name for column_name in names if column_name in seen or seen.add(column_name)})
    if duplicates:
        raise DeliveryFileError(f"{name}: kolom(men) {', '.join(duplicates)} komen meer dan eens voor. Houd één kolom per gegeven.")
    for column_name, header, column in zip(names, delivered, cells):
        longest = pc.max(pc.utf8_length(column)).as_py() if len(column) else 0
        if longest and longest > MAX_CELL_CHARS:
            raise DeliveryFileError(
                f"{name}: een cel in kolom {header} is {fmt_int(longest)} tekens lang; geen gegeven in een aanlevering is "
                f"zo lang (grens {fmt_int(MAX_CELL_CHARS)}). Controleer de aanhalingstekens en of dit het juiste bestand is."
            )
    rows = grid.rows
    if cells:
        filled = _row_has_content(cells)
        if not filled.all():
            cells = [column.filter(pa.array(filled)) for column in cells]
            rows = rows[filled]
    # One text type for every reader (Arrow's CSV gives `string`, a Parquet file may hold `large_string`).
    table = pa.table([pc.cast(column, pa.large_string()) for column in cells], names=names) if cells else pa.table({})
    return Delivered(table, np.asarray(rows, dtype=np.int64), dict(zip(names, delivered)))


def read_delivery(path: Path, *, max_bytes: int | None = None) -> Delivered:
    """Read a delivery file (CSV, XLSX or Parquet) into stripped text cells; DeliveryFileError if it cannot be used.

    `max_bytes` defaults to MAX_FILE_BYTES, looked up at call time (a default argument froze the value
    at import, so changing the configured limit had no effect).
    """
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    name = path.name
    size = path.stat().st_size
    if size == 0:
        raise empty_file(name)
    if size > max_bytes:
        raise DeliveryFileError(
            f"{name}: het bestand is {size / 1e6:.0f} MB, veel groter dan een echte aanlevering "
            f"(maximum {max_bytes / 1e6:.0f} MB). Controleer of u het juiste bestand levert."
        )
    suffix = path.suffix.lower()
    readers = {**dict.fromkeys(CSV_SUFFIXES, csv_grid), **dict.fromkeys(EXCEL_SUFFIXES, excel_grid),
               **dict.fromkeys(PARQUET_SUFFIXES, parquet_grid)}  # fmt: skip
    if suffix not in readers:
        raise DeliveryFileError(
            f"{name}: bestandstype '{suffix or '(geen)'}' wordt niet ondersteund. Lever CSV, XLSX of Parquet aan."
        )
    data = path.read_bytes()
    delivered = _tidy(readers[suffix](data, name), name)
    delivered.sha256 = hashlib.sha256(data).hexdigest()
    return delivered


def check_shape(path: Path, *, max_bytes: int | None = None) -> None:
    """Refuse an absurd file (size, columns, line length, an XLSX that unpacks to gigabytes) in
    milliseconds and little memory, without reading its rows: for an upload, before it is queued.
    Raises DeliveryFileError with the same Dutch message the intake would give."""
    max_bytes = MAX_FILE_BYTES if max_bytes is None else max_bytes
    name, size, suffix = path.name, path.stat().st_size, path.suffix.lower()
    if size > max_bytes:
        raise DeliveryFileError(
            f"{name}: het bestand is {size / 1e6:.0f} MB, veel groter dan een echte aanlevering "
            f"(maximum {max_bytes / 1e6:.0f} MB). Controleer of u het juiste bestand levert."
        )
    if size == 0:
        raise empty_file(name)
    data = path.read_bytes()
    if suffix in CSV_SUFFIXES and not data.startswith(tuple(MAGIC)):
        text, utf8 = decode(data, name)
        check_csv_shape(text, utf8, name)
    elif suffix in EXCEL_SUFFIXES:
        check_xlsx_shape(data, name)
    elif suffix in PARQUET_SUFFIXES:
        check_parquet_width(data, name)


def read_table(path: Path, *, max_bytes: int | None = None) -> pd.DataFrame:
    """Read a delivery file into a DataFrame of stripped strings with lower-cased column names.

    Empty cells are empty strings; fully empty rows and unnamed empty columns (Excel leftovers) are
    dropped; the index is the spreadsheet row number minus 2 (see `Delivered`).
    """
    return read_delivery(path, max_bytes=max_bytes).frame

